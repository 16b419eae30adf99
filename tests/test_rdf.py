"""RDF export: stable IRIs, evidence as resources, streaming N-Triples, round trip, clean failures."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import parse_rdf as parse
from conftest import run_kg, store_with
from rdflib import RDF, Graph, Literal, URIRef
from typer.testing import CliRunner

from kg.cli.export import export_app
from kg.core import resources
from kg.core.model import Edge, Node, Provenance
from kg.core.owl import load_schema
from kg.core.store import Store
from kg.errors import ExportError, UsageError
from kg.export.rdf import (
    DEFAULT_BASE,
    IriMinter,
    bioregistry_uri_prefix,
    export_rdf,
    store_graph,
)

VOCAB = "https://w3id.org/cellkg/vocab/"
FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def schema(test_store: Path) -> Any:
    with Store(test_store) as store:
        return store.schema()


# ---------------------------------------------------------------- IRIs


def test_external_identifiers_get_canonical_iris(schema: Any) -> None:
    minter = IriMinter(schema)
    assert minter.iri("MONDO:0005179") == "http://purl.obolibrary.org/obo/MONDO_0005179"
    assert minter.iri("CHEBI:15367") == "http://purl.obolibrary.org/obo/CHEBI_15367"
    assert minter.iri("pubmed:36528024") == "https://identifiers.org/pubmed:36528024"
    assert minter.iri("clinicaltrials:NCT05085431") == "https://identifiers.org/clinicaltrials:NCT05085431"
    assert minter.iri("HGNC:11913") == "https://identifiers.org/hgnc:11913"
    assert minter.iri("doi:10.1038/s41587-022-01637-z") == "https://identifiers.org/doi:10.1038/s41587-022-01637-z"
    assert minter.iri("cellkg:ev-t-1") == DEFAULT_BASE + "ev-t-1"
    assert minter.curie("http://purl.obolibrary.org/obo/MONDO_0005179") == "MONDO:0005179"


def test_declared_namespaces_agree_with_the_bioregistry() -> None:
    """sh:declare lists the allowed prefixes; their namespaces must be what the export mints."""
    declared = load_schema(resources.ontology_file()).prefixes
    for prefix, namespace in declared.items():
        if prefix == "cellkg":
            assert namespace == DEFAULT_BASE
        else:
            assert bioregistry_uri_prefix(prefix)[0] == namespace, prefix


def test_local_base_is_configurable(schema: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CELLKG_BASE_IRI", "https://example.org/kg/")
    assert IriMinter(schema).iri("cellkg:ev-t-1") == "https://example.org/kg/ev-t-1"
    monkeypatch.setenv("CELLKG_BASE_IRI", "not an iri")
    with pytest.raises(ExportError, match="CELLKG_BASE_IRI"):
        IriMinter(schema)


def test_same_store_exports_the_same_bytes(test_store: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    export_rdf(test_store, a, "ntriples")
    export_rdf(test_store, b, "ntriples")
    assert a.read_bytes() == b.read_bytes()
    assert "<https://w3id.org/cellkg/id/statement/" in a.read_text()


@pytest.mark.parametrize("bad, message", [
    ("foo:123", "unknown prefix 'foo'"),
    ("MONDO:12", "does not match the MONDO identifier pattern"),
    ("cellkg:has space", "does not match the cellkg identifier pattern"),
    ("doi:10.1000/a<b>", "cannot appear in an IRI"),
    ("doi:10.1000/a b", "cannot appear in an IRI"),
])
def test_identifier_that_cannot_become_an_iri_names_the_node(
        bad: str, message: str, test_store: Path, tmp_path: Path) -> None:
    path = store_with(tmp_path, test_store, [Node(bad, "Therapy", {"name": "broken"}, Provenance(None, "curated"))])
    out = tmp_path / "out.nt"
    with pytest.raises(ExportError, match=message) as info:
        export_rdf(path, out, "ntriples")
    assert f"node {bad}" in str(info.value)
    assert not out.exists()
    assert list(tmp_path.glob(".cellkg-*")) == []


def test_bad_source_reference_names_the_record(test_store: Path, tmp_path: Path) -> None:
    node = Node("cellkg:therapy-x", "Therapy", {"name": "x"}, Provenance("nowhere:1", "curated"))
    path = store_with(tmp_path, test_store, [node])
    with pytest.raises(ExportError, match="node cellkg:therapy-x: unknown prefix 'nowhere'"):
        export_rdf(path, tmp_path / "x.ttl", "turtle")


# ---------------------------------------------------------------- failures leave nothing behind


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_unwritable_path_fails_cleanly(fmt: str, test_store: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    for target in (tmp_path / "missing" / "out", a_file / "out", tmp_path):
        with pytest.raises(ExportError, match=f"cannot write {target}"):
            export_rdf(test_store, target, fmt)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.txt"]


def test_failure_midway_keeps_the_old_file(test_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.nt"
    out.write_text("old\n")
    edge = Edge("cellkg:t-prod-a", "TARGETS", "cellkg:target-t-cd19", {"bogus": 1}, Provenance(None, "curated"))
    path = store_with(tmp_path, test_store, [edge])
    with pytest.raises(ExportError, match="property 'bogus'"):
        export_rdf(path, out, "ntriples")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".graph")] == []


def test_unknown_format_is_an_error(test_store: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown RDF format 'rdfxml'"):
        export_rdf(test_store, tmp_path / "x", "rdfxml")


# ---------------------------------------------------------------- content


def test_export_has_the_ontology_header(test_store: Path) -> None:
    with Store(test_store) as store:
        graph, schema = store_graph(store), store.schema()
    dataset = URIRef(DEFAULT_BASE + "dataset")
    # one owl:Ontology, the file itself, importing the ontology's version (the catalog resolves it)
    assert list(graph.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology"))) == [dataset]
    assert graph.value(dataset, URIRef("http://www.w3.org/2002/07/owl#imports")) == URIRef(schema.version_iri)
    # a statement is a cellkgv:Relationship, the domain of the fields it carries
    statements = set(graph.subjects(RDF.type, RDF.Statement))
    assert statements and statements == set(graph.subjects(RDF.type, URIRef(VOCAB + "Relationship")))


def test_evidence_survives_as_resources(test_store: Path) -> None:
    with Store(test_store) as store:
        graph = store_graph(store)
    rows = list(graph.query("""
        PREFIX cellkgv: <https://w3id.org/cellkg/vocab/>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?product ?disease ?level ?patients ?source ?cited WHERE {
            ?ev a cellkgv:Evidence ; cellkgv:aboutProduct ?p ; cellkgv:inDisease ?d ; cellkgv:level ?level ;
                cellkgv:patients ?patients ; cellkgv:reportedIn ?source ; dcterms:source ?cited .
            ?p cellkgv:name ?product . ?d cellkgv:name ?disease .
            FILTER (?ev = <https://w3id.org/cellkg/id/ev-t-1>)
        }"""))
    assert [(str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4]), str(r[5])) for r in rows] == [  # type: ignore[index]
        ("testacabtagene autoleucel", "test necrotising myopathy", "case-report", 1,
         "https://identifiers.org/pubmed:100001", "https://identifiers.org/pubmed:100001")]
    priors = {str(o) for o in graph.objects(URIRef(DEFAULT_BASE + "ev-t-1"), URIRef(VOCAB + "hasPriorTherapy"))}
    assert priors == {DEFAULT_BASE + "therapy-t-rtx", DEFAULT_BASE + "therapy-t-steroid"}
    outcomes = {(str(r[0]), r[1].toPython(), r[2].toPython() if r[2] is not None else None)  # type: ignore[index]
                for r in graph.query("""
        PREFIX cellkgv: <https://w3id.org/cellkg/vocab/>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?o ?present ?grade WHERE {
            <https://w3id.org/cellkg/id/ev-t-1> cellkgv:hasFinding ?f .
            ?f cellkgv:ofOutcome ?o ; cellkgv:present ?present . OPTIONAL { ?f cellkgv:grade ?grade }
        }""")}
    assert outcomes == {(DEFAULT_BASE + "outcome-t-crs", True, 1), (DEFAULT_BASE + "outcome-t-icans", False, None),
                        (DEFAULT_BASE + "outcome-t-remission", True, None),
                        (DEFAULT_BASE + "outcome-t-decline", True, None)}


def test_derived_shortcut_points_at_its_evidence(test_store: Path) -> None:
    with Store(test_store) as store:
        graph = store_graph(store)
    derived_from = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    statements = [st for st in graph.subjects(RDF.predicate, URIRef(VOCAB + "hasEvidenceIn"))
                  if graph.value(st, RDF.subject) == URIRef(DEFAULT_BASE + "t-prod-a")]
    assert len(statements) == 1
    assert set(graph.objects(statements[0], derived_from)) == {URIRef(DEFAULT_BASE + "ev-t-1"),
                                                               URIRef(DEFAULT_BASE + "ev-t-4")}
    assert graph.value(statements[0], URIRef(VOCAB + "loader")) == Literal("derived")


# ---------------------------------------------------------------- round trip


def _python(literal: Any) -> Any:
    value = literal.toPython()
    return value if isinstance(value, (bool, int, Decimal)) else str(value)


def _normal(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(sorted(_normal(v) for v in value))
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _read_back(graph: Graph, schema: Any, minter: IriMinter) -> tuple[dict[str, Any], dict[Any, Any]]:
    """Nodes and relationships with properties and provenance, rebuilt from RDF alone."""
    classes = {URIRef(c.iri): c.name for c in schema.classes.values()}
    rels = {URIRef(r.iri): r.type for r in schema.relationships.values()}
    props = {URIRef(p.iri): p for p in schema.properties}
    prov = {URIRef("http://purl.org/dc/terms/source"): "source", URIRef(VOCAB + "loader"): "loader",
            URIRef(VOCAB + "location"): "location"}

    def describe(subject: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for p, o in graph.predicate_objects(subject):
            if p in props:
                value = minter.curie(str(o)) if props[p].is_curie else _python(o)
                assert isinstance(o, URIRef) == props[p].is_curie, (subject, p, o)  # links are IRIs
                if props[p].is_list:
                    found[props[p].key] = tuple(sorted((*found.get(props[p].key, ()), value)))
                else:
                    assert props[p].key not in found, (subject, p)
                    found[props[p].key] = value
            elif p in prov:
                found["@" + prov[p]] = minter.curie(str(o)) if isinstance(o, URIRef) else str(o)
        return found

    def own_class(subject: Any) -> str:
        """The class whose ancestors are exactly the classes the file asserts (every one is)."""
        asserted = {classes[o] for o in graph.objects(subject, RDF.type) if o in classes}
        own = [name for name in asserted if set(schema.ancestors(name)) == asserted]
        assert len(own) == 1, (subject, asserted)
        return own[0]

    identifier = URIRef("http://purl.org/dc/terms/identifier")
    nodes = {}
    for s in set(graph.subjects(RDF.type, URIRef(VOCAB + "Entity"))):
        curie = minter.curie(str(s))
        assert [str(i) for i in graph.objects(s, identifier)] == [curie]  # the CURIE, as `kg ask` shows it
        nodes[curie] = (own_class(s), describe(s))
    edges: dict[Any, Any] = {(minter.curie(str(s)), rels[p], minter.curie(str(o))): None
                             for s, p, o in graph if p in rels}
    for st in graph.subjects(RDF.type, RDF.Statement):
        key = (minter.curie(str(graph.value(st, RDF.subject))), rels[graph.value(st, RDF.predicate)],  # type: ignore[index]
               minter.curie(str(graph.value(st, RDF.object))))
        assert key in edges, key
        edges[key] = describe(st)
    return nodes, edges


def _expected(store: Store) -> tuple[dict[str, Any], dict[Any, Any]]:
    def provenance(p: Provenance | None) -> dict[str, Any]:
        if p is None:
            return {}
        return {k: v for k, v in (("@source", p.source), ("@loader", p.loader), ("@location", p.place)) if v}

    nodes = {n.id: (n.label, {**{k: _normal(v) for k, v in n.properties.items()}, **provenance(n.provenance)})
             for n in store.nodes()}
    edges = {e.key: {**{k: _normal(v) for k, v in e.properties.items()}, **provenance(e.provenance)}
             for e in store.edges()}
    return nodes, edges


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_finds_the_same_nodes_relationships_and_properties(
        fmt: str, test_store: Path, tmp_path: Path) -> None:
    out = tmp_path / f"graph.{fmt}"
    count = export_rdf(test_store, out, fmt)
    graph = parse(out, FORMATS[fmt])
    assert len(graph) == count
    with Store(test_store) as store:
        schema = store.schema()
        expected_nodes, expected_edges = _expected(store)
        reference = store_graph(store)
    nodes, edges = _read_back(graph, schema, IriMinter(schema))
    assert nodes == expected_nodes
    assert edges == expected_edges
    from rdflib.compare import isomorphic

    assert isomorphic(graph, reference)


# ---------------------------------------------------------------- command line


def test_cli_writes_to_standard_output(test_store: Path) -> None:
    result = CliRunner().invoke(export_app, ["rdf", "--format", "ntriples", "-o", "-", "--store", str(test_store)])
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(data=result.stdout, format="nt")) > 300


def test_cli_writes_a_file(test_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    result = CliRunner().invoke(export_app, ["rdf", "-f", "jsonld", "-o", str(out), "--store", str(test_store)])
    assert result.exit_code == 0, result.output
    assert len(parse(out, "json-ld")) > 300


def test_json_ld_bytes_do_not_depend_on_the_hash_seed(test_store: Path, tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.jsonld"
        result = run_kg("export", "rdf", "-f", "jsonld", "-o", str(out), "--store", str(test_store),
                        env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    turtle = tmp_path / "graph.ttl"
    assert run_kg("export", "rdf", "-o", str(turtle), "--store", str(test_store)).returncode == 0
    assert parse(tmp_path / "seed1.jsonld", "json-ld").isomorphic(parse(turtle, "turtle"))


def test_heavy_libraries_are_not_imported_with_the_cli() -> None:
    code = ("import sys, kg.cli, kg.cli.export; "
            "heavy = [m for m in ('rdflib', 'pyshacl', 'bioregistry', 'curies') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)
