"""Both SHACL engines (rudof, the default; pyshacl, the reference) give the same verdicts:
the same focus node, path, constraint component and severity for every result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from kg.core.schema import Schema
from kg.core.store import Store
from kg.errors import ShapesViolation, UsageError
from kg.export.rdf import IriMinter, store_graph
from kg.export.shacl import ShaclReport, validate_graph, validate_store
from kg.export.shacl_fast import validate_ntriples

V, ID = "https://w3id.org/cellkg/vocab/", "https://w3id.org/cellkg/id/"
EV1, EV2, PRODUCT = URIRef(ID + "ev-t-1"), URIRef(ID + "ev-t-2"), URIRef(ID + "t-prod-a")


def v(name: str) -> URIRef:
    return URIRef(V + name)


def _finding(g: Graph) -> URIRef:
    return next(f for f in g.objects(EV1, v("hasFinding")) if isinstance(f, URIRef))  # type: ignore[misc]


def _study(g: Graph) -> URIRef:
    return next(s for s in g.subjects(RDF.type, v("Study")) if isinstance(s, URIRef))  # type: ignore[misc]


CORRUPTIONS: dict[str, Callable[[Graph], object]] = {
    "missing required property (minCount)": lambda g: g.remove((EV1, v("aboutProduct"), None)),
    "missing loader": lambda g: g.remove((EV1, v("loader"), None)),
    "value outside an enumeration (in)": lambda g: g.set((EV2, v("level"), Literal("rumour"))),
    "wrong datatype": lambda g: g.set((EV1, v("patients"), Literal("ten"))),
    "wrong class of a link target": lambda g: g.set((EV1, v("inDisease"), PRODUCT)),
    "too many values (maxCount)": lambda g: g.add((PRODUCT, v("name"), Literal("a second name"))),
    "empty name (minLength)": lambda g: g.set((PRODUCT, v("name"), Literal(""))),
    "xref pattern": lambda g: g.add((PRODUCT, v("xrefs"), Literal("no colon"))),
    "finding of two evidence records (inversePath)": lambda g: g.add((EV2, v("hasFinding"), _finding(g))),
    "study without name or title (or)": lambda g: (g.remove((_study(g), v("name"), None)),
                                                   g.remove((_study(g), v("title"), None))),
    "statement without its relationship (sparql)": lambda g: g.remove(next(g.triples((None, v("isA"), None)))),
    "property on an untyped node (targetSubjectsOf)": lambda g: g.add((URIRef(ID + "nobody"), v("antigen"),
                                                                       Literal("x"))),
}


def both(graph: Graph, schema: Schema) -> tuple[ShaclReport, ShaclReport]:
    curie = IriMinter(schema).curie
    return (validate_graph(graph, schema, curie=curie),
            validate_ntriples(graph.serialize(format="nt"), schema, curie=curie))


def verdicts(report: ShaclReport) -> set[tuple[str, str | None, str, str]]:
    return {r.verdict() for r in report.results}


@pytest.fixture(scope="module")
def graph_and_schema(test_store: Path) -> tuple[Graph, Schema]:
    with Store(test_store) as store:
        return store_graph(store), store.schema()


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_engines_agree_on_a_corrupted_graph(graph_and_schema: tuple[Graph, Schema], name: str) -> None:
    original, schema = graph_and_schema
    graph = Graph()
    graph += original
    CORRUPTIONS[name](graph)
    reference, fast = both(graph, schema)
    assert not reference.conforms and not fast.conforms
    assert verdicts(reference) and verdicts(fast) == verdicts(reference)
    assert fast.triples == reference.triples and fast.shapes == reference.shapes


def test_a_declared_message_reads_the_same_from_both_engines(graph_and_schema: tuple[Graph, Schema]) -> None:
    original, schema = graph_and_schema
    graph = Graph()
    graph += original
    graph.remove((EV1, v("aboutProduct"), None))
    graph.set((EV2, v("level"), Literal("rumour")))
    graph.add((EV2, v("hasFinding"), _finding(graph)))
    reference, fast = both(graph, schema)
    assert fast.violations == reference.violations
    assert "node cellkg:ev-t-1 (Evidence): aboutProduct: evidence needs exactly one product" in fast.violations


def test_engines_agree_that_the_curated_graph_conforms(curated_store: Path) -> None:
    reports = [validate_store(curated_store, engine=engine) for engine in ("rudof", "pyshacl")]
    assert all(r.conforms and r.results == () for r in reports)
    assert reports[0].triples == reports[1].triples and reports[0].shapes == reports[1].shapes


def test_the_default_engine_reports_a_broken_store_like_pyshacl(test_store: Path, tmp_path: Path) -> None:
    from kg.core.model import Node

    with Store(test_store) as store:
        schema = store.schema()
        nodes = [Node(n.id, n.label, {**n.properties, "level": "rumour"} if n.id == "cellkg:ev-t-2" else n.properties,
                      n.provenance) for n in store.nodes()]
        edges = [e for e in store.edges() if (e.source, e.predicate) != ("cellkg:ev-t-1", "ABOUT_PRODUCT")]
    from kg.core.store import write_store

    broken = tmp_path / "broken.sqlite"
    write_store(broken, schema, nodes, edges)
    lines = []
    for engine in ("rudof", "pyshacl"):
        with pytest.raises(ShapesViolation, match="2 violations$") as info:
            validate_store(broken, engine=engine)
        lines.append(info.value.violations)
    assert lines[0] == lines[1]


def test_an_unknown_engine_is_a_usage_error(test_store: Path) -> None:
    with pytest.raises(UsageError, match="rudof, pyshacl"):
        validate_store(test_store, engine="jena")
