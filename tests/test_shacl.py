"""SHACL: the shapes cover the ontology, the test graph conforms, and a broken graph names the node."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import store_with
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH
from typer.testing import CliRunner

from kg.core import resources
from kg.core.model import Edge, Node, Provenance
from kg.core.owl import load_schema
from kg.core.store import Store, write_store
from kg.errors import ShapesViolation
from kg.export.shacl import derived_shapes, validate_store


def _variant(tmp_path: Path, test_store: Path, drop: tuple[str, str] | None = None,
             change: dict[str, dict[str, object]] | None = None, add: list[Edge] | None = None) -> Path:
    with Store(test_store) as store:
        schema = store.schema()
        nodes = [Node(n.id, n.label, {**n.properties, **(change or {}).get(n.id, {})}, n.provenance)
                 for n in store.nodes()]
        edges = [e for e in store.edges() if drop is None or (e.source, e.predicate) != drop]
    path = tmp_path / "broken.sqlite"
    write_store(path, schema, nodes, [*edges, *(add or [])])
    return path


def test_shapes_file_has_a_shape_for_every_class() -> None:
    schema = load_schema(resources.ontology_file())
    shapes = Graph().parse(resources.shapes_file(), format="turtle")
    targeted = {str(o) for o in shapes.objects(None, SH.targetClass)}
    missing = [c for c in schema.node_classes if schema.classes[c].iri not in targeted]
    assert missing == []


def test_derived_shapes_cover_every_relationship_and_property() -> None:
    schema = load_schema(resources.ontology_file())
    paths = {str(p) for p in derived_shapes(schema).objects(None, SH.path)}
    assert {r.iri for r in schema.relationships.values()} <= paths
    assert {p.iri for p in schema.properties} <= paths


def test_test_graph_conforms(test_store: Path) -> None:
    report = validate_store(test_store)
    assert report.conforms and report.violations == ()
    assert report.triples > 300 and report.shapes > 20


def test_evidence_without_a_product_is_reported_with_the_node(test_store: Path, tmp_path: Path) -> None:
    broken = _variant(tmp_path, test_store, drop=("cellkg:ev-t-1", "ABOUT_PRODUCT"))
    with pytest.raises(ShapesViolation, match="1 violation$") as info:
        validate_store(broken)
    assert info.value.violations == [
        "node cellkg:ev-t-1 (Evidence): aboutProduct: evidence needs exactly one product"]


def test_wrong_values_and_ranges_are_reported(test_store: Path, tmp_path: Path) -> None:
    bad_edge = Edge("cellkg:ev-t-3", "HAS_FINDING", "cellkg:t-prod-a", {}, Provenance("pubmed:100001", "curated"))
    broken = _variant(tmp_path, test_store, change={"cellkg:ev-t-2": {"level": "rumour"}}, add=[bad_edge])
    with pytest.raises(ShapesViolation) as info:
        validate_store(broken)
    text = "\n".join(info.value.violations)
    assert "node cellkg:ev-t-2 (Evidence): level: level must be one of:" in text
    assert "(value 'rumour')" in text
    assert "node cellkg:ev-t-3 (Evidence): hasFinding:" in text and "(value cellkg:t-prod-a)" in text


def test_statement_without_its_relationship_is_reported(test_store: Path) -> None:
    from kg.export.rdf import IriMinter, store_graph
    from kg.export.shacl import validate_graph

    with Store(test_store) as store:
        schema = store.schema()
        graph = store_graph(store)
    direct = next(graph.triples((None, URIRef("https://w3id.org/cellkg/vocab/isA"), None)))
    graph.remove(direct)
    report = validate_graph(graph, schema, curie=IriMinter(schema).curie)
    assert not report.conforms
    assert any("-[IS_A]->" in v and "missing from the graph" in v for v in report.violations)


def test_validate_command_prints_violations_and_fails(test_store: Path, tmp_path: Path) -> None:
    import typer

    from kg.cli.export import validate_command

    app = typer.Typer()
    app.command()(validate_command)
    ok = CliRunner().invoke(app, ["--store", str(test_store)])
    assert ok.exit_code == 0 and ok.stdout.startswith("conforms:")
    broken = _variant(tmp_path, test_store, drop=("cellkg:ev-t-1", "IN_DISEASE"))
    bad = CliRunner().invoke(app, ["--store", str(broken)])
    assert isinstance(bad.exception, ShapesViolation)
    assert "node cellkg:ev-t-1 (Evidence): inDisease: evidence needs exactly one disease" in bad.stdout


def test_curated_graph_conforms(curated_store: Path) -> None:
    report = validate_store(curated_store)
    assert report.conforms, report.violations


def test_every_shape_is_well_formed() -> None:
    shapes = Graph().parse(resources.shapes_file(), format="turtle")
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert (shape, SH.targetClass, None) in shapes, shape


def test_a_record_that_cannot_be_exported_is_reported_as_a_violation(test_store: Path, tmp_path: Path) -> None:
    """A store written by other means may hold what `kg build` refuses; validation reports it."""
    broken = store_with(tmp_path, test_store, [Node("MONDO:123", "Disease", {"name": "short id"},
                                                    Provenance(None, "curated"))])
    with pytest.raises(ShapesViolation, match="cannot be exported") as info:
        validate_store(broken)
    assert len(info.value.violations) == 1
    assert "MONDO:123" in info.value.violations[0] and "identifier pattern" in info.value.violations[0]
