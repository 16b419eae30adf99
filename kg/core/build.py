"""`kg build`: run the loaders, merge, derive shortcuts, check against the ontology, write the store.

All-or-nothing: every check happens before the store is written, and the write is atomic.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from kg.core import resources
from kg.core.consistency import check_consistency
from kg.core.derive import derive
from kg.core.model import Node, Record
from kg.core.names import NameIndex
from kg.core.owl import load_schema
from kg.core.steps import Step, quiet
from kg.core.store import write_store
from kg.core.validate import merge, validate
from kg.errors import DataError


@dataclass(frozen=True)
class BuildReport:
    store: Path
    nodes: int
    edges: int
    sources: tuple[str, ...]


def check_data_dir(data_dir: Path, allow_empty: bool = False) -> None:
    """A build replaces the store: refuse to build from a folder that holds no curated data."""
    if not data_dir.exists():
        raise DataError("data folder not found", file=str(data_dir))
    if not data_dir.is_dir():
        raise DataError("not a folder: --data takes the folder that holds curated/", file=str(data_dir))
    curated = data_dir / "curated"
    if not allow_empty and not (curated.is_dir() and any(curated.glob("*.yaml"))):
        raise DataError(f"no curated data here (expected {curated}/*.yaml); a build from it would replace the "
                        "store with an empty graph (--allow-empty does that on purpose)", file=str(data_dir))


def inputs(data_dir: Path, fetched: Path | None) -> Iterator[tuple[ModuleType, Path]]:
    """(loader, input) pairs in registry order: each loader's input under ``data_dir``, and, for
    loaders of fetched records (ClinicalTrials.gov), the fetched folder beside the store."""
    from kg.loaders import LOADERS

    for module_name in LOADERS.values():
        module = importlib.import_module(module_name)
        for base in (data_dir, fetched if getattr(module, "FETCHED", False) else None):
            if base is not None and (base / module.INPUT).exists():
                yield module, base / module.INPUT


def collect(data_dir: Path, fetched: Path | None = None, progress: Step = quiet) -> Iterator[Record]:
    """Records from every loader input, in registry order.

    Each loader sees a NameIndex of the nodes loaded before it, so later sources (registries,
    articles) can link to curated entities by name.
    """
    known = NameIndex()
    for module, path in inputs(data_dir, fetched):
        progress(f"reading {path.name}{'/' if path.is_dir() else ''}")
        for record in module.load(path, known):
            if isinstance(record, Node):
                known.add(record)
            yield record


def build(store: Path, data_dir: Path | None = None, ontology: Path | None = None,
          allow_empty: bool = False, progress: Step = quiet) -> BuildReport:
    progress("reading the ontology")
    schema = load_schema(ontology or resources.ontology_file())
    data_dir = data_dir or resources.data_dir()
    check_data_dir(data_dir, allow_empty)
    fetched = resources.fetched_dir(store)
    try:
        nodes, edges = merge(collect(data_dir, fetched, progress))
        progress(f"checking {len(nodes):,} nodes and {len(edges):,} relationships")
        derive(nodes, edges)
        validate(schema, nodes, edges.values())
        check_consistency(nodes, edges)
    except DataError as exc:
        for base in (data_dir, fetched):
            if exc.file and not Path(exc.file).is_absolute() and (base / exc.file).exists():
                exc.file = str(base / exc.file)
                break
        raise
    progress(f"writing {store.name}")
    write_store(store, schema, nodes.values(), edges.values())
    sources = tuple(sorted(n.id for n in nodes.values() if n.label == "Source"))
    return BuildReport(store, len(nodes), len(edges), sources)
