"""Scaled synthetic graphs with the shape of a real one, for benchmarks and fault tests.

``replicate`` writes ``copies`` disjoint copies of every node and relationship of a built store.
Each copy gets new identifiers that keep their prefix's pattern (``MONDO:`` seven digits,
``clinicaltrials:NCT`` eight, ``pubmed:`` digits, ``doi:10.…`` a DOI, ``cellkg:`` a slug), and
every id inside a property or a provenance record is renamed with them, so a replica is valid for
every command: export, SHACL validation, Neo4j load and the questions. Degree distributions,
labels, property sizes and relationship types are exactly those of the source graph. The result
is not data: never load it next to the real graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.core.model import Edge, Node, Provenance, Value
from kg.core.store import Store, write_store

_NUMBERED = {"MONDO": (7, 9_000_000), "clinicaltrials": (8, 90_000_000)}  # prefix: digits, first number


class Renamer:
    """The id of a node in copy ``k``: same prefix, same pattern, never an id of another copy."""

    def __init__(self, ids: list[str]) -> None:
        self._ids = frozenset(ids)
        self._rank = {i: n for n, i in enumerate(sorted(i for i in ids if i.split(":", 1)[0] in _NUMBERED))}
        self._count = max(len(self._rank), 1)
        # copies number upwards from above every id of the source (MONDO:9000000, NCT90000000 at least)
        self._first = {prefix: max([first - 1, *(int(re.sub(r"\D", "", i.split(":", 1)[1]))
                                                 for i in self._rank if i.startswith(prefix + ":"))]) + 1
                       for prefix, (_, first) in _NUMBERED.items()}

    def __call__(self, node_id: str, k: int) -> str:
        if k == 0 or node_id not in self._ids:
            return node_id  # the first copy is the source itself; xrefs and URLs stay as they are
        prefix, _, local = node_id.partition(":")
        if prefix in _NUMBERED:
            digits = _NUMBERED[prefix][0]
            number = self._first[prefix] + (k - 1) * self._count + self._rank[node_id]
            return f"{prefix}:{'NCT' if prefix == 'clinicaltrials' else ''}{number:0{digits}d}"
        if prefix == "pubmed":
            return f"pubmed:{int(local) + k * 100_000_000}"
        if prefix == "cellkg":
            head, sep, tail = local.partition("--")  # a finding: <evidence>--<outcome...>
            return f"cellkg:{head}-s{k}{sep}{tail}"
        return f"{node_id}.s{k}"  # doi:10.x/y.s7

    def value(self, value: Value, k: int) -> Value:
        if isinstance(value, tuple):
            return tuple(self(v, k) if isinstance(v, str) else v for v in value)
        return self(value, k) if isinstance(value, str) else value

    def provenance(self, prov: Provenance | None, k: int) -> Provenance | None:
        if prov is None or prov.source is None:
            return prov
        return Provenance(self(prov.source, k), prov.loader, prov.file, prov.line,
                          self(prov.record, k) if prov.record else None, prov.field)


_REFERENCES = ("evidence", "mechanism_source")  # properties whose values are node ids


def replicate(source: Path, target: Path, copies: int) -> tuple[int, int]:
    """Write a store holding ``copies`` disjoint copies of ``source``; returns (nodes, edges)."""
    with Store(source) as store:
        schema = store.schema()
        nodes = list(store.nodes())
        edges = list(store.edges())
    rename = Renamer([n.id for n in nodes])

    def props(properties: Any, k: int) -> dict[str, Value]:
        return {key: rename.value(v, k) if key in _REFERENCES else v for key, v in properties.items()}

    def all_nodes() -> Iterator[Node]:
        for k in range(copies):
            for n in nodes:
                names: dict[str, Value] = {}
                if k:  # names stay unique, so that a name given to a question means the first copy
                    for key in ("name", "synonyms", "abbreviation"):
                        value = n.properties.get(key)
                        if isinstance(value, str):
                            names[key] = f"{value} [{k}]"
                        elif isinstance(value, tuple):
                            names[key] = tuple(f"{v} [{k}]" for v in value)
                yield Node(rename(n.id, k), n.label, {**props(n.properties, k), **names},
                           rename.provenance(n.provenance, k))

    def all_edges() -> Iterator[Edge]:
        for k in range(copies):
            for e in edges:
                yield Edge(rename(e.source, k), e.predicate, rename(e.target, k), props(e.properties, k),
                           rename.provenance(e.provenance, k))

    write_store(target, schema, all_nodes(), all_edges())
    return len(nodes) * copies, len(edges) * copies
