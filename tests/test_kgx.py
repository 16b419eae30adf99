"""KGX TSV export: Biolink categories and predicates from the ontology, one row per record."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli.export import export_app
from kg.core.store import Store
from kg.errors import ExportError
from kg.export.kgx import category, export_kgx


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def kgx_dir(test_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kgx")
    result = CliRunner().invoke(export_app, ["kgx", "-o", str(out), "--store", str(test_store)])
    assert result.exit_code == 0, result.output
    return out


def test_every_node_and_edge_has_a_row(kgx_dir: Path, test_store: Path) -> None:
    with Store(test_store) as store:
        node_ids = {n.id for n in store.nodes()}
        edge_keys = {e.key for e in store.edges()}
    nodes, edges = _read(kgx_dir / "nodes.tsv"), _read(kgx_dir / "edges.tsv")
    assert {r["id"] for r in nodes} == node_ids
    assert len(edges) == len(edge_keys)
    assert len({r["id"] for r in edges}) == len(edges)


def test_categories_and_predicates_come_from_the_ontology(kgx_dir: Path, test_store: Path) -> None:
    with Store(test_store) as store:
        schema = store.schema()
    nodes = {r["id"]: r for r in _read(kgx_dir / "nodes.tsv")}
    assert nodes["MONDO:9000002"]["category"] == "biolink:Disease"
    assert nodes["MONDO:9000002"]["synonym"] == "TNM"
    assert nodes["cellkg:t-prod-a"]["synonym"] == "TA-101|Testafix"
    assert nodes["cellkg:t-prod-a"]["iri"] == "https://w3id.org/cellkg/id/t-prod-a"
    assert nodes["cellkg:outcome-t-crs"]["category"] == category(schema, "AdverseEvent")
    for row in nodes.values():
        assert row["category"].startswith("biolink:")
    edges = _read(kgx_dir / "edges.tsv")
    for row in edges:
        assert row["predicate"].startswith("biolink:")
        rel = next(r for r in schema.relationships.values() if r.iri == row["original_predicate"])
        assert row["predicate"] == (rel.biolink or "biolink:related_to")
    targets = [r for r in edges if r["subject"] == "cellkg:t-prod-a" and r["object"] == "cellkg:target-t-bcma"]
    assert targets[0]["predicate"] == schema.relationships["TARGETS"].biolink == "biolink:directly_physically_interacts_with"
    assert targets[0]["publications"] == "pubmed:100001"
    assert targets[0]["knowledge_level"] == "knowledge_assertion" and targets[0]["agent_type"] == "manual_agent"


def test_findings_and_derived_shortcuts(kgx_dir: Path) -> None:
    nodes = {r["id"]: r for r in _read(kgx_dir / "nodes.tsv")}
    crs = nodes["cellkg:ev-t-2--t-crs-g1"]
    assert (crs["present"], crs["grade"], crs["max_grade"], crs["affected"]) == ("true", "1", "2", "4")
    assert nodes["cellkg:outcome-t-crs"]["cellkg_category"] == "safety"
    edges = _read(kgx_dir / "edges.tsv")
    assert any(r["subject"] == "cellkg:ev-t-2" and r["object"] == crs["id"] for r in edges)
    derived = [r for r in edges if r["original_predicate"].endswith("/hasEvidenceIn")]
    assert {e for r in derived for e in r["evidence"].split("|")} == {f"cellkg:ev-t-{i}" for i in range(1, 6)}
    assert {r["agent_type"] for r in derived} == {"automated_agent"}


def test_unwritable_directory_fails_cleanly(test_store: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        export_kgx(test_store, a_file / "kgx")
    assert [p.name for p in tmp_path.iterdir()] == ["plain.txt"]
