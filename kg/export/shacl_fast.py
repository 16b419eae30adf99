"""SHACL validation with rudof (pyrudof, in Rust): `kg validate`'s default engine.

The store's N-Triples text and the ontology (for rdfs:subClassOf under ``sh:class``) are read by
rudof, the shapes of kg.export.shacl are handed over as N-Triples (so blank-node shapes keep their
labels and a result's ``sh:message`` can be looked up), and rudof's results become the same
:class:`~kg.export.shacl.ShaclResult` pyshacl's do. The focus nodes of violations are described
(classes, statement parts) by one SPARQL query over the same data.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.core import resources
from kg.core.schema import Schema
from kg.core.steps import Step, quiet
from kg.export.shacl import Facts, ShaclReport, ShaclResult, load_shapes, report_lines

if TYPE_CHECKING:  # pragma: no cover
    from pyrudof import Rudof, ShaclValidationEntry
    from rdflib import Graph

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SH_MESSAGE = "http://www.w3.org/ns/shacl#message"

_FACTS = """SELECT ?f ?t ?s ?p ?o WHERE {{
  VALUES ?f {{ {focus} }}
  {{ ?f <{rdf}type> ?t }} UNION {{ ?f <{rdf}type> <{rdf}Statement> ; <{rdf}subject> ?s ; <{rdf}predicate> ?p ;
                                  <{rdf}object> ?o }}
}}"""


def _term(text: str | None) -> str | None:
    """rudof's spelling of a term (IRIs bare) in N-Triples syntax."""
    if text is None or text.startswith(('"', "_:", "<")):
        return text
    return f"<{text}>"


def _path(text: str | None) -> str | None:
    if text is None:
        return None
    if text.startswith("^(") and text.endswith(")"):
        return f"^<{text[2:-1]}>"
    return _term(text)


def _result(entry: ShaclValidationEntry, shapes: Graph) -> ShaclResult:
    """One rudof result; the shape's own ``sh:message`` wins over rudof's text, as in pyshacl."""
    from rdflib import BNode, URIRef

    source = entry.source_shape or ""
    shape = BNode(source[2:]) if source.startswith("_:") else URIRef(source)
    declared = shapes.value(shape, URIRef(SH_MESSAGE))
    message = str(declared) if declared is not None else (entry.message or "").strip('"')
    return ShaclResult(str(_term(entry.focus_node)), _path(entry.path),
                       entry.constraint_component.rsplit("#", 1)[-1], entry.severity.rsplit("#", 1)[-1],
                       message, _term(entry.value))


def _facts(rudof: Rudof, focus: set[str]) -> Facts:
    """Classes and statement parts of the IRI focus nodes (a blank node is shown untyped)."""
    facts: Facts = {}
    iris = sorted(f for f in focus if f.startswith("<"))
    for start in range(0, len(iris), 500):
        rudof.read_query(_FACTS.format(focus=" ".join(iris[start:start + 500]), rdf=RDF))
        for row in rudof.run_query().to_python():
            classes, _ = facts.setdefault(row["?f"], ([], None))
            if row.get("?t"):
                classes.append(row["?t"])
            elif row.get("?s"):
                facts[row["?f"]] = (classes, (row["?s"], row["?p"], row["?o"]))
    return facts


def _count(rudof: Rudof) -> int:
    rudof.read_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    value = str(rudof.run_query().rows[0][0])
    return int(value.split('"')[1] if value.startswith('"') else value)


def validate_ntriples(ntriples: str, schema: Schema, shapes: Path | None = None, curie: Any = None,
                      progress: Step = quiet) -> ShaclReport:
    """Validate N-Triples text against the shapes with rudof; ``curie`` as in validate_graph."""
    from pyrudof import RDFFormat, Rudof, RudofConfig, ShaclFormat, ShaclValidationMode
    from rdflib import RDF as RDF_NS
    from rdflib.namespace import SH

    shapes_graph = load_shapes(schema, shapes)
    rudof = Rudof(RudofConfig())
    progress("loading the triples into rudof")
    rudof.read_data(ntriples, format=RDFFormat.NTriples)
    triples = _count(rudof)
    rudof.read_data(str(resources.ontology_file()), format=RDFFormat.Turtle, merge=True)
    rudof.read_shacl(shapes_graph.serialize(format="nt"), format=ShaclFormat.NTriples)
    progress(f"SHACL shapes over {triples:,} triples (rudof)")
    report = rudof.validate_shacl(mode=ShaclValidationMode.Native)
    results = [_result(entry, shapes_graph) for entry in report.violations]
    if results:
        progress(f"describing {len(results):,} results")
    facts = _facts(rudof, {r.focus for r in results}) if results else {}
    shape_count = len(set(shapes_graph.subjects(RDF_NS.type, SH.NodeShape)))
    return ShaclReport(not results, triples, shape_count, report_lines(results, facts, schema, curie),
                       tuple(results))
