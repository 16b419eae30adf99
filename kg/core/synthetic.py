"""Scaled synthetic graphs with the shape of a real one, for benchmarks and fault tests.

``replicate`` copies every node and relationship of a built store ``copies`` times, suffixing ids
(``pubmed:38289960`` -> ``pubmed:38289960.s7``), so degree distributions, labels, property sizes
and relationship types are exactly those of the curated graph. The result is not data: never load
it next to the real graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.core.model import Edge, Node
from kg.core.store import Store, write_store


def _copy_id(node_id: str, k: int) -> str:
    return f"{node_id}.s{k}"


def replicate(source: Path, target: Path, copies: int) -> tuple[int, int]:
    """Write a store holding ``copies`` disjoint copies of ``source``; returns (nodes, edges)."""
    with Store(source) as store:
        schema = store.schema()
        nodes = list(store.nodes())
        edges = list(store.edges())

    def all_nodes() -> Iterator[Node]:
        for k in range(copies):
            for n in nodes:
                yield Node(_copy_id(n.id, k), n.label, n.properties, n.provenance)

    def all_edges() -> Iterator[Edge]:
        for k in range(copies):
            for e in edges:
                yield Edge(_copy_id(e.source, k), e.predicate, _copy_id(e.target, k), e.properties, e.provenance)

    write_store(target, schema, all_nodes(), all_edges())
    return len(nodes) * copies, len(edges) * copies
