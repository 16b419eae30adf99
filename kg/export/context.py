"""The JSON-LD ``@context`` of the export, generated from the ontology so that it cannot drift from it.

It holds one term per class, relationship and field of the ontology (cellkgv:Therapy -> ``Therapy``),
one per predicate the export adds itself (rdfs:label, dcterms:source, the rdf:Statement links,
...), and the prefixes of namespaces(): the W3C vocabularies, ``cellkgv`` (the vocabulary),
``cellkg`` and ``statement`` (identifiers under ``$CELLKG_BASE_IRI``: ``cellkg:`` means the same
namespace here as in the store, `kg ask`, KGX and the ontology's sh:declare) and every external
prefix the ontology declares, with the namespace kg.export.iri's converter expands it to.

``ontology/context.jsonld`` is this context for the default base, shipped as package data
(kg.ontology) for publishing; tests/test_jsonld.py keeps it equal to context_text(). After changing
the ontology, regenerate it with::

    python -c "from kg.export.context import write_context; write_context()"
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.core.owl import VOCAB
from kg.core.schema import Schema
from kg.errors import OntologyError
from kg.export.iri import (
    DCAT,
    DCTERMS,
    DEFAULT_BASE,
    DERIVED_FROM,
    FOAF,
    IDENTIFIER,
    LOADER,
    LOCAL_PREFIX,
    LOCATION,
    OWL,
    PROV,
    RDF,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    RDFS,
    RDFS_LABEL,
    SOURCE,
    VOID,
    XSD,
    base_iri,
    build_converter,
)

#: The namespaces every RDF file of the export binds, whatever the schema.
PREFIXES = {"cellkgv": VOCAB, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "dcterms": DCTERMS, "prov": PROV,
            "void": VOID, "dcat": DCAT, "foaf": FOAF}

#: Terms of the predicates the export writes beyond the ontology's: name -> (IRI, "@id" if it links).
EXPORT_TERMS: dict[str, tuple[str, str | None]] = {
    "label": (RDFS_LABEL, None), "source": (SOURCE, "@id"), "wasDerivedFrom": (DERIVED_FROM, "@id"),
    "subject": (RDF_SUBJECT, "@id"), "predicate": (RDF_PREDICATE, "@id"), "object": (RDF_OBJECT, "@id"),
    "loader": (LOADER, None), "location": (LOCATION, None), "identifier": (IDENTIFIER, None),
}

# A JSON-LD 1.1 processor uses a term as a prefix only if its IRI ends in one of these, or the
# term says "@prefix": true (OBO's "..._" namespaces).
_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")


def namespaces(schema: Schema, base: str | None = None) -> dict[str, str]:
    """Prefix -> namespace of the export: PREFIXES, then the identifiers' (``cellkg`` is the
    namespace of project identifiers, ``cellkgv`` the vocabulary's)."""
    found = dict(PREFIXES)
    local = base or base_iri()
    found.update(cellkg=local, statement=local + "statement/", graph=local + "graph/")
    for record in build_converter(schema, local).records:
        if record.prefix != LOCAL_PREFIX:
            found[record.prefix] = record.uri_prefix
    return found


def _curie(iri: str) -> str:
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{name}:{iri[len(namespace):]}"
    raise OntologyError(f"{iri} is under no prefix of the JSON-LD context")


def jsonld_context(schema: Schema, base: str | None = None) -> dict[str, Any]:
    """The ``@context`` object (keys sorted) for a schema, identifiers under ``base``."""
    context: dict[str, Any] = {"@version": 1.1}
    for name, namespace in namespaces(schema, base).items():
        context[name] = namespace if namespace.endswith(_GEN_DELIMS) else {"@id": namespace, "@prefix": True}
    terms: dict[str, Any] = {}
    for cls in schema.classes.values():
        terms[cls.iri.removeprefix(VOCAB)] = _curie(cls.iri)
    for rel in schema.relationships.values():
        terms[rel.iri.removeprefix(VOCAB)] = {"@id": _curie(rel.iri), "@type": "@id"}
    for prop in schema.properties:
        term: dict[str, Any] = {"@id": _curie(prop.iri)}
        if prop.is_curie:  # a link: its values are IRIs
            term["@type"] = "@id"
        elif prop.datatype != "string":  # a JSON string is already an xsd:string
            term["@type"] = f"xsd:{prop.datatype}"
        if prop.is_list:  # written as repeated triples: always a JSON array, in any order
            term["@container"] = "@set"
        terms[prop.iri.removeprefix(VOCAB)] = term
    for name, (iri, coercion) in EXPORT_TERMS.items():
        if name in terms:
            raise OntologyError(f"the ontology's '{name}' clashes with the export's JSON-LD term for {iri}")
        terms[name] = {"@id": _curie(iri), "@type": coercion} if coercion else _curie(iri)
    if clash := sorted(set(terms) & set(context)):
        raise OntologyError(f"ontology terms {', '.join(clash)} clash with JSON-LD prefixes")
    context.update(terms)
    return dict(sorted(context.items()))


def context_text(schema: Schema | None = None) -> str:
    """The shipped file's text: ``{"@context": ...}`` for the default base and the ontology."""
    if schema is None:
        from kg.core import resources
        from kg.core.owl import load_schema

        schema = load_schema(resources.ontology_file())
    return json.dumps({"@context": jsonld_context(schema, DEFAULT_BASE)}, indent=2, ensure_ascii=False) + "\n"


def context_file() -> Path:
    from kg.core import resources

    return resources.ontology_file().with_name("context.jsonld")


def write_context(path: Path | None = None) -> Path:
    """Regenerate the shipped context file (see the module docstring); returns its path."""
    path = path or context_file()
    path.write_text(context_text(), encoding="utf-8", newline="\n")
    return path
