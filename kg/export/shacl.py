"""`kg validate`: SHACL validation of the RDF export, violations printed readably.

Two engines give the same results (:class:`ShaclResult`, turned into lines by :func:`report_lines`):
rudof (kg.export.shacl_fast, the default, in Rust) and pyshacl (:func:`validate_graph`, the reference).

Shapes come from two places: ontology/shapes.ttl (cardinalities and required fields, which OWL
cannot say) and :func:`derived_shapes`, which turns every ontology relationship and property into
a shape (domain, range, datatype, enumeration, single-valued unless a list). The ontology is
added to the data (pyshacl: as its ontology graph), so ``sh:class cellkgv:Outcome`` accepts an AdverseEvent even in an older export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.core import resources
from kg.core.schema import Schema
from kg.core.steps import Step, quiet
from kg.errors import ExportError, OntologyError, ShapesViolation, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

SHAPES = "https://w3id.org/cellkg/shapes/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, the same from every engine; terms in N-Triples syntax (``<iri>``,
    ``"lexical"``, ``_:label``), the path ``<iri>``, ``^<iri>`` (inverse) or None (the node itself)."""

    focus: str
    path: str | None
    component: str  # local name: MinCountConstraintComponent
    severity: str  # Violation, Warning or Info
    message: str  # the shape's sh:message, else the engine's own text
    value: str | None

    def verdict(self) -> tuple[str, str | None, str, str]:
        """What engines must agree on: focus node, path, constraint component, severity."""
        return self.focus, self.path, self.component, self.severity


@dataclass(frozen=True)
class ShaclReport:
    conforms: bool
    triples: int
    shapes: int
    violations: tuple[str, ...]
    results: tuple[ShaclResult, ...] = ()


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
        if p.is_curie:  # a link by identifier: an IRI in RDF
            graph.add((prop, SH.nodeKind, SH.IRI))
            graph.add((prop, SH.message, Literal(f"{p.key} links to an IRI")))
        elif p.allowed is not None:
            graph.add((prop, SH.nodeKind, SH.Literal))
            graph.add((prop, SH["in"], rdf_list([Literal(v) for v in p.allowed])))
            graph.add((prop, SH.message, Literal(f"{p.key} must be one of: {', '.join(p.allowed)}")))
        else:
            graph.add((prop, SH.nodeKind, SH.Literal))
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


# What describes a focus node in a line: its classes, and (subject, predicate, object) if a statement.
Facts = dict[str, tuple[list[str], tuple[str, str, str] | None]]


def nt_term(term: Any) -> str:
    """An rdflib term in N-Triples syntax."""
    from rdflib import BNode, URIRef

    return f"<{term}>" if isinstance(term, URIRef) else f"_:{term}" if isinstance(term, BNode) else str(term.n3())


def report_lines(results: list[ShaclResult], facts: Facts, schema: Schema, curie: Any = None) -> tuple[str, ...]:
    """One sorted, deduplicated line per result: ``node cellkg:x (Evidence): field: message (value v)``."""
    import json

    names = {f"<{c.iri}>": c.name for c in schema.classes.values()}
    rel_types = {f"<{r.iri}>": r.type for r in schema.relationships.values()}

    def show(term: str) -> str:
        if term.startswith("<"):
            if curie is not None:
                try:
                    return str(curie(term[1:-1]))
                except Exception:  # noqa: BLE001, S110 - an IRI outside the declared prefixes is shown whole
                    pass
            return term
        if term.startswith('"'):  # the lexical form, unescaped (N-Triples escapes are JSON's)
            return repr(json.loads(term[:term.rindex('"') + 1]))
        return repr(term.removeprefix("_:"))

    def describe(focus: str) -> str:
        classes, statement = facts.get(focus, ([], None))
        if statement is not None:
            s, p, o = statement
            return f"relationship {show(s)} -[{rel_types.get(p, show(p))}]-> {show(o)}"
        named = {names.get(c, c.strip("<>")) for c in classes}
        # The export asserts every superclass too: name only the most specific classes.
        inherited = {a for n in named if n in schema.classes for a in schema.ancestors(n)[1:]}
        return f"node {show(focus)} ({', '.join(sorted(named - inherited)) or 'untyped'})"

    def line(r: ShaclResult) -> str:
        field = f" {r.path.strip('<>').rsplit('/', 1)[-1].rsplit('#', 1)[-1]}:" if r.path and r.path[0] == "<" else ""
        shown = f" (value {show(r.value)})" if r.value is not None and r.value != r.focus else ""
        return f"{describe(r.focus)}:{field} {r.message}{shown}"

    return tuple(sorted({line(r) for r in results}))


