"""ontology/cellkg.ttl is OWL 2 DL and ROBOT's report finds no ERROR in it.

ROBOT runs through scripts/robot, which fetches its jars with Maven on first use (a minute or two,
once). Without Java or Maven the ROBOT tests skip on a developer's machine and fail under CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ToolRun as Run
from conftest import tool_runner

from kg.core import resources
from kg.core.owl import VOCAB

ROOT = Path(__file__).resolve().parents[1]
ROBOT = ROOT / "scripts" / "robot"


@pytest.fixture(scope="module")
def robot() -> Run:
    """Run scripts/robot with the given arguments, once its jars are assembled."""
    return tool_runner("ROBOT", ROBOT, java="Java 11 or later")


def test_the_ontology_is_owl2_dl(robot: Run, tmp_path: Path) -> None:
    out = tmp_path / "profile.txt"
    done = robot("validate-profile", "--profile", "DL", "--input", resources.ontology_file(), "--output", out)
    report = out.read_text() if out.exists() else ""
    violations = [line for line in report.splitlines()[1:] if line.strip()]  # line 1 is the verdict
    assert done.returncode == 0 and not violations, (
        f"{len(violations)} OWL 2 DL violations:\n{report}\n{done.stdout}{done.stderr}")


def test_robot_report_has_no_error(robot: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.tsv"
    done = robot("report", "--input", resources.ontology_file(), "--fail-on", "none", "--output", out)
    assert done.returncode == 0 and out.exists(), f"{done.stdout}{done.stderr}"
    header, *rows = (line.split("\t") for line in out.read_text().splitlines())
    assert header[0] == "Level", header
    errors = ["\t".join(row) for row in rows if row[0] == "ERROR"]
    assert not errors, "ROBOT report ERROR rows:\n" + "\n".join(errors)


def test_every_term_has_a_label_and_a_definition() -> None:
    """What ROBOT's missing_definition (a WARN) cannot see: it looks for IAO:0000115, cellkg's
    definitions are skos:definition."""
    from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

    graph = Graph().parse(resources.ontology_file(), format="turtle")
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {term for kind in kinds for term in graph.subjects(RDF.type, kind)
             if isinstance(term, URIRef) and str(term).startswith(VOCAB)}
    missing = sorted(f"{term.removeprefix(VOCAB)}: no {what}" for term in terms
                     for what, predicate in (("rdfs:label", RDFS.label), ("skos:definition", SKOS.definition))
                     if graph.value(term, predicate) is None)
    assert len(terms) > 50 and not missing, missing


def test_fields_of_relationships_are_on_the_relationship_class(tmp_path: Path) -> None:
    """OWL 2 DL allows no object property as a domain: a relationship's field has the domain
    cellkgv:Relationship (not a node class) and names its relationships with cellkgv:onRelationship."""
    from kg.core.owl import load_schema
    from kg.errors import OntologyError

    schema = load_schema(resources.ontology_file())
    assert "Relationship" not in schema.classes
    owners = {p.key: p.domain for p in schema.properties}
    assert owners["evidence"] == ("HAS_EVIDENCE_IN",)
    assert "FROM_STUDY" in owners["inferred"] and set(owners["inferred"]) <= set(schema.relationships)

    text = resources.ontology_file().read_text()
    field = "rdfs:domain cellkgv:Relationship ; cellkgv:onRelationship cellkgv:hasEvidenceIn ;"
    assert field in text
    for n, broken in enumerate(("rdfs:domain cellkgv:Relationship ;", "rdfs:domain cellkgv:hasEvidenceIn ;",
                                "rdfs:domain cellkgv:Product ; cellkgv:onRelationship cellkgv:hasEvidenceIn ;")):
        path = tmp_path / f"cellkg-{n}.ttl"
        path.write_text(text.replace(field, broken))
        with pytest.raises(OntologyError, match="property evidence|evidence names"):
            load_schema(path, shapes=resources.shapes_file())


def test_an_export_resolves_its_ontology_import_through_the_shipped_catalog(
        robot: Run, test_store: Path, tmp_path: Path) -> None:
    """The export imports the ontology's version IRI, which w3id.org does not serve yet; the catalog
    shipped beside the ontology maps it to the file, so OWL tools load both offline."""
    from rdflib import OWL, RDF, Graph, URIRef

    from kg.export.rdf import export_rdf

    export_rdf(test_store, tmp_path / "graph.ttl", "turtle")
    catalog = resources.ontology_file().with_name("catalog-v001.xml")
    done = robot("merge", "--catalog", catalog, "--input", tmp_path / "graph.ttl", "--output", tmp_path / "merged.ttl")
    assert done.returncode == 0, f"{done.stdout}{done.stderr}"
    merged = Graph().parse(tmp_path / "merged.ttl", format="turtle")
    assert (URIRef(VOCAB + "Evidence"), RDF.type, OWL.Class) in merged  # the ontology came in through the import
