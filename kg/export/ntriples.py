"""The streaming N-Triples writer: store rows in, N-Triples text out, memory flat.

N-Triples is the one RDF text this project generates (Turtle, JSON-LD and SHACL validation parse
it with rdflib, see kg.export.rdf). Every relationship is written twice: the direct triple, and an
``rdf:Statement`` whose IRI is a hash of (source, type, target) and which carries the
relationship's properties and provenance. Nodes carry their provenance directly:
``dcterms:source``, ``cellkg:loader``, ``cellkg:location``. IRIs and literal spellings come from
kg.export.iri. Nothing heavy is imported here: rows are read with sqlite3 and decoded with orjson.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

import orjson

from kg.core.schema import Schema
from kg.core.store import PROV_COLUMNS
from kg.errors import ExportError
from kg.export.iri import (
    _ESCAPES,
    _LEXICAL,
    _NEEDS_ESCAPE,
    DERIVED_FROM,
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
    nt_literal,
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
        self._type = {name: f" <{RDF_TYPE}> <{cls.iri}> .\n" for name, cls in schema.classes.items()}
        self._rel = {rel.type: f"<{rel.iri}>" for rel in schema.relationships.values()}
        self._props: dict[tuple[str, str, bool], tuple[str, Callable[[Any], str], str, str]] = {}
        self._terms: dict[str, str] = {}
        # The fast path's tables (see node_rows / edge_rows), all bounded by the schema's size:
        # owner -> key -> (head, lexical, tail, ' <rdfs:label> "' when the key is "name" else "").
        self._node_props: dict[str, dict[str, tuple[str, Callable[[Any], str], str, str]]] = {}
        self._edge_props: dict[str, dict[str, tuple[str, Callable[[Any], str], str, str]]] = {}
        self._source_tails: dict[str, str] = {}
        self._loader_tails: dict[str, str] = {}
        self._location = f' <{LOCATION}> "'
        self._statement = f"<{minter.base}statement/"

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
            tail = '" .\n' if prop.datatype == "string" else f'"^^<{XSD}{prop.datatype}> .\n'
            hit = self._props[(owner, key, edge)] = (f' <{prop.iri}> "', _LEXICAL.get(prop.datatype, _text),
                                                     tail, prop.datatype)
        return hit

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

    def header(self, build_id: str) -> str:
        """The ontology header, and the dataset that imports the ontology's version."""
        s = self.schema
        onto, dataset = f"<{s.ontology_iri}>", f"<{self.minter.base}dataset>"
        lines = [
            f"{onto} <{RDF_TYPE}> <{OWL}Ontology> .\n",
            f"{onto} <{OWL}versionIRI> <{s.version_iri}> .\n",
            f"{onto} <{OWL}versionInfo> {nt_literal(s.version)} .\n",
            f"{dataset} <{RDF_TYPE}> <{OWL}Ontology> .\n",
            f"{dataset} <{OWL}imports> <{s.version_iri}> .\n",
            f"{dataset} <{RDFS_LABEL}> {nt_literal('cellkg knowledge graph')} .\n",
        ]
        if build_id:
            lines.append(f"{dataset} <{OWL}versionInfo> {nt_literal(build_id)} .\n")
        return "".join(lines)

    def node(self, id_: str, label: str, props: dict[str, Any], source: str | None = None,
             loader: str | None = None, location: str | None = None) -> str:
        type_line = self._type.get(label)
        if type_line is None:
            raise ExportError(f"node {id_}: class {label} is not in the ontology")
        s = self.term(id_)
        parts = [s, type_line]
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
        parts = [(f"{s} {p} {o} .\n{st} <{RDF_TYPE}> <{RDF_STATEMENT}> .\n{st} <{RDF_SUBJECT}> {s} .\n"
                  f"{st} <{RDF_PREDICATE}> {p} .\n{st} <{RDF_OBJECT}> {o} .\n")]
        if props:
            what = f"relationship {source} -[{predicate}]-> {target}"
            self._properties(st, predicate, props, True, what, parts)
            for evidence in props.get("evidence", ()):  # the derived shortcut links the Evidence it summarises
                parts.append(f"{st} <{DERIVED_FROM}> {self.term(evidence, source)} .\n")
        self._provenance(st, src, loader, location, source, parts)
        return "".join(parts)

    # ------------------------------------------------------------ fast path over store rows
    #
    # node_rows / edge_rows produce exactly the text of node() / edge() over the decoded rows
    # (tests/test_rdf.py compares them byte for byte), with the common case inlined. A record is
    # gathered as its subject and its "tails", one per triple (' <predicate> object .\n'), then
    # written as subject + subject.join(tails): the triple count is the number of tails. Property
    # IRIs and datatypes are looked up once per (owner, key), CURIEs checked with one precompiled
    # match per prefix, JSON decoded by orjson, provenance tails cached. Anything unusual (an
    # unknown class, property or prefix, a value of the wrong type, JSON that orjson refuses)
    # renders that one record through node() / edge() instead, which either produce the same text
    # or raise the ExportError that names the record.

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
        for row in rows:
            try:
                id_, label, props, source, loader, location = row
                tails = [types[label]]
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
        reified = f" <{RDF_TYPE}> <{RDF_STATEMENT}> .\n"
        subject, predicate_, object_ = f" <{RDF_SUBJECT}> ", f" <{RDF_PREDICATE}> ", f" <{RDF_OBJECT}> "
        derived = f" <{DERIVED_FROM}> "
        for row in rows:
            try:
                source, predicate, target, props, src, loader, location = row
                p = rels[predicate]
                s = terms.get(source) or mint(source)
                o = terms.get(target) or mint(target)
                tails = [reified, f"{subject}{s} .\n", f"{predicate_}{p} .\n", f"{object_}{o} .\n"]
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


