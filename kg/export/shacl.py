"""`kg validate`: SHACL validation of the RDF export with pyshacl, violations printed readably.

Shapes come from two places: ontology/shapes.ttl (cardinalities and required fields, which OWL
cannot say) and :func:`derived_shapes`, which turns every ontology relationship and property into
a shape (domain, range, datatype, enumeration, single-valued unless a list). The ontology is
passed to pyshacl as the ontology graph, so ``sh:class cellkg:Outcome`` accepts an AdverseEvent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.core import resources
from kg.core.schema import Schema
from kg.core.steps import Step, quiet
from kg.errors import ExportError, OntologyError, ShapesViolation

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

SHAPES = "https://w3id.org/cellkg/shapes/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class ShaclReport:
    conforms: bool
    triples: int
    shapes: int
    violations: tuple[str, ...]


def derived_shapes(schema: Schema) -> Graph:
    """One shape per ontology relationship and data property: domain, range, datatype, cardinality."""
    from rdflib import RDF, BNode, Graph, Literal, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    graph = Graph()
    rel_iri = {rel.type: rel.iri for rel in schema.relationships.values()}

    def rdf_list(items: list[Any]) -> BNode:
        head = BNode()
        Collection(graph, head, items)
        return head

    def one_of(alternatives: list[BNode]) -> tuple[URIRef, Any]:
        return (SH["or"], rdf_list(alternatives)) if len(alternatives) > 1 else (SH.node, alternatives[0])

    def is_class(name: str) -> BNode:
        node = BNode()
        graph.add((node, SH["class"], URIRef(schema.classes[name].iri)))
        return node

    def is_statement_of(rel_type: str) -> BNode:
        node, prop = BNode(), BNode()
        graph.add((node, SH.property, prop))
        graph.add((prop, SH.path, RDF.predicate))
        graph.add((prop, SH.hasValue, URIRef(rel_iri[rel_type])))
        return node

    def shape(name: str, path: str) -> tuple[URIRef, BNode]:
        node, prop = URIRef(SHAPES + name), BNode()
        graph.add((node, RDF.type, SH.NodeShape))
        graph.add((node, SH.targetSubjectsOf, URIRef(path)))
        graph.add((node, SH.property, prop))
        graph.add((prop, SH.path, URIRef(path)))
        return node, prop

    for rel in schema.relationships.values():
        node, prop = shape(f"relationship-{rel.type}", rel.iri)
        graph.add((node, *one_of([is_class(c) for c in rel.domain])))
        graph.add((prop, SH.nodeKind, SH.IRI))
        graph.add((prop, *one_of([is_class(c) for c in rel.range])))
        graph.add((prop, SH.message, Literal(f"{rel.type} links {'|'.join(rel.domain)} to {'|'.join(rel.range)}")))

    for p in schema.properties:
        node, prop = shape(f"property-{p.iri.rsplit('/', 1)[-1]}", p.iri)
        owners = [is_class(o) if o in schema.classes else is_statement_of(o) for o in p.domain]
        graph.add((node, *one_of(owners)))
        graph.add((prop, SH.nodeKind, SH.Literal))
        if p.allowed is not None:
            graph.add((prop, SH["in"], rdf_list([Literal(v) for v in p.allowed])))
            graph.add((prop, SH.message, Literal(f"{p.key} must be one of: {', '.join(p.allowed)}")))
        else:
            graph.add((prop, SH.datatype, URIRef(XSD + p.datatype)))
            graph.add((prop, SH.message, Literal(f"{p.key} must be an xsd:{p.datatype}")))
        if not p.is_list:
            graph.add((prop, SH.maxCount, Literal(1)))
    return graph


def load_shapes(schema: Schema, path: Path | None = None) -> Graph:
    """The shapes file plus the shapes derived from the ontology."""
    from rdflib import Graph

    path = path or resources.shapes_file()
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise OntologyError(f"no SHACL shapes at {path}") from None
    except Exception as exc:  # rdflib raises many types for bad Turtle
        raise OntologyError(f"{path}: cannot parse shapes: {exc}") from exc
    graph += derived_shapes(schema)
    return graph


def validate_graph(data: Graph, schema: Schema, shapes: Path | None = None,
                   curie: Any = None) -> ShaclReport:
    """Run pyshacl; ``curie`` turns an IRI into the CURIE shown to the user."""
    import pyshacl
    from rdflib import RDF, Graph, URIRef
    from rdflib.namespace import SH

    shapes_graph = load_shapes(schema, shapes)
    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph, ont_graph=ontology,
                                            inference="none", advanced=True, allow_warnings=False)
    names = {URIRef(c.iri): c.name for c in schema.classes.values()}
    rel_types = {URIRef(r.iri): r.type for r in schema.relationships.values()}

    def show(term: Any) -> str:
        if isinstance(term, URIRef):
            if curie is not None:
                try:
                    return str(curie(str(term)))
                except Exception:  # noqa: BLE001, S110 - an IRI outside the declared prefixes is shown whole
                    pass
            return f"<{term}>"
        return repr(str(term)) if term is not None else ""

    def describe(focus: Any) -> str:
        if (focus, RDF.type, RDF.Statement) in data:
            s, p, o = (data.value(focus, RDF[x]) for x in ("subject", "predicate", "object"))
            return f"relationship {show(s)} -[{rel_types.get(p, show(p))}]-> {show(o)}"
        classes = sorted(names.get(URIRef(str(c)), str(c)) for c in data.objects(focus, RDF.type))
        return f"node {show(focus)} ({', '.join(classes) or 'untyped'})"

    lines = set()
    top_level = [r for report in results.subjects(RDF.type, SH.ValidationReport)
                 for r in results.objects(report, SH.result)]  # nested sh:detail results are repeats
    for result in top_level:
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        where = describe(focus)
        field = f" {path.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}:" if isinstance(path, URIRef) else ""
        shown = f" (value {show(value)})" if value is not None and value != focus else ""
        lines.add(f"{where}:{field} {message}{shown}")
    shape_count = len(set(shapes_graph.subjects(RDF.type, SH.NodeShape)))
    return ShaclReport(bool(conforms), len(data), shape_count, tuple(sorted(lines)))


def validate_store(store_path: Path, shapes: Path | None = None, base: str | None = None,
                   progress: Step = quiet) -> ShaclReport:
    """Export the store to RDF in memory and validate it; raise ShapesViolation if it does not conform."""
    from kg.core.store import Store
    from kg.export.rdf import IriMinter, store_graph

    with Store(store_path) as store:
        schema = store.schema()
        minter = IriMinter(schema, base)
        progress("reading the store as RDF")
        try:
            data = store_graph(store, base)
        except ExportError as exc:  # a record no export can write: a violation too, reported as one
            raise ShapesViolation(f"{store_path} does not conform: a record cannot be exported", [str(exc)]) from None
    progress(f"SHACL shapes over {len(data):,} triples")
    report = validate_graph(data, schema, shapes, minter.curie)
    if not report.conforms:
        count = len(report.violations)
        raise ShapesViolation(f"{store_path} does not conform to the SHACL shapes: {count} violation"
                              f"{'s' if count != 1 else ''}", list(report.violations))
    return report
