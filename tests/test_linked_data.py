"""The export stands on its own: every class asserted, each node's CURIE, links as IRIs, one prefix
per namespace, a dataset description whose counts are the file's, named graphs per source, and
provenance locations that edits elsewhere do not change."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import TEST_DATA, parse_rdf
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID

from kg.core import resources
from kg.core.build import build
from kg.core.owl import VOCAB
from kg.core.store import Store
from kg.export.context import namespaces
from kg.export.dataset import DISTRIBUTIONS
from kg.export.iri import IriMinter
from kg.export.quads import graph_iri
from kg.export.rdf import FORMATS, export_rdf

DATASET = URIRef("https://w3id.org/cellkg/id/dataset")
LOCATION = URIRef(VOCAB + "location")
DEFAULT = "urn:x-rdflib:default"  # rdflib's name for a Dataset's default graph




@pytest.fixture(scope="module")
def exports(test_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, Any]]:
    """Every format of the test graph: format -> (count export_rdf returned, parsed file)."""
    folder = tmp_path_factory.mktemp("exports")
    found = {}
    for fmt in FORMATS:
        path = folder / f"graph.{fmt}"
        found[fmt] = (export_rdf(test_store, path, fmt), parse_rdf(path, FORMATS[fmt]))
    return found


def _triples(parsed: Graph | Dataset) -> set[Any]:
    """The triples of a file, whichever graph holds them."""
    if isinstance(parsed, Dataset):
        return {(s, p, o) for s, p, o, _ in parsed.quads()}
    return set(parsed)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_dataset_description_counts_the_file_it_is_in(
        fmt: str, exports: dict[str, tuple[int, Any]], test_store: Path) -> None:
    count, parsed = exports[fmt]
    triples = _triples(parsed)
    size = sum(1 for _ in parsed.quads()) if isinstance(parsed, Dataset) else len(parsed)

    def value(p: URIRef, s: URIRef = DATASET) -> Any:
        found = [o for s_, p_, o in triples if s_ == s and p_ == p]
        assert len(found) == 1, (s, p, found)
        return found[0]

    assert int(value(VOID.triples)) == size == count
    with Store(test_store) as store:
        nodes = sum(store.label_counts().values())
        build_id, built = store.build_id(), store.built()
        schema = store.schema()
    assert int(value(VOID.entities)) == nodes
    assert str(value(DCTERMS.license)) == "https://spdx.org/licenses/MIT"
    assert value(DCTERMS.created) == Literal(built, datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime"))
    assert str(value(URIRef(str(DCAT) + "version"))) == build_id  # DCAT 3's term; rdflib's DCAT is DCAT 2
    assert str(value(DCTERMS.conformsTo)) == schema.version_iri
    assert value(DCTERMS.creator) and value(DCTERMS.title) and value(DCTERMS.description)
    # each class partition counts what a consumer counts with `?x a C` in the same file
    for part in (o for s, p, o in triples if s == DATASET and p == VOID.classPartition):
        cls = value(VOID["class"], part)
        members = {s for s, p, o in triples if p == RDF.type and o == cls}
        assert int(value(VOID.entities, part)) == len(members) > 0, cls
    media = {str(o) for s, p, o in triples if p == DCAT.mediaType}
    assert media == {f"https://www.iana.org/assignments/media-types/{m}" for _, m in DISTRIBUTIONS.values()}


def test_every_format_holds_the_same_triples(exports: dict[str, tuple[int, Any]]) -> None:
    """Beyond the graph descriptions the quads add and the counts, which differ by that much."""
    def comparable(parsed: Any) -> set[Any]:
        return {t for t in _triples(parsed) if t[1] != VOID.triples and not str(t[0]).startswith(
            "https://w3id.org/cellkg/id/graph/")}

    reference = comparable(exports["ntriples"][1])
    for fmt in FORMATS:
        assert comparable(exports[fmt][1]) == reference, fmt


def test_a_node_carries_every_class_and_its_curie(exports: dict[str, tuple[int, Any]], test_store: Path) -> None:
    graph = exports["turtle"][1]
    with Store(test_store) as store:
        schema = store.schema()
        minter = IriMinter(schema)
        for node in store.nodes():
            s = URIRef(minter.iri(node.id))
            asserted = {o for o in graph.objects(s, RDF.type)}
            assert asserted == {URIRef(schema.classes[c].iri) for c in schema.ancestors(node.label)}, node.id
            assert list(graph.objects(s, DCTERMS.identifier)) == [Literal(node.id)]
    outcomes = set(graph.subjects(RDF.type, URIRef(VOCAB + "Outcome")))
    adverse = set(graph.subjects(RDF.type, URIRef(VOCAB + "AdverseEvent")))
    assert adverse and adverse < outcomes  # an AdverseEvent is found as an Outcome, without the ontology


def test_links_by_identifier_are_iris(exports: dict[str, tuple[int, Any]], test_store: Path) -> None:
    graph = exports["ntriples"][1]
    with Store(test_store) as store:
        schema = store.schema()
    links = [p for p in schema.properties if p.is_curie]
    assert {p.key for p in links} >= {"xrefs", "evidence"}
    seen = 0
    for prop in links:
        for _, value in graph.subject_objects(URIRef(prop.iri)):
            assert isinstance(value, URIRef), (prop.key, value)
            seen += 1
    assert seen > 0


def test_one_prefix_means_one_namespace(exports: dict[str, tuple[int, Any]], test_store: Path) -> None:
    """``cellkg:`` is the identifiers' namespace in the store, `kg ask`, KGX, the ontology's
    sh:declare and every RDF file; the vocabulary is ``cellkgv:``."""
    with Store(test_store) as store:
        schema = store.schema()
    ids = IriMinter(schema).iri("cellkg:x").removesuffix("x")
    assert schema.prefixes["cellkg"] == ids == namespaces(schema)["cellkg"]
    assert namespaces(schema)["cellkgv"] == VOCAB
    for fmt in ("turtle", "trig"):
        bound = dict(exports[fmt][1].namespaces())
        assert str(bound["cellkg"]) == ids and str(bound["cellkgv"]) == VOCAB, fmt
    for path in (resources.ontology_file(), resources.shapes_file()):
        text = path.read_text(encoding="utf-8")
        assert f"@prefix cellkgv: <{VOCAB}>" in text.replace("  ", " ")
        assert "@prefix cellkg:" not in text


def test_named_graphs_hold_each_record_under_its_source(exports: dict[str, tuple[int, Any]], test_store: Path) -> None:
    dataset = exports["nquads"][1]
    with Store(test_store) as store:
        minter = IriMinter(store.schema())
        for node in store.nodes():
            s = URIRef(minter.iri(node.id))
            graphs = {str(g) for _, _, _, g in dataset.quads((s, RDF.type, None, None))}
            source = node.provenance.source if node.provenance else None
            assert graphs == {graph_iri(minter.base, source) if source else DEFAULT}, node.id
    named = {str(g.identifier) for g in dataset.graphs() if str(g.identifier).startswith(minter.base + "graph/")}
    described = {str(s) for s, _, _, _ in dataset.quads((None, DCTERMS.source, None, None))} & named
    assert named and described == named  # every named graph says which source it is, in the default graph


def _location_triples(data: Path, tmp: Path) -> set[Any]:
    tmp.mkdir()
    store = tmp / "store.sqlite"
    build(store, data)
    export_rdf(store, tmp / "graph.nt", "ntriples")
    return set(Graph().parse(tmp / "graph.nt", format="nt").triples((None, LOCATION, None)))


def test_locations_survive_edits_elsewhere_in_the_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(TEST_DATA, data)
    before = _location_triples(data, tmp_path / "a")
    yaml = next((data / "curated").glob("*.yaml"))
    yaml.write_text("# a curator's note\n\n" + yaml.read_text(encoding="utf-8"), encoding="utf-8")
    after = _location_triples(data, tmp_path / "b")
    assert before and after == before  # two lines more at the top: not one location changed


def test_the_shipped_catalog_maps_the_ontology_iris_to_the_file() -> None:
    from kg.core.owl import load_schema

    schema = load_schema(resources.ontology_file())
    catalog = resources.ontology_file().with_name("catalog-v001.xml")
    entries = {e.get("name"): e.get("uri") for e in ElementTree.parse(catalog).getroot()
               if e.tag.endswith("}uri")}
    assert entries == {schema.ontology_iri: "cellkg.ttl", schema.version_iri: "cellkg.ttl"}
