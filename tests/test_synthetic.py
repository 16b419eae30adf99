"""Synthetic graphs (kg.core.synthetic) for benchmarks are valid for every command: the build's
checks, SHACL, and every named question."""

from __future__ import annotations

from pathlib import Path

from kg.core.consistency import check_consistency
from kg.core.store import Store
from kg.core.synthetic import replicate
from kg.core.validate import validate
from kg.export.shacl import validate_store


def test_copies_of_the_curated_graph_pass_the_build_checks(curated_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "x3.sqlite"
    nodes, edges = replicate(curated_store, path, 3)
    with Store(path) as store, Store(curated_store) as original:
        assert sum(store.counts()["nodes"].values()) == nodes == 3 * sum(original.counts()["nodes"].values())
        by_id = {n.id: n for n in store.nodes()}
        links = {e.key: e for e in store.edges()}
        assert len(links) == edges
        validate(store.schema(), by_id, links.values())  # identifier patterns, ranges, cardinalities
    check_consistency(by_id, links)


def test_copies_of_the_test_graph_conform_to_the_shapes(test_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "x2.sqlite"
    replicate(test_store, path, 2)
    assert validate_store(path).triples > 0
