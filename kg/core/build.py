"""`kg build`: run the loaders, merge, derive shortcuts, check against the ontology, write the store.

All-or-nothing: every check happens before the store is written, and the write is atomic.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.core import resources
from kg.core.model import Edge, Node, Provenance, Record
from kg.core.names import NameIndex
from kg.core.owl import load_schema
from kg.core.store import write_store
from kg.core.validate import merge, validate
from kg.errors import DataError


@dataclass(frozen=True)
class BuildReport:
    store: Path
    nodes: int
    edges: int
    sources: tuple[str, ...]


def collect(data_dir: Path) -> Iterator[Record]:
    """Records from every loader whose input exists under ``data_dir``, in registry order.

    Each loader sees a NameIndex of the nodes loaded before it, so later sources (registries,
    articles) can link to curated entities by name.
    """
    from kg.loaders import LOADERS

    known = NameIndex()
    for module_name in LOADERS.values():
        module = importlib.import_module(module_name)
        path = data_dir / module.INPUT
        if path.exists():
            for record in module.load(path, known):
                if isinstance(record, Node):
                    known.add(record)
                yield record


def derive(nodes: dict[str, Node], edges: dict[tuple[str, str, str], Edge]) -> list[Edge]:
    """Product -[HAS_EVIDENCE_IN]-> Disease for the Browser; the Evidence nodes stay the facts."""
    product_of: dict[str, str] = {}
    disease_of: dict[str, str] = {}
    for source, predicate, target in edges:
        if predicate == "ABOUT_PRODUCT":
            product_of[source] = target
        elif predicate == "IN_DISEASE":
            disease_of[source] = target
    derived: dict[tuple[str, str], list[str]] = {}
    for evidence, product in product_of.items():
        if evidence in disease_of:
            derived.setdefault((product, disease_of[evidence]), []).append(evidence)
    return [Edge(p, "HAS_EVIDENCE_IN", d, {"evidence": tuple(sorted(ev))}, Provenance(None, "derived"))
            for (p, d), ev in sorted(derived.items())]


def build(store: Path, data_dir: Path | None = None, ontology: Path | None = None) -> BuildReport:
    schema = load_schema(ontology or resources.ontology_file())
    data_dir = data_dir or resources.data_dir()
    try:
        nodes, edges = merge(collect(data_dir))
        for edge in derive(nodes, edges):
            edges[edge.key] = edge
        validate(schema, nodes, edges.values())
    except DataError as exc:
        if exc.file and not Path(exc.file).is_absolute() and (data_dir / exc.file).exists():
            exc.file = str(data_dir / exc.file)
        raise
    write_store(store, schema, nodes.values(), edges.values())
    sources = tuple(sorted(n.id for n in nodes.values() if n.label == "Source"))
    return BuildReport(store, len(nodes), len(edges), sources)
