"""The N-Triples fast path: store rows to exactly the bytes of NTriples.node() / edge().

node_rows / edge_rows produce exactly the text of node() / edge() over the decoded rows
(tests/test_rdf.py compares them byte for byte), with the common case inlined. A record is
gathered as its subject and its "tails", one per triple (' <predicate> object .\\n'), then
written as subject + subject.join(tails): the triple count is the number of tails. Property
IRIs and datatypes are looked up once per (owner, key), CURIEs checked with one precompiled
match per prefix, JSON decoded by orjson, provenance tails cached. Anything unusual (an
unknown class, property or prefix, a value of the wrong type, JSON that orjson refuses)
renders that one record through node() / edge() instead, which either produce the same text
or raise the ExportError that names the record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from kg.core.owl import RELATIONSHIP
from kg.core.schema import Schema
from kg.export.iri import (
    _ESCAPES,
    _NEEDS_ESCAPE,
    DERIVED_FROM,
    LOADER,
    LOCATION,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_STATEMENT,
    RDF_SUBJECT,
    RDF_TYPE,
    RDFS_LABEL,
    SOURCE,
    IriMinter,
    _text,
    nt_string,
)
from kg.export.ntriples import NTriples


class FastNTriples(NTriples):
    """NTriples plus ``node_rows`` / ``edge_rows`` over raw store rows.

    Their loops are inlined by hand for speed (local names, one tail list per record, no helper
    calls on the common path); everything else stays in the small methods below.
    """

    def __init__(self, schema: Schema, minter: IriMinter) -> None:
        super().__init__(schema, minter)
        # owner -> key -> (head, lexical, tail, ' <rdfs:label> "' when the key is "name" else "").
        self._node_props: dict[str, dict[str, tuple[str, Callable[[Any], str], str, str]]] = {}
        self._edge_props: dict[str, dict[str, tuple[str, Callable[[Any], str], str, str]]] = {}
        self._source_tails: dict[str, str] = {}
        self._loader_tails: dict[str, str] = {}
        self._location = f' <{LOCATION}> "'
        self._statement = f"<{minter.base}statement/"

    def _mint(self, curie: str) -> str:
        """``<IRI>`` of a CURIE missing from the term cache (same result and cache as term())."""
        prefix, _, local = curie.partition(":")
        fast = self.minter.fast_checks.get(prefix)
        if fast is None or fast[1](local) is None:
            return self.term(curie)
        if len(self._terms) >= self.TERM_CACHE:
            self._terms.clear()
        term = self._terms[curie] = f"<{fast[0]}{local}>"
        return term

    def _fast_prop(self, owner: str, key: str, edge: bool) -> tuple[str, Callable[[Any], str], str, str]:
        table = (self._edge_props if edge else self._node_props).setdefault(owner, {})
        hit = table.get(key)
        if hit is None:
            head, lexical, tail, _ = self._prop(owner, key, edge, f"{'relationship' if edge else 'node'} of {owner}")
            hit = table[key] = (head, lexical, tail, f' <{RDFS_LABEL}> "' if key == "name" else "")
        return hit

    def _property_tails(self, owner: str, props: dict[str, Any], edge: bool, json_text: str,
                        tails: list[str]) -> None:
        """Appends a tail per property value of ``props`` (decoded from ``json_text``), and the
        rdfs:label tail of a name."""
        # JSON holds a quote, a backslash or a control character only escaped, with a backslash
        # (DEL it may hold raw): without either, no string in it needs an N-Triples escape.
        plain = "\\" not in json_text and "\x7f" not in json_text
        table = (self._edge_props if edge else self._node_props).get(owner) or {}
        append = tails.append
        for key, value in props.items():
            hit = table.get(key)
            if hit is None:
                hit = self._fast_prop(owner, key, edge)
            head, lexical, tail, label = hit
            if value.__class__ is str and lexical is _text:
                text = value
            elif value.__class__ is list:
                for item in value:
                    text = item if item.__class__ is str and lexical is _text else lexical(item)
                    if not plain and _NEEDS_ESCAPE(text):
                        text = text.translate(_ESCAPES)
                    append(f"{head}{text}{tail}")
                continue
            else:
                text = lexical(value)
            if not plain and _NEEDS_ESCAPE(text):
                text = text.translate(_ESCAPES)
            append(f"{head}{text}{tail}")
            if label:
                append(f'{label}{text}" .\n')

    def _provenance_tails(self, source: str | None, loader: str, location: str | None, tails: list[str]) -> None:
        if source:
            tails.append(self._source_tails.get(source) or self._source_tail(source))
        if loader:
            tails.append(self._loader_tails.get(loader) or self._loader_tail(loader))
        if location:
            if _NEEDS_ESCAPE(location):
                location = location.translate(_ESCAPES)
            tails.append(f'{self._location}{location}" .\n')

    def _source_tail(self, source: str) -> str:
        """' <dcterms:source> <IRI> .\\n' of a provenance source (a CURIE or an http(s) URL)."""
        if len(self._source_tails) >= self.TERM_CACHE:
            self._source_tails.clear()
        iri = f"<{self.minter.reference(source, source)}>" if source.startswith(("http://", "https://")) \
            else self._terms.get(source) or self._mint(source)
        tail = self._source_tails[source] = f" <{SOURCE}> {iri} .\n"
        return tail

    def _loader_tail(self, loader: str) -> str:
        if len(self._loader_tails) >= 1024:
            self._loader_tails.clear()
        tail = self._loader_tails[loader] = f' <{LOADER}> "{nt_string(loader)}" .\n'
        return tail

    def node_rows(self, rows: Iterable[tuple[Any, ...]]) -> tuple[str, int]:
        """(N-Triples, triple count) of store rows (id, label, properties JSON, prov_source,
        prov_loader, prov_location): the text is equal to joining node() over the decoded rows."""
        parts: list[str] = []
        count = 0
        append = parts.append
        terms, types, mint, loads = self._terms, self._type, self._mint, orjson.loads
        property_tails, provenance_tails = self._property_tails, self._provenance_tails
        identifier = self._identifier
        for row in rows:
            try:
                id_, label, props, source, loader, location = row
                # The id needs no escape: an id that mint() accepts holds no quote or backslash.
                tails = [*types[label], f'{identifier}{id_}" .\n']
                if props != "{}":
                    obj = loads(props)
                    if obj.__class__ is not dict:
                        raise _Slow
                    property_tails(label, obj, False, props, tails)
                if loader is not None:
                    provenance_tails(source, loader, location, tails)
                s = terms.get(id_) or mint(id_)
            except Exception:  # noqa: BLE001 - node() renders it, or raises the named error
                block = self.node(row[0], row[1], json.loads(row[2]), *row[3:])
                append(block)
                count += block.count("\n")
                continue
            append(s)
            append(s.join(tails))
            count += len(tails)
        return "".join(parts), count

    def edge_rows(self, rows: Iterable[tuple[Any, ...]]) -> tuple[str, int]:
        """(N-Triples, triple count) of store rows (source, type, target, properties JSON,
        prov_source, prov_loader, prov_location): the text is equal to joining edge() over the
        decoded rows."""
        parts: list[str] = []
        count = 0
        append = parts.append
        terms, rels, mint, loads = self._terms, self._rel, self._mint, orjson.loads
        property_tails, provenance_tails = self._property_tails, self._provenance_tails
        statement, blake2b = self._statement, hashlib.blake2b
        reified, relationship = f" <{RDF_TYPE}> <{RDF_STATEMENT}> .\n", f" <{RDF_TYPE}> <{RELATIONSHIP}> .\n"
        subject, predicate_, object_ = f" <{RDF_SUBJECT}> ", f" <{RDF_PREDICATE}> ", f" <{RDF_OBJECT}> "
        derived = f" <{DERIVED_FROM}> "
        for row in rows:
            try:
                source, predicate, target, props, src, loader, location = row
                p = rels[predicate]
                s = terms.get(source) or mint(source)
                o = terms.get(target) or mint(target)
                tails = [reified, relationship, f"{subject}{s} .\n", f"{predicate_}{p} .\n", f"{object_}{o} .\n"]
                if props != "{}":
                    obj = loads(props)
                    if obj.__class__ is not dict:
                        raise _Slow
                    property_tails(predicate, obj, True, props, tails)
                    evidence = obj.get("evidence")
                    if evidence is not None:
                        if evidence.__class__ is not list:
                            raise _Slow
                        for item in evidence:
                            tails.append(f"{derived}{terms.get(item) or mint(item)} .\n")
                if loader is not None:
                    provenance_tails(src, loader, location, tails)
            except Exception:  # noqa: BLE001 - edge() renders it, or raises the named error
                block = self.edge(row[0], row[1], row[2], json.loads(row[3]), *row[4:])
                append(block)
                count += block.count("\n")
                continue
            key = f"{source}\x1f{predicate}\x1f{target}".encode()
            st = f"{statement}{blake2b(key, digest_size=12).hexdigest()}>"
            append(f"{s} {p} {o} .\n{st}")
            append(st.join(tails))
            count += len(tails) + 1
        return "".join(parts), count


class _Slow(Exception):
    """A record the fast path leaves to node() / edge()."""
