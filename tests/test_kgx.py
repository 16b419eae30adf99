"""KGX TSV export: Biolink categories, predicates and prefixes from the ontology, one row per record.

The checks against the real kgx (validate, round trip to N-Triples) are in tests/test_kgx_biolink.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import store_with
from typer.testing import CliRunner

from kg.cli.export import export_app
from kg.core.model import Edge, Node, Provenance
from kg.core.owl import VOCAB
from kg.core.store import Store
from kg.errors import ExportError
from kg.export.iri import LOADER, SOURCE, IriMinter
from kg.export.kgx import CELLKG, IN_VALUE, category, export_kgx


def _read(path: Path) -> list[dict[str, str]]:
    """As kgx reads it: tab-separated, no quoting."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def kgx_dir(test_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kgx")
    result = CliRunner().invoke(export_app, ["kgx", "-o", str(out), "--store", str(test_store)])
    assert result.exit_code == 0, result.output
    return out


def test_every_node_and_edge_has_a_row(kgx_dir: Path, test_store: Path) -> None:
    with Store(test_store) as store:
        node_ids = {n.id.replace("pubmed:", "PMID:").replace("clinicaltrials:", "CLINICALTRIALS:")
                    for n in store.nodes()}
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
    assert targets[0]["publications"] == "PMID:100001"  # Biolink's prefix, not pubmed:
    assert targets[0]["knowledge_level"] == "knowledge_assertion" and targets[0]["agent_type"] == "manual_agent"
    assert targets[0]["primary_knowledge_source"] == CELLKG and targets[0]["aggregator_knowledge_source"] == ""
    minter = IriMinter(schema)
    assert targets[0]["id"] == minter.statement_iri("cellkg:t-prod-a", "TARGETS", "cellkg:target-t-bcma")


def test_findings_absences_and_derived_shortcuts(kgx_dir: Path) -> None:
    nodes = {r["id"]: r for r in _read(kgx_dir / "nodes.tsv")}
    crs = nodes["cellkg:ev-t-2--t-crs-g1"]
    cells = (crs[VOCAB + "present"], crs[VOCAB + "grade"], crs[VOCAB + "maxGrade"], crs[VOCAB + "affected"])
    assert cells == ("true", "1", "2", "4")
    assert nodes["cellkg:outcome-t-crs"][VOCAB + "category"] == "safety"
    assert nodes["cellkg:outcome-t-crs"][VOCAB + "grading"] == "ASTCT"  # an outcome's grading, not a finding's
    edges = _read(kgx_dir / "edges.tsv")
    assert any(r["subject"] == "cellkg:ev-t-2" and r["object"] == crs["id"] for r in edges)
    negated = {r["subject"] for r in edges if r["negated"]}
    assert negated == {"cellkg:ev-t-1--t-icans", "cellkg:ev-t-4--t-crs"}  # present: false in tests/data
    assert {r["negated"] for r in edges} == {"True", ""}  # kgx reads any other non-empty text as true too
    derived = [r for r in edges if r["original_predicate"].endswith("/hasEvidenceIn")]
    assert {e for r in derived for e in r[VOCAB + "evidence"].split("|")} == {f"cellkg:ev-t-{i}" for i in range(1, 6)}
    assert {(r["agent_type"], r["knowledge_level"]) for r in derived} == {("automated_agent", "logical_entailment")}
    assert {r[LOADER] for r in derived} == {"derived"}


def test_registry_records_name_clinicaltrials_as_primary(tmp_path: Path, test_store: Path) -> None:
    prov = Provenance("clinicaltrials:NCT01234567", "clinicaltrials", "registry.json")
    variant = store_with(tmp_path, test_store, [Edge("clinicaltrials:NCT01234567", "STUDIES_CONDITION",
                                                     "MONDO:9000002", {}, prov)])
    export_kgx(variant, tmp_path / "kgx")
    row = next(r for r in _read(tmp_path / "kgx" / "edges.tsv") if r[LOADER] == "clinicaltrials")
    assert (row["subject"], row["publications"]) == ("CLINICALTRIALS:NCT01234567", "CLINICALTRIALS:NCT01234567")
    assert (row["primary_knowledge_source"], row["aggregator_knowledge_source"]) == ("infores:clinicaltrials", CELLKG)
    assert (row["knowledge_level"], row["agent_type"]) == ("knowledge_assertion", "automated_agent")


def test_dois_pipes_and_line_breaks_fit_kgx(tmp_path: Path, test_store: Path) -> None:
    """kgx takes a CURIE's local part to end at '/', and splits every cell on '|'."""
    prov = Provenance("doi:10.1000/j.x(1)", "curated", "curated/x.yaml", 3)
    source = Node("doi:10.1000/j.x(1)", "Source", {"title": "A | B\tC\nD", "synonyms": ("x|y", "z")}, prov)
    variant = store_with(tmp_path, test_store, [source, Edge("cellkg:ev-t-1", "REPORTED_IN", source.id, {}, prov)])
    export_kgx(variant, tmp_path / "kgx")
    node = next(r for r in _read(tmp_path / "kgx" / "nodes.tsv") if r["id"].startswith("doi:"))
    assert node["id"] == "doi:10.1000%2Fj.x(1)" and node[SOURCE] == node["id"]
    with Store(variant) as store:
        assert node["iri"] == IriMinter(store.schema()).iri(source.id)  # kg's own IRI, unencoded
    assert node[VOCAB + "title"] == f"A {IN_VALUE} B C D"
    assert node["synonym"] == f"x{IN_VALUE}y|z"
    edge = next(r for r in _read(tmp_path / "kgx" / "edges.tsv") if r["object"] == node["id"])
    assert edge["publications"] == node["id"]


@pytest.mark.parametrize(("extra", "message"), [
    ([Node("ror:05a0ya142", "Organization", {"name": "x"}, Provenance(None, "curated"))],
     "node ror:05a0ya142: Biolink has no prefix for 'ror'"),
    ([Node("cellkg:t-x", "Therapy", {"name": "x"}, Provenance(None, "somewhere"))],
     "node cellkg:t-x: loader 'somewhere' has no knowledge source"),
    ([Edge("cellkg:ev-t-1", "REPORTED_IN", "pubmed:abc", {}, Provenance(None, "curated"))],
     r"relationship cellkg:ev-t-1 -\[REPORTED_IN\]-> pubmed:abc: 'pubmed:abc' does not match"),
])
def test_what_kgx_cannot_hold_is_an_error_naming_the_record(tmp_path: Path, test_store: Path,
                                                            extra: list[Node | Edge], message: str) -> None:
    with pytest.raises(ExportError, match=message):
        export_kgx(store_with(tmp_path, test_store, extra), tmp_path / "kgx")
    assert not (tmp_path / "kgx" / "nodes.tsv").exists()


def test_unwritable_directory_fails_cleanly(test_store: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        export_kgx(test_store, a_file / "kgx")
    assert [p.name for p in tmp_path.iterdir()] == ["plain.txt"]
