"""N-Triples rendering of nodes and relationships: the reference path.

N-Triples is the one RDF text this project generates (Turtle, JSON-LD and SHACL validation parse
it with rdflib, see kg.export.rdf). Every relationship is written twice: the direct triple, and an
``rdf:Statement`` whose IRI is a hash of (source, type, target) and which carries the
relationship's properties and provenance. Nodes carry their provenance directly:
``dcterms:source``, ``cellkgv:loader``, ``cellkgv:location``. IRIs and literal spellings come from
kg.export.iri. kg.export.ntriples_fast renders store rows to the same bytes, faster;
kg.export.ntriples_rows streams a whole store through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kg.core.owl import RELATIONSHIP
from kg.core.schema import Schema
from kg.errors import ExportError
from kg.export.iri import (
    _ESCAPES,
    _LEXICAL,
    _NEEDS_ESCAPE,
    DERIVED_FROM,
    IDENTIFIER,
    LOADER,
    LOCATION,
    OWL,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_STATEMENT,
    RDF_SUBJECT,
    RDF_TYPE,
    RDFS_LABEL,
    SOURCE,
    XSD,
    IriMinter,
    _text,
    nt_string,
)


class NTriples:
    """Formats records as N-Triples text, one block of lines per node or relationship.

    The predicate and datatype pieces are built once per schema, so a record costs a few string
    joins. Caches are bounded by the schema's size, or cleared when full: memory stays flat.
    """

    TERM_CACHE = 1 << 16

    def __init__(self, schema: Schema, minter: IriMinter) -> None:
        self.schema = schema
        self.minter = minter
        # Every class of a node is asserted (its own, then its superclasses nearest first, Entity
        # last), so the file answers `?x a cellkgv:Outcome` without the ontology beside it.
        self._type = {name: tuple(f" <{RDF_TYPE}> <{schema.classes[c].iri}> .\n" for c in schema.ancestors(name))
                      for name in schema.classes}
        self._identifier = f' <{IDENTIFIER}> "'
        self._rel = {rel.type: f"<{rel.iri}>" for rel in schema.relationships.values()}
        self._props: dict[tuple[str, str, bool], tuple[str, Callable[[Any], str], str, str]] = {}
        self._terms: dict[str, str] = {}

    def term(self, curie: str, node: str | None = None) -> str:
        """``<IRI>`` of a CURIE, from a bounded cache (edges arrive sorted by source)."""
        term = self._terms.get(curie)
        if term is None:
            if len(self._terms) >= self.TERM_CACHE:
                self._terms.clear()
            term = self._terms[curie] = f"<{self.minter.iri(curie, node)}>"
        return term

    def _prop(self, owner: str, key: str, edge: bool, what: str) -> tuple[str, Callable[[Any], str], str, str]:
        """(' <predicate> "', lexical function, '"^^<datatype> .\\n' or '" .\\n', datatype name)."""
        hit = self._props.get((owner, key, edge))
        if hit is None:
            prop = self.schema.property_for(owner, key, edge=edge)
            if prop is None:
                raise ExportError(f"{what}: property '{key}' is not in the ontology for {owner}")
            if prop.is_curie:  # a link by identifier: the CURIE's IRI, not a string
                hit = (f" <{prop.iri}> <", self._link, "> .\n", "CURIE")
            else:
                tail = '" .\n' if prop.datatype == "string" else f'"^^<{XSD}{prop.datatype}> .\n'
                hit = (f' <{prop.iri}> "', _LEXICAL.get(prop.datatype, _text), tail, prop.datatype)
            self._props[(owner, key, edge)] = hit
        return hit

    def _link(self, value: Any) -> str:
        if value.__class__ is not str:
            raise TypeError
        return self.minter.expand(value)

    def _properties(self, s: str, owner: str, props: dict[str, Any], edge: bool, what: str,
                    parts: list[str]) -> None:
        for key, value in props.items():
            head, lexical, tail, datatype = self._prop(owner, key, edge, what)
            try:
                if value.__class__ is list or value.__class__ is tuple:
                    for item in value:
                        text = lexical(item)
                        if _NEEDS_ESCAPE(text):
                            text = text.translate(_ESCAPES)
                        parts.append(f"{s}{head}{text}{tail}")
                else:
                    text = lexical(value)
                    if _NEEDS_ESCAPE(text):
                        text = text.translate(_ESCAPES)
                    parts.append(f"{s}{head}{text}{tail}")
                    if key == "name":
                        parts.append(f'{s} <{RDFS_LABEL}> "{text}" .\n')
            except TypeError:
                raise ExportError(f"{what}: property '{key}' value {value!r} is not a valid {datatype}") from None
            except ExportError as exc:
                raise ExportError(f"{what}: property '{key}': {exc}") from None

    def _provenance(self, s: str, source: str | None, loader: str | None, location: str | None,
                    record: str, parts: list[str]) -> None:
        if source:
            if source.startswith(("http://", "https://")):
                parts.append(f"{s} <{SOURCE}> <{self.minter.reference(source, record)}> .\n")
            else:
                parts.append(f"{s} <{SOURCE}> {self.term(source, record)} .\n")
        if loader:
            parts.append(f'{s} <{LOADER}> "{nt_string(loader)}" .\n')
        if location:
            parts.append(f'{s} <{LOCATION}> "{nt_string(location)}" .\n')

    def header(self) -> str:
        """The file as an OWL ontology that imports the cellkg ontology's version (one owl:Ontology
        per file; the dataset's description, with its counts, comes last: kg.export.dataset)."""
        dataset = f"<{self.minter.base}dataset>"
        return (f"{dataset} <{RDF_TYPE}> <{OWL}Ontology> .\n"
                f"{dataset} <{OWL}imports> <{self.schema.version_iri}> .\n")

    def node(self, id_: str, label: str, props: dict[str, Any], source: str | None = None,
             loader: str | None = None, location: str | None = None) -> str:
        types = self._type.get(label)
        if types is None:
            raise ExportError(f"node {id_}: class {label} is not in the ontology")
        s = self.term(id_)
        parts = [s, s.join((*types, f'{self._identifier}{nt_string(id_)}" .\n'))]
        if props:
            self._properties(s, label, props, False, f"node {id_}", parts)
        self._provenance(s, source, loader, location, id_, parts)
        return "".join(parts)

    def edge(self, source: str, predicate: str, target: str, props: dict[str, Any], src: str | None = None,
             loader: str | None = None, location: str | None = None) -> str:
        p = self._rel.get(predicate)
        if p is None:
            raise ExportError(f"relationship {source} -[{predicate}]-> {target}: "
                              f"type {predicate} is not in the ontology")
        s = self.term(source)
        o = self.term(target)
        st = f"<{self.minter.statement_iri(source, predicate, target)}>"
        parts = [(f"{s} {p} {o} .\n{st} <{RDF_TYPE}> <{RDF_STATEMENT}> .\n{st} <{RDF_TYPE}> <{RELATIONSHIP}> .\n"
                  f"{st} <{RDF_SUBJECT}> {s} .\n"
                  f"{st} <{RDF_PREDICATE}> {p} .\n{st} <{RDF_OBJECT}> {o} .\n")]
        if props:
            what = f"relationship {source} -[{predicate}]-> {target}"
            self._properties(st, predicate, props, True, what, parts)
            for evidence in props.get("evidence", ()):  # the derived shortcut links the Evidence it summarises
                parts.append(f"{st} <{DERIVED_FROM}> {self.term(evidence, source)} .\n")
        self._provenance(st, src, loader, location, source, parts)
        return "".join(parts)
