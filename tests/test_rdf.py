"""RDF export: stable IRIs, evidence as resources, streaming N-Triples, round trip, clean failures."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from typer.testing import CliRunner

from kg import resources
from kg.cli_export import export_app
from kg.errors import ExportError
from kg.model import Edge, Node, Provenance
from kg.owl import load_schema
from kg.rdf import (
    DEFAULT_BASE,
    IriMinter,
    bioregistry_uri_prefix,
    export_rdf,
    nt_literal,
    reference_ntriples,
    store_graph,
    store_ntriples,
    write_ntriples,
    write_store_ntriples,
)
from kg.store import Store, write_store

VOCAB = "https://w3id.org/cellkg/vocab/"
FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


def parse(source: Path, fmt: str) -> Graph:
    """rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns about its own
    deprecation (rdflib 7.x, plugins/parsers/jsonld.py); that one warning, and only there, is ignored."""
    with warnings.catch_warnings():
        if fmt == "json-ld":
            warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(source, format=fmt)


@pytest.fixture(scope="module")
def schema(test_store: Path) -> Any:
    with Store(test_store) as store:
        return store.schema()


def _store_with(tmp_path: Path, test_store: Path, extra: list[Node | Edge]) -> Path:
    with Store(test_store) as store:
        schema, nodes, edges = store.schema(), list(store.nodes()), list(store.edges())
    nodes += [r for r in extra if isinstance(r, Node)]
    edges += [r for r in extra if isinstance(r, Edge)]
    path = tmp_path / "variant.sqlite"
    write_store(path, schema, nodes, edges)
    return path


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
    ("cellkg:has space", "cannot appear in an IRI"),
    ("cellkg:a<b>", "cannot appear in an IRI"),
])
def test_identifier_that_cannot_become_an_iri_names_the_node(
        bad: str, message: str, test_store: Path, tmp_path: Path) -> None:
    path = _store_with(tmp_path, test_store, [Node(bad, "Therapy", {"name": "broken"}, Provenance(None, "curated"))])
    out = tmp_path / "out.nt"
    with pytest.raises(ExportError, match=message) as info:
        export_rdf(path, out, "ntriples")
    assert f"node {bad}" in str(info.value)
    assert not out.exists()
    assert list(tmp_path.glob(".out.nt.*")) == []


def test_bad_source_reference_names_the_record(test_store: Path, tmp_path: Path) -> None:
    node = Node("cellkg:therapy-x", "Therapy", {"name": "x"}, Provenance("nowhere:1", "curated"))
    path = _store_with(tmp_path, test_store, [node])
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
    path = _store_with(tmp_path, test_store, [edge])
    with pytest.raises(ExportError, match="property 'bogus'"):
        export_rdf(path, out, "ntriples")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".graph")] == []


def test_unknown_format_is_an_error(test_store: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown RDF format 'rdfxml'"):
        export_rdf(test_store, tmp_path / "x", "rdfxml")


# ---------------------------------------------------------------- content


def test_export_has_the_ontology_header(test_store: Path) -> None:
    with Store(test_store) as store:
        graph, schema = store_graph(store), store.schema()
    onto = URIRef(schema.ontology_iri)
    assert (onto, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in graph
    assert graph.value(onto, URIRef("http://www.w3.org/2002/07/owl#versionIRI")) == URIRef(schema.version_iri)
    dataset = URIRef(DEFAULT_BASE + "dataset")
    assert graph.value(dataset, URIRef("http://www.w3.org/2002/07/owl#imports")) == URIRef(schema.version_iri)


def test_evidence_survives_as_resources(test_store: Path) -> None:
    with Store(test_store) as store:
        graph = store_graph(store)
    rows = list(graph.query("""
        PREFIX cellkg: <https://w3id.org/cellkg/vocab/>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?product ?disease ?level ?patients ?source ?cited WHERE {
            ?ev a cellkg:Evidence ; cellkg:aboutProduct ?p ; cellkg:inDisease ?d ; cellkg:level ?level ;
                cellkg:patients ?patients ; cellkg:reportedIn ?source ; dcterms:source ?cited .
            ?p cellkg:name ?product . ?d cellkg:name ?disease .
            FILTER (?ev = <https://w3id.org/cellkg/id/ev-t-1>)
        }"""))
    assert [(str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4]), str(r[5])) for r in rows] == [  # type: ignore[index]
        ("testacabtagene autoleucel", "test necrotising myopathy", "case-report", 1,
         "https://identifiers.org/pubmed:100001", "https://identifiers.org/pubmed:100001")]
    priors = {str(o) for o in graph.objects(URIRef(DEFAULT_BASE + "ev-t-1"), URIRef(VOCAB + "hasPriorTherapy"))}
    assert priors == {DEFAULT_BASE + "therapy-t-rtx", DEFAULT_BASE + "therapy-t-steroid"}
    outcomes = {(str(r[0]), r[1].toPython(), r[2].toPython() if r[2] is not None else None)  # type: ignore[index]
                for r in graph.query("""
        PREFIX cellkg: <https://w3id.org/cellkg/vocab/>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?o ?present ?grade WHERE {
            ?st rdf:subject <https://w3id.org/cellkg/id/ev-t-1> ; rdf:predicate cellkg:reportedOutcome ;
                rdf:object ?o ; cellkg:present ?present . OPTIONAL { ?st cellkg:grade ?grade }
        }""")}
    assert outcomes == {(DEFAULT_BASE + "outcome-t-crs", True, 1), (DEFAULT_BASE + "outcome-t-icans", False, None),
                        (DEFAULT_BASE + "outcome-t-remission", True, None)}


def test_derived_shortcut_points_at_its_evidence(test_store: Path) -> None:
    with Store(test_store) as store:
        graph = store_graph(store)
    derived_from = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    statements = [st for st in graph.subjects(RDF.predicate, URIRef(VOCAB + "hasEvidenceIn"))
                  if graph.value(st, RDF.subject) == URIRef(DEFAULT_BASE + "t-prod-a")]
    assert len(statements) == 1
    assert set(graph.objects(statements[0], derived_from)) == {URIRef(DEFAULT_BASE + "ev-t-1")}
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
                value = _python(o)
                if props[p].is_list:
                    found[props[p].key] = tuple(sorted((*found.get(props[p].key, ()), value)))
                else:
                    assert props[p].key not in found, (subject, p)
                    found[props[p].key] = value
            elif p in prov:
                found["@" + prov[p]] = minter.curie(str(o)) if isinstance(o, URIRef) else str(o)
        return found

    nodes = {minter.curie(str(s)): (classes[o], describe(s))
             for s, o in graph.subject_objects(RDF.type) if o in classes}
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
        return {k: v for k, v in (("@source", p.source), ("@loader", p.loader), ("@location", p.location)) if v}

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


def test_ntriples_stream_equals_rdflib_parse_of_itself(test_store: Path) -> None:
    buffer = io.StringIO()
    with Store(test_store) as store:
        blocks = store_ntriples(store)
        assert iter(blocks) is blocks  # a generator: nothing is materialised up front
        count = write_ntriples(blocks, buffer, chunk=3)
    text = buffer.getvalue()
    assert count == len(text.splitlines()) == len(Graph().parse(data=text, format="nt"))
    assert all(line.endswith(" .") for line in text.splitlines())


def test_fast_ntriples_path_writes_the_reference_bytes(test_store: Path, tmp_path: Path) -> None:
    """store_ntriples renders rows with the common cases inlined; reference_ntriples is the plain
    node() / edge() path. They must agree byte for byte, on awkward records too (escapes, lists,
    an http source, no provenance, provenance with a quote, a second loader), at any batch size."""
    awkward = [
        Node("cellkg:therapy-awkward", "Therapy", {"name": 'say "hi"\nthere \\ é 中文 🧬', "synonyms": ["a\tb", "c"]},
             Provenance("https://example.org/paper?id=1", "curated", file="curated/x.yaml", line=7)),
        Node("cellkg:therapy-bare", "Therapy", {"name": "bare"}, None),
        Node("cellkg:therapy-quoted", "Therapy", {"name": "q"},
             Provenance("pubmed:36528024", "other-loader", file='dir/with "quote".yaml', line=1)),
        Node("cellkg:therapy-ctl", "Therapy", {"name": "ctl"},
             Provenance(None, "curated", file="tab\tin\x7fpath.yaml")),
        Node("cellkg:therapy-nolocation", "Therapy", {"name": "no location"}, Provenance("pubmed:36528024", "curated")),
        Edge("cellkg:therapy-awkward", "IS_A", "cellkg:therapy-bare", {}, None),
        Edge("cellkg:therapy-quoted", "IS_A", "cellkg:therapy-bare", {},
             Provenance("https://example.org/a", "curated", file="f.yaml", line=2)),
    ]
    path = _store_with(tmp_path, test_store, awkward)
    with Store(path) as store:
        reference = "".join(reference_ntriples(store))
        for batch in (1, 3, 1024):
            assert "".join(store_ntriples(store, batch=batch)) == reference
        buffer = io.StringIO()
        count = write_store_ntriples(store, buffer)
    assert buffer.getvalue() == reference
    assert count == reference.count("\n") == len(Graph().parse(data=reference, format="nt"))
    assert 'say \\"hi\\"\\nthere' in reference and "tab\\tin\\u007Fpath.yaml" in reference
    with Store(test_store) as store:
        assert "".join(store_ntriples(store)) == "".join(reference_ntriples(store))


def _md5(path: Path) -> str:
    import hashlib

    return hashlib.md5(path.read_bytes()).hexdigest()


def _reference_md5(store_path: Path) -> str:
    import hashlib

    digest = hashlib.md5()
    with Store(store_path) as store:
        for block in reference_ntriples(store):
            digest.update(block.encode())
    return digest.hexdigest()


def test_parallel_ntriples_writes_the_reference_bytes(test_store: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered by several processes (cuts inside the nodes and inside the relationships), the
    file is the single-process writer's, byte for byte, on the test graph and a replicated one;
    no temporary file is left behind."""
    import importlib.util
    import multiprocessing

    from kg import ntriples_write as ntriples

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no 'fork' start method")
    # kg.synthetic.replicate suffixes ids (MONDO:0000001.s0), which their patterns refuse as IRIs;
    # the benchmark's generator makes exportable copies of the test graph's shape instead.
    spec = importlib.util.spec_from_file_location("export_benchmark", Path(__file__).parents[1] / "benchmarks/export.py")
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    big = tmp_path / "stores" / "synthetic.sqlite"
    big.parent.mkdir()
    benchmark.make_store(big, 40)
    monkeypatch.setattr(ntriples, "PARALLEL_MIN_ROWS", 0)
    for store_path in (test_store, big):
        expected = _reference_md5(store_path)
        for workers in (1, 2, 3, 5):
            out = tmp_path / f"graph-{workers}.nt"
            with Store(store_path) as store:
                assert len(ntriples._plan(store.path, workers)) == (1 if workers == 1 else workers)
                with out.open("w", encoding="utf-8", newline="\n") as handle:
                    count = write_store_ntriples(store, handle, workdir=tmp_path, workers=workers)
            assert _md5(out) == expected
            assert count == out.read_bytes().count(b"\n")
        out = tmp_path / "exported.nt"
        assert export_rdf(store_path, out, "ntriples") == count
        assert _md5(out) == expected
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_parallel_ntriples_is_chosen_only_for_large_files(test_store: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Small stores, standard output and in-memory buffers are written by one process."""
    from kg import ntriples_write as ntriples

    started: list[int] = []
    monkeypatch.setattr(ntriples, "_write_parallel", lambda *args: started.append(1) or 0)
    export_rdf(test_store, tmp_path / "small.nt", "ntriples")  # below PARALLEL_MIN_ROWS
    with Store(test_store) as store:
        assert write_store_ntriples(store, io.StringIO()) > 0  # no workdir
    assert started == []
    monkeypatch.setattr(ntriples, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(ntriples, "parallel_workers", lambda: 2)
    export_rdf(test_store, tmp_path / "large.nt", "ntriples")
    assert started == [1]


def test_parallel_failure_in_a_worker_keeps_the_old_file(test_store: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A record that cannot be exported in a worker's segment raises the named ExportError in
    the parent; the old file stays, and neither the output's nor the workers' temporary files remain."""
    from kg import ntriples_write as ntriples

    out = tmp_path / "graph.nt"
    out.write_text("old\n")
    edge = Edge("pubmed:99999999", "TARGETS", "cellkg:target-t-cd19", {"bogus": 1}, Provenance(None, "curated"))
    path = _store_with(tmp_path, test_store, [edge])
    monkeypatch.setattr(ntriples, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(ntriples, "parallel_workers", lambda: 3)
    last = ntriples._plan(path, 3)[-1]
    assert last[0][0] == "edges" and last[0][1] < ("pubmed:99999999",)  # the bad record is a worker's
    with pytest.raises(ExportError, match="property 'bogus'"):
        export_rdf(path, out, "ntriples")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("text", [
    'plain', 'quote " inside', "back\\slash", "new\nline", "tab\there", "cr\rlf", "bell\x07 and \x7f del",
    "nul \x00 byte", "unicode: é 中文 🧬", "form\x0cfeed\x08back", "",
])
def test_ntriples_literal_escaping_round_trips(text: str) -> None:
    line = f"<https://example.org/s> <https://example.org/p> {nt_literal(text)} .\n"
    assert "\n" not in line[:-1] and "\r" not in line
    parsed = Graph().parse(data=line, format="nt")
    assert list(parsed.objects()) == [Literal(text)]
    typed = f"<https://example.org/s> <https://example.org/p> {nt_literal(text, 'http://www.w3.org/2001/XMLSchema#string')} .\n"
    assert str(next(Graph().parse(data=typed, format="nt").objects())) == text


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


def test_heavy_libraries_are_not_imported_with_the_cli() -> None:
    code = ("import sys, kg.cli, kg.cli_export; "
            "heavy = [m for m in ('rdflib', 'pyshacl', 'bioregistry', 'curies') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)