#: Records per block of store_ntriples: large enough that the per-block costs vanish, small enough
#: that a block stays around a megabyte.
BATCH = 1024
#: write_ntriples and to_graph hand on their buffer once it holds this many characters.
FLUSH_CHARS = 1 << 20


#: The store's rows of each table in key order, in the shape node_rows / edge_rows take.
COLUMNS = {"nodes": f"id, label, properties, {PROV_COLUMNS}",
            "edges": f"source, predicate, target, properties, {PROV_COLUMNS}"}
KEYS = {"nodes": ("id",), "edges": ("source", "predicate", "target")}

#: A piece of a table in key order: (table, first key or None, key it stops before or None).
Piece = tuple[str, "tuple[str, ...] | None", "tuple[str, ...] | None"]
WHOLE: list[Piece] = [("nodes", None, None), ("edges", None, None)]


def piece_query(piece: Piece) -> tuple[str, tuple[str, ...]]:
    """The SELECT (and its parameters) of a piece: its rows in key order."""
    table, low, high = piece
    keys = ", ".join(KEYS[table])
    marks = ", ".join("?" * len(KEYS[table]))
    where: list[str] = []
    params: tuple[str, ...] = ()
    if low is not None:
        where.append(f"({keys}) >= ({marks})")
        params += low
    if high is not None:
        where.append(f"({keys}) < ({marks})")
        params += high
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {COLUMNS[table]} FROM {table}{clause} ORDER BY {keys}", params


def connect(path: Path) -> Any:
    """A read-only connection to the store (the writer reads rows straight from SQLite)."""
    import sqlite3

    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def piece_blocks(maker: NTriples, db: Any, pieces: Iterable[Piece], batch: int = BATCH) -> Iterator[tuple[str, int]]:
    """(N-Triples, triple count) blocks of the pieces' rows, ``batch`` records to a block."""
    for piece in pieces:
        render = maker.node_rows if piece[0] == "nodes" else maker.edge_rows
        rows = db.execute(*piece_query(piece))  # the cursor itself: rows come straight from SQLite
        while True:
            text, count = render(islice(rows, batch))
            if not text:
                break
            yield text, count


def maker_for(store: Any, base: str | None = None) -> NTriples:
    """The NTriples formatter of a store's schema, with IRIs under ``base`` (default: $CELLKG_BASE_IRI)."""
    schema = store.schema()
    return NTriples(schema, IriMinter(schema, base))


def store_ntriples(store: Any, base: str | None = None, batch: int = BATCH) -> Iterator[str]:
    """The whole store as N-Triples blocks: the header, then the nodes and the relationships,
    ``batch`` records to a block. Memory stays flat."""
    maker = maker_for(store, base)
    yield maker.header(store.build_id())
    db = connect(store.path)
    try:
        for text, _ in piece_blocks(maker, db, WHOLE, batch):
            yield text
    finally:
        db.close()


def reference_ntriples(store: Any, base: str | None = None) -> Iterator[str]:
    """store_ntriples without the fast path: one node() / edge() block per record (the reference
    the fast path is tested against)."""
    maker = maker_for(store, base)
    yield maker.header(store.build_id())
    db = connect(store.path)
    try:
        for id_, label, props, *prov in db.execute(piece_query(WHOLE[0])[0]):
            yield maker.node(id_, label, json.loads(props), *prov)
        for source, predicate, target, props, *prov in db.execute(piece_query(WHOLE[1])[0]):
            yield maker.edge(source, predicate, target, json.loads(props), *prov)
    finally:
        db.close()


def write_ntriples(blocks: Iterable[str], out: IO[str], chunk: int = 4096) -> int:
    """Write N-Triples blocks, ``chunk`` blocks or about FLUSH_CHARS characters at a time;
    returns the number of triples written."""
    buffer: list[str] = []
    size = count = 0
    for block in blocks:
        buffer.append(block)
        size += len(block)
        if len(buffer) >= chunk or size >= FLUSH_CHARS:
            text = "".join(buffer) if len(buffer) > 1 else block
            out.write(text)
            count += text.count("\n")
            buffer.clear()
            size = 0
    text = "".join(buffer)
    out.write(text)
    return count + text.count("\n")
