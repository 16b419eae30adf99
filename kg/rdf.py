"""RDF export: stable IRIs, the triples of a built store, a streaming N-Triples writer, and rdflib
for Turtle and JSON-LD.

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

Triples
-------
A triple is ``(subject IRI, predicate IRI, object)``, where the object is an IRI (``str``) or a
literal ``(lexical form, datatype IRI or None for xsd:string)``. Every relationship is written
twice: the direct triple, and an ``rdf:Statement`` whose IRI is a hash of (source, type, target)
and which carries the relationship's properties and provenance. Nodes carry their provenance
directly: ``dcterms:source``, ``cellkg:loader``, ``cellkg:location``.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Union

from kg.errors import ExportError
from kg.model import Edge, Node, Provenance, Value
from kg.owl import VOCAB
from kg.schema import Schema

if TYPE_CHECKING:  # pragma: no cover
    import curies
    from rdflib import Graph

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

RDF_TYPE = RDF + "type"
RDF_STATEMENT = RDF + "Statement"
RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = RDF + "subject", RDF + "predicate", RDF + "object"
RDFS_LABEL = RDFS + "label"
SOURCE = DCTERMS + "source"
DERIVED_FROM = PROV + "wasDerivedFrom"
LOADER = VOCAB + "loader"
LOCATION = VOCAB + "location"

Literal = tuple[str, Union[str, None]]
Object = Union[str, Literal]
Triple = tuple[str, str, Object]

FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}

# Characters an IRIREF may not hold (RDF 1.1 N-Triples grammar, production [8]).
_BAD_IRI_CHAR = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def base_iri() -> str:
    """The namespace of project-local identifiers: ``$CELLKG_BASE_IRI`` or the default."""
    base = os.environ.get(BASE_ENV) or DEFAULT_BASE
    if not _ABSOLUTE.match(base) or _BAD_IRI_CHAR.search(base) or not base.endswith(("/", "#")):
        raise ExportError(f"${BASE_ENV}='{base}' is not an absolute IRI ending in '/' or '#'")
    return base


def bioregistry_uri_prefix(prefix: str) -> tuple[str, str | None]:
    """(canonical URI prefix, identifier pattern) of a prefix, from the offline Bioregistry."""
    import bioregistry

    norm = bioregistry.normalize_prefix(prefix)
    uri_prefix = bioregistry.get_uri_prefix(norm, priority=list(URI_PREFIX_PRIORITY)) if norm else None
    if norm is None or uri_prefix is None:
        raise ExportError(f"prefix '{prefix}' declared in the ontology has no URI prefix in the Bioregistry")
    return uri_prefix, bioregistry.get_pattern(norm)


def build_converter(schema: Schema, base: str | None = None) -> "curies.Converter":
    """A curies Converter for exactly the ontology's declared prefixes (see the module docstring)."""
    import curies

    records = []
    for prefix, declared in schema.prefixes.items():
        if prefix == LOCAL_PREFIX:
            uri_prefix, pattern = base or base_iri(), None
        else:
            uri_prefix, pattern = bioregistry_uri_prefix(prefix)
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
        for record in self.converter.records:
            self._uri_prefix[record.prefix] = record.uri_prefix
            self._pattern[record.prefix] = re.compile(record.pattern) if record.pattern else None
        # Bounded: memory stays flat however large the graph (edges arrive sorted by source).
        self._expand = lru_cache(maxsize=1 << 16)(self._expand_uncached)

    def iri(self, curie: str, node: str | None = None) -> str:
        """The IRI of a CURIE; ``node`` names the record in the error (default: the CURIE itself)."""
        try:
            return self._expand(curie)
        except ExportError as exc:
            raise ExportError(f"node {node or curie}: {exc}") from None

    def _expand_uncached(self, curie: str) -> str:
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

    def statement_iri(self, edge: Edge) -> str:
        """Deterministic: a hash of (source, type, target) under the base."""
        key = f"{edge.source}\x1f{edge.predicate}\x1f{edge.target}".encode()
        return f"{self.base}statement/{hashlib.sha256(key).hexdigest()[:24]}"


# ---------------------------------------------------------------- literals


def _decimal(value: Value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)), "f")


def _integer(value: Value) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError
    return str(value)


def _boolean(value: Value) -> str:
    if not isinstance(value, bool):
        raise TypeError
    return "true" if value else "false"


def _text(value: Value) -> str:
    if isinstance(value, (bool, tuple)):
        raise TypeError
    return str(value)


_LEXICAL: dict[str, Callable[[Value], str]] = {
    "string": _text, "anyURI": _text, "boolean": _boolean, "integer": _integer,
    "nonNegativeInteger": _integer, "decimal": _decimal,
}


