"""IRI minting and N-Triples terms for the RDF export: the one place that decides what IRI a
CURIE gets, and how a literal is spelled, so the streaming writer (kg.export.ntriples) and the checks
that read exports back (kg.export.kgx, kg.export.shacl, tests) cannot drift apart.

IRI policy
----------
* The ontology's ``sh:declare`` lists the prefixes a CURIE may use (``Schema.prefixes``).
* External prefixes expand through the Bioregistry (shipped offline inside the ``bioregistry``
  package), read through a ``curies.Converter``: OBO Foundry PURLs for OBO ontologies, else the
  identifiers.org (MIRIAM) IRI. The ontology's declared namespaces are kept equal to that policy
  (a test checks it); where they differ, the Bioregistry wins and the declared one is a synonym.
* ``cellkg:`` identifiers live under one base, ``$CELLKG_BASE_IRI`` (default below).
* An identifier that breaks its prefix's Bioregistry pattern, or holds characters an IRI cannot,
  is an ExportError that names the node; nothing is percent-encoded behind the user's back.

bioregistry and curies are heavy: they are imported inside the functions that need them, never
at module level, so importing this module (or kg.export.rdf) stays cheap.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kg.core.owl import VOCAB
from kg.core.schema import Schema
from kg.core.validate import BAD_IRI_CHAR as _BAD_IRI_CHAR
from kg.errors import ExportError

if TYPE_CHECKING:  # pragma: no cover
    import curies

DEFAULT_BASE = "https://w3id.org/cellkg/id/"
BASE_ENV = "CELLKG_BASE_IRI"
LOCAL_PREFIX = "cellkg"
#: Which of the Bioregistry's URI prefixes becomes the canonical IRI, first match wins.
URI_PREFIX_PRIORITY = ("obofoundry", "miriam")

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"

RDF_TYPE = RDF + "type"
RDF_STATEMENT = RDF + "Statement"
RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = RDF + "subject", RDF + "predicate", RDF + "object"
RDFS_LABEL = RDFS + "label"
SOURCE = DCTERMS + "source"
IDENTIFIER = DCTERMS + "identifier"
DERIVED_FROM = PROV + "wasDerivedFrom"
LOADER = VOCAB + "loader"
LOCATION = VOCAB + "location"

# Characters an IRIREF may not hold (RDF 1.1 N-Triples grammar, production [8]).
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# A non-empty run of characters outside _BAD_IRI_CHAR, to the very end.
_IRI_SAFE_LOCAL = r'[^\x00-\x20<>"{}|^`\\]+\Z'


def base_iri() -> str:
    """The namespace of project-local identifiers: ``$CELLKG_BASE_IRI`` or the default."""
    base = os.environ.get(BASE_ENV) or DEFAULT_BASE
    if not _ABSOLUTE.match(base) or _BAD_IRI_CHAR.search(base) or not base.endswith(("/", "#")):
        raise ExportError(f"${BASE_ENV}='{base}' is not an absolute IRI ending in '/' or '#'")
    return base


def bioregistry_uri_prefix(prefix: str) -> tuple[str, str | None]:
    """(canonical URI prefix, identifier pattern) of a prefix, from the offline Bioregistry; the
    ontology declares the same pattern (cellkgv:identifierPattern), which is the one used."""
    import bioregistry

    norm = bioregistry.normalize_prefix(prefix)
    uri_prefix = bioregistry.get_uri_prefix(norm, priority=list(URI_PREFIX_PRIORITY)) if norm else None
    if norm is None or uri_prefix is None:
        raise ExportError(f"prefix '{prefix}' declared in the ontology has no URI prefix in the Bioregistry")
    return uri_prefix, bioregistry.get_pattern(norm)


def build_converter(schema: Schema, base: str | None = None) -> curies.Converter:
    """A curies Converter for exactly the ontology's declared prefixes (see the module docstring)."""
    import curies

    records = []
    for prefix, declared in schema.prefixes.items():
        uri_prefix = base or base_iri() if prefix == LOCAL_PREFIX else bioregistry_uri_prefix(prefix)[0]
        pattern = schema.patterns.get(prefix)
        synonyms = sorted({declared} - {uri_prefix})
        records.append(curies.Record(prefix=prefix, uri_prefix=uri_prefix, uri_prefix_synonyms=synonyms,
                                     pattern=pattern))
    return curies.Converter(records)