def pyshacl_results(data: Graph, shapes_graph: Graph) -> tuple[list[ShaclResult], Facts]:
    """pyshacl's results (top level only: nested sh:detail results are repeats) and their facts."""
    import pyshacl
    from rdflib import RDF, Graph
    from rdflib.namespace import SH

    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, ont_graph=ontology,
                                    inference="none", advanced=True, allow_warnings=False)
    results: list[ShaclResult] = []
    facts: Facts = {}
    for result in (r for rep in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(rep, SH.result)):
        focus, path = report.value(result, SH.focusNode), report.value(result, SH.resultPath)
        inverse = report.value(path, SH.inversePath) if path is not None else None
        value, message = report.value(result, SH.value), report.value(result, SH.resultMessage)
        path = None if path is None else f"^{nt_term(inverse)}" if inverse is not None else nt_term(path)
        results.append(ShaclResult(nt_term(focus), path,
            str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(message or ""), None if value is None else nt_term(value)))
        statement = None
        if (focus, RDF.type, RDF.Statement) in data:
            s, p, o = (nt_term(data.value(focus, RDF[x])) for x in ("subject", "predicate", "object"))
            statement = (s, p, o)
        facts[nt_term(focus)] = ([nt_term(c) for c in data.objects(focus, RDF.type)], statement)
    return results, facts


def validate_graph(data: Graph, schema: Schema, shapes: Path | None = None,
                   curie: Any = None) -> ShaclReport:
    """Run pyshacl, the reference engine; ``curie`` turns an IRI into the CURIE shown to the user."""
    from rdflib import RDF
    from rdflib.namespace import SH

    shapes_graph = load_shapes(schema, shapes)
    results, facts = pyshacl_results(data, shapes_graph)
    shape_count = len(set(shapes_graph.subjects(RDF.type, SH.NodeShape)))
    return ShaclReport(not results, len(data), shape_count, report_lines(results, facts, schema, curie),
                       tuple(results))


ENGINES = ("rudof", "pyshacl")  # the first is the default; pyshacl is the reference


def validate_store(store_path: Path, shapes: Path | None = None, base: str | None = None,
                   progress: Step = quiet, engine: str = ENGINES[0]) -> ShaclReport:
    """Export the store to RDF in memory, validate it with ``engine``; ShapesViolation if it does not conform."""
    from kg.core.store import Store
    from kg.export.rdf import IriMinter, store_graph, store_ntriples

    if engine not in ENGINES:
        raise UsageError(f"unknown SHACL engine {engine!r}: use one of {', '.join(ENGINES)}")
    with Store(store_path) as store:
        schema = store.schema()
        minter = IriMinter(schema, base)
        progress("reading the store as RDF")
        try:
            data = "".join(store_ntriples(store, base)) if engine == "rudof" else store_graph(store, base)
        except ExportError as exc:  # a record no export can write: a violation too, reported as one
            raise ShapesViolation(f"{store_path} does not conform: a record cannot be exported", [str(exc)]) from None
    if isinstance(data, str):
        from kg.export.shacl_fast import validate_ntriples

        report = validate_ntriples(data, schema, shapes, minter.curie, progress)
    else:
        progress(f"SHACL shapes over {len(data):,} triples (pyshacl)")
        report = validate_graph(data, schema, shapes, minter.curie)
    if not report.conforms:
        count = len(report.violations)
        raise ShapesViolation(f"{store_path} does not conform to the SHACL shapes: {count} violation"
                              f"{'s' if count != 1 else ''}", list(report.violations))
    return report