class _PropertyMap:
    """(owner, key) -> (property IRI, lexical function, datatype IRI or None), cached per schema."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._cache: dict[tuple[str, str, bool], tuple[str, Callable[[Value], str], str | None]] = {}

    def get(self, owner: str, key: str, edge: bool, record: str) -> tuple[str, Callable[[Value], str], str | None]:
        hit = self._cache.get((owner, key, edge))
        if hit is None:
            prop = self.schema.property_for(owner, key, edge=edge)
            if prop is None:
                raise ExportError(f"{record}: property '{key}' is not in the ontology for {owner}")
            lexical = _LEXICAL.get(prop.datatype, _text)
            datatype = None if prop.datatype == "string" else XSD + prop.datatype
            hit = self._cache[(owner, key, edge)] = (prop.iri, lexical, datatype)
        return hit


def _literals(props: _PropertyMap, owner: str, key: str, value: Value, edge: bool,
              record: str) -> tuple[str, list[Literal]]:
    iri, lexical, datatype = props.get(owner, key, edge, record)
    values = value if isinstance(value, tuple) else (value,)
    try:
        return iri, [(lexical(v), datatype) for v in values]
    except TypeError:
        raise ExportError(f"{record}: property '{key}' value {value!r} is not a {datatype or 'string'}") from None


# ---------------------------------------------------------------- triples


class TripleMaker:
    """Turns nodes and edges into triples; holds only bounded caches."""

    def __init__(self, schema: Schema, minter: IriMinter) -> None:
        self.schema = schema
        self.minter = minter
        self.props = _PropertyMap(schema)
        self.class_iri = {name: cls.iri for name, cls in schema.classes.items()}
        self.rel_iri = {rel.type: rel.iri for rel in schema.relationships.values()}

    def header(self, build_id: str) -> list[Triple]:
        """The ontology header, and the dataset that imports the ontology's version."""
        s = self.schema
        dataset = self.minter.base + "dataset"
        out: list[Triple] = [
            (s.ontology_iri, RDF_TYPE, OWL + "Ontology"),
            (s.ontology_iri, OWL + "versionIRI", s.version_iri),
            (s.ontology_iri, OWL + "versionInfo", (s.version, None)),
            (dataset, RDF_TYPE, OWL + "Ontology"),
            (dataset, OWL + "imports", s.version_iri),
            (dataset, RDFS_LABEL, ("cellkg knowledge graph", None)),
        ]
        if build_id:
            out.append((dataset, OWL + "versionInfo", (build_id, None)))
        return out

    def _provenance(self, subject: str, prov: Provenance | None, record: str, out: list[Triple]) -> None:
        if prov is None:
            return
        if prov.source:
            out.append((subject, SOURCE, self.minter.reference(prov.source, record)))
        if prov.loader:
            out.append((subject, LOADER, (prov.loader, None)))
        location = prov.location
        if location:
            out.append((subject, LOCATION, (location, None)))

    def node(self, node: Node) -> list[Triple]:
        cls = self.class_iri.get(node.label)
        if cls is None:
            raise ExportError(f"node {node.id}: class {node.label} is not in the ontology")
        s = self.minter.iri(node.id)
        out: list[Triple] = [(s, RDF_TYPE, cls)]
        for key, value in node.properties.items():
            p, literals = _literals(self.props, node.label, key, value, False, f"node {node.id}")
            out.extend((s, p, lit) for lit in literals)
            if key == "name":
                out.append((s, RDFS_LABEL, literals[0]))
        self._provenance(s, node.provenance, node.id, out)
        return out

    def edge(self, edge: Edge) -> list[Triple]:
        p = self.rel_iri.get(edge.predicate)
        what = f"relationship {edge.source} -[{edge.predicate}]-> {edge.target}"
        if p is None:
            raise ExportError(f"{what}: type {edge.predicate} is not in the ontology")
        s = self.minter.iri(edge.source)
        o = self.minter.iri(edge.target)
        st = self.minter.statement_iri(edge)
        out: list[Triple] = [(s, p, o), (st, RDF_TYPE, RDF_STATEMENT), (st, RDF_SUBJECT, s),
                             (st, RDF_PREDICATE, p), (st, RDF_OBJECT, o)]
        for key, value in edge.properties.items():
            prop, literals = _literals(self.props, edge.predicate, key, value, True, what)
            out.extend((st, prop, lit) for lit in literals)
            if key == "evidence":  # the derived shortcut links the Evidence nodes it summarises
                out.extend((st, DERIVED_FROM, self.minter.iri(str(v), edge.source)) for v in value)  # type: ignore[union-attr]
        self._provenance(st, edge.provenance, edge.source, out)
        return out


