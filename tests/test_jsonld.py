"""JSON-LD export: compact, with the ontology's context inline, readable offline by a standard processor.

The bytes' independence of the hash seed, and isomorphism under rdflib's parser, are in test_rdf.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib import Graph

from kg.core.owl import VOCAB
from kg.core.schema import PropertyDef
from kg.core.store import Store
from kg.errors import OntologyError
from kg.export.context import context_file, context_text, jsonld_context
from kg.export.rdf import DEFAULT_BASE, export_rdf

REGENERATE = 'python -c "from kg.export.context import write_context; write_context()"'


@pytest.fixture(scope="module")
def exported(test_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Graph]:
    """The JSON-LD document of the test store, and the graph of its Turtle export."""
    folder = tmp_path_factory.mktemp("jsonld")
    export_rdf(test_store, folder / "graph.jsonld", "jsonld", DEFAULT_BASE)  # the shipped context's base
    export_rdf(test_store, folder / "graph.ttl", "turtle", DEFAULT_BASE)
    return json.loads((folder / "graph.jsonld").read_text(encoding="utf-8")), Graph().parse(folder / "graph.ttl")


def keys(value: Any) -> set[str]:
    """Every key of the document outside its @context."""
    if isinstance(value, list):
        return set().union(*(keys(item) for item in value))
    if isinstance(value, dict):
        return set().union(*({key} | keys(item) for key, item in value.items() if key != "@context"))
    return set()


def test_a_standard_processor_reads_it_offline_as_the_turtle_triples(exported: tuple[dict[str, Any], Graph]) -> None:
    document, turtle = exported

    def no_network(url: str, options: Any = None) -> Any:
        raise AssertionError(f"pyld tried to fetch {url}: the context must be inline")

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": no_network})
    assert set(Graph().parse(data=nquads, format="nt")) == set(turtle)  # no blank nodes: sets compare


def test_keys_are_compact_terms(exported: tuple[dict[str, Any], Graph]) -> None:
    document, _ = exported
    found = keys(document)
    assert not [key for key in found if "://" in key]
    # Only the ontology header and the dataset's description use W3C vocabularies' prefixes
    # (owl:imports, void:triples, dcat:distribution, ...); everything else has a term of its own.
    prefixed = {key.partition(":")[0] for key in found if ":" in key}
    assert prefixed == {"owl", "void", "dcat", "dcterms", "foaf"}
    assert {"void:triples", "dcat:distribution", "dcterms:license", "owl:imports"} <= found
    assert {"@id", "@type", "name", "label", "identifier", "source", "subject", "predicate", "object"} <= found


def test_the_file_embeds_the_shipped_context(exported: tuple[dict[str, Any], Graph]) -> None:
    document, _ = exported
    assert document["@context"] == json.loads(context_file().read_text(encoding="utf-8"))["@context"]


def test_the_shipped_context_is_generated_from_the_ontology() -> None:
    assert context_file().read_text(encoding="utf-8") == context_text(), f"regenerate it: {REGENERATE}"


def test_the_context_follows_the_base_iri_and_the_ontology(test_store: Path) -> None:
    with Store(test_store) as store:
        schema = store.schema()
    context = jsonld_context(schema, "https://example.org/kg/")
    assert context["cellkg"] == "https://example.org/kg/"  # the identifiers' prefix, as in `kg ask`
    assert context["cellkgv"] == "https://w3id.org/cellkg/vocab/"
    assert context["xrefs"] == {"@id": "cellkgv:xrefs", "@type": "@id", "@container": "@set"}
    assert context["statement"] == "https://example.org/kg/statement/"
    assert context["MONDO"] == {"@id": "http://purl.obolibrary.org/obo/MONDO_", "@prefix": True}
    assert context["synonyms"] == {"@id": "cellkgv:synonyms", "@container": "@set"}
    assert context["enrollment"] == {"@id": "cellkgv:enrollment", "@type": "xsd:nonNegativeInteger"}
    assert context["targets"] == {"@id": "cellkgv:targets", "@type": "@id"}
    clashing = replace(schema, properties=(*schema.properties, PropertyDef("label", VOCAB + "label", ("Entity",),
                                                                           "string")))
    with pytest.raises(OntologyError, match="label"):
        jsonld_context(clashing)