class IriMinter:
    """CURIE -> IRI (and back) for one schema; errors name the node they concern."""

    def __init__(self, schema: Schema, base: str | None = None) -> None:
        self.base = base or base_iri()
        self.converter = build_converter(schema, self.base)
        self._uri_prefix: dict[str, str] = {}
        self._pattern: dict[str, re.Pattern[str] | None] = {}
        #: prefix -> (URI prefix, one precompiled match of "identifier pattern and IRI-safe"), for
        #: the writer's fast path; a prefix whose pattern cannot be combined is left out (slow path).
        self.fast_checks: dict[str, tuple[str, Callable[[str], Any]]] = {}
        for record in self.converter.records:
            self._uri_prefix[record.prefix] = record.uri_prefix
            self._pattern[record.prefix] = re.compile(record.pattern) if record.pattern else None
            try:  # pattern.match(local) and not _BAD_IRI_CHAR.search(local), in one match of a non-empty local
                check = re.compile((f"(?=(?:{record.pattern}))" if record.pattern else "") + _IRI_SAFE_LOCAL)
            except re.error:
                continue
            self.fast_checks[record.prefix] = (record.uri_prefix, check.match)

    def iri(self, curie: str, node: str | None = None) -> str:
        """The IRI of a CURIE; ``node`` names the record in the error (default: the CURIE itself)."""
        try:
            return self.expand(curie)
        except ExportError as exc:
            raise ExportError(f"node {node or curie}: {exc}") from None

    def expand(self, curie: str) -> str:
        """The IRI of a CURIE, or an ExportError that says what is wrong with it (naming no record)."""
        prefix, sep, local = curie.partition(":")
        if not sep or not prefix or not local:
            raise ExportError(f"'{curie}' is not a CURIE (prefix:identifier)")
        uri_prefix = self._uri_prefix.get(prefix)
        if uri_prefix is None:
            raise ExportError(f"unknown prefix '{prefix}' in '{curie}' (declared: {', '.join(self._uri_prefix)})")
        pattern = self._pattern[prefix]
        if pattern is not None and not pattern.match(local):
            raise ExportError(f"'{curie}' does not match the {prefix} identifier pattern {pattern.pattern}")
        if _BAD_IRI_CHAR.search(local):
            raise ExportError(f"'{curie}' holds a character that cannot appear in an IRI")
        return uri_prefix + local

    def reference(self, value: str, node: str) -> str:
        """A provenance reference: a CURIE with a declared prefix, or an absolute http(s) URL."""
        if value.startswith(("http://", "https://")):
            if _BAD_IRI_CHAR.search(value):
                raise ExportError(f"node {node}: source '{value}' holds a character that cannot appear in an IRI")
            return value
        return self.iri(value, node)

    def curie(self, iri: str) -> str:
        """The CURIE of an IRI this minter made (for reading an export back)."""
        curie = self.converter.compress(iri)
        if curie is None:
            raise ExportError(f"'{iri}' is under no declared prefix")
        return curie

    def statement_iri(self, source: str, predicate: str, target: str) -> str:
        """Deterministic: a hash of the relationship's (source, type, target) CURIEs under the base."""
        key = f"{source}\x1f{predicate}\x1f{target}".encode()
        return f"{self.base}statement/{hashlib.blake2b(key, digest_size=12).hexdigest()}"


# ---------------------------------------------------------------- literals


def _decimal(value: Any) -> str:
    """The canonical xsd:decimal form (always with a fraction digit: 18 -> "18.0")."""
    if value.__class__ is int:
        return f"{value}.0"
    if value.__class__ is float and math.isfinite(value):
        text = format(Decimal(repr(value)), "f")
        return text if "." in text else text + ".0"
    raise TypeError


def _integer(value: Any) -> str:
    if value.__class__ is not int:  # bool is a subclass of int, and is refused here
        raise TypeError
    return str(value)


def _boolean(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    raise TypeError


def _text(value: Any) -> str:
    if value.__class__ is str:
        return str(value)
    if isinstance(value, (bool, list, tuple, dict)) or value is None:
        raise TypeError
    return str(value)


_LEXICAL: dict[str, Callable[[Any], str]] = {
    "string": _text, "anyURI": _text, "boolean": _boolean, "integer": _integer,
    "nonNegativeInteger": _integer, "decimal": _decimal,
}

# Canonical N-Triples (RDF 1.2): ECHAR for \b \t \n \f \r " \, UCHAR for the other controls.
_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"})
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]').search


def nt_string(lexical: str) -> str:
    """The inside of an N-Triples string literal (without the quotes)."""
    return lexical.translate(_ESCAPES) if _NEEDS_ESCAPE(lexical) else lexical


def nt_literal(lexical: str, datatype: str | None = None) -> str:
    text = nt_string(lexical)
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'