def store_triples(store: Any, base: str | None = None) -> Iterator[Triple]:
    """Every triple of a built store, streamed: header, then nodes, then relationships."""
    schema = store.schema()
    maker = TripleMaker(schema, IriMinter(schema, base))
    yield from maker.header(store.build_id())
    for node in store.nodes():
        yield from maker.node(node)
    for edge in store.edges():
        yield from maker.edge(edge)


# ---------------------------------------------------------------- N-Triples (streaming)

# Canonical N-Triples (RDF 1.2): ECHAR for \b \t \n \f \r " \, UCHAR for the other controls.
_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x00, 0x20), 0x7F]}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"})
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def nt_literal(lexical: str, datatype: str | None) -> str:
    if _NEEDS_ESCAPE.search(lexical):
        lexical = lexical.translate(_ESCAPES)
    return f'"{lexical}"^^<{datatype}>' if datatype else f'"{lexical}"'


def write_ntriples(triples: Iterable[Triple], out: IO[str], chunk: int = 8192) -> int:
    """Write triples as N-Triples, a chunk at a time; returns the number written."""
    buffer: list[str] = []
    append = buffer.append
    needs_escape = _NEEDS_ESCAPE.search
    count = 0
    for s, p, o in triples:
        if o.__class__ is str:
            append(f"<{s}> <{p}> <{o}> .\n")
        else:
            lexical, datatype = o
            if needs_escape(lexical):
                lexical = lexical.translate(_ESCAPES)
            append(f'<{s}> <{p}> "{lexical}"^^<{datatype}> .\n' if datatype else f'<{s}> <{p}> "{lexical}" .\n')
        if len(buffer) >= chunk:
            out.write("".join(buffer))
            count += len(buffer)
            buffer.clear()
    out.write("".join(buffer))
    return count + len(buffer)


# ---------------------------------------------------------------- rdflib (Turtle, JSON-LD)

PREFIXES = {"cellkg": VOCAB, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "dcterms": DCTERMS, "prov": PROV}


def to_graph(triples: Iterable[Triple], schema: Schema | None = None, base: str | None = None) -> "Graph":
    """An rdflib Graph of the triples, with the vocabulary and declared prefixes bound."""
    from rdflib import Graph, Literal as RdfLiteral, URIRef

    graph = Graph(bind_namespaces="core")
    for name, ns in PREFIXES.items():
        graph.bind(name, ns)
    if schema is not None:
        minter_base = base or base_iri()
        for prefix, ns in schema.prefixes.items():
            graph.bind(f"{prefix}id" if prefix == LOCAL_PREFIX else prefix,
                       minter_base if prefix == LOCAL_PREFIX else ns)
    datatypes: dict[str, URIRef] = {}
    add = graph.add
    for s, p, o in triples:
        if o.__class__ is str:
            obj: Any = URIRef(o)  # type: ignore[arg-type]
        else:
            lexical, datatype = o
            if datatype is None:
                obj = RdfLiteral(lexical)
            else:
                dt = datatypes.get(datatype)
                if dt is None:
                    dt = datatypes[datatype] = URIRef(datatype)
                obj = RdfLiteral(lexical, datatype=dt)
        add((URIRef(s), URIRef(p), obj))
    return graph


def store_graph(store: Any, base: str | None = None) -> "Graph":
    return to_graph(store_triples(store, base), store.schema(), base)


# ---------------------------------------------------------------- writing files


def atomic_write(output: str | Path, write: Callable[[IO[str]], Any]) -> None:
    """Write through ``write(handle)``: ``-`` is standard output; a file appears whole or not at all."""
    if str(output) == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return
    path = Path(output)
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a directory")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException as exc:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def export_rdf(store_path: Path, output: str | Path, fmt: str = "turtle", base: str | None = None) -> int:
    """Export a built store as Turtle, N-Triples (streamed) or JSON-LD; returns the triple count."""
    from kg.store import Store

    if fmt not in FORMATS:
        raise ExportError(f"unknown RDF format '{fmt}' (choose from: {', '.join(FORMATS)})")
    count = 0
    with Store(store_path) as store:
        if fmt == "ntriples":
            def write(handle: IO[str]) -> None:
                nonlocal count
                count = write_ntriples(store_triples(store, base), handle)
        else:
            graph = store_graph(store, base)  # errors surface before any file is opened
            count = len(graph)

            def write(handle: IO[str]) -> None:
                handle.write(graph.serialize(format=FORMATS[fmt]))
        atomic_write(output, write)
    return count
