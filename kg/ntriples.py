"""The streaming N-Triples writer: store rows in, N-Triples text out, memory flat.

N-Triples is the one RDF text this project generates (Turtle, JSON-LD and SHACL validation parse
it with rdflib, see kg.rdf). Every relationship is written twice: the direct triple, and an
``rdf:Statement`` whose IRI is a hash of (source, type, target) and which carries the
relationship's properties and provenance. Nodes carry their provenance directly:
``dcterms:source``, ``cellkg:loader``, ``cellkg:location``. IRIs and literal spellings come from
kg.iri. Nothing heavy is imported here: rows are read with sqlite3 alone.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from kg.errors import ExportError
from kg.iri import (
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
from kg.schema import Schema


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
        self._loader_lines: dict[str, str] = {}
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
    # (tests/test_rdf.py compares them byte for byte), with the common case inlined: no call per
    # triple, property IRIs and datatypes looked up once per (owner, key), CURIEs checked with one
    # precompiled match per prefix, JSON decoded by the C scanner alone. Anything unusual (an
    # unknown class, property or prefix, a value of the wrong type, provenance in another shape)
    # drops that one record's partial output and renders it through node() / edge(), which either
    # produce the same text or raise the ExportError that names the record.

    def _mint(self, curie: str, node: str | None = None) -> str:
        """``<IRI>`` of a CURIE missing from the term cache (same result and cache as term())."""
        prefix, _, local = curie.partition(":")
        fast = self.minter.fast_checks.get(prefix)
        if fast is None or fast[1](local) is None:
            return self.term(curie, node)
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

    def _fast_properties(self, s: str, owner: str, props: dict[str, Any], edge: bool, append: Any) -> int:
        """Appends the property lines, one a part but for a name (two); returns the number of names."""
        names = 0
        table = (self._edge_props if edge else self._node_props).get(owner) or {}
        for key, value in props.items():
            hit = table.get(key)
            if hit is None:
                hit = self._fast_prop(owner, key, edge)
            head, lexical, tail, label = hit
            if value.__class__ is str and lexical is _text:
                text = value
            elif value.__class__ is list or value.__class__ is tuple:
                for item in value:
                    text = item if item.__class__ is str and lexical is _text else lexical(item)
                    if _NEEDS_ESCAPE(text):
                        text = text.translate(_ESCAPES)
                    append(f"{s}{head}{text}{tail}")
                continue
            else:
                text = lexical(value)
            if _NEEDS_ESCAPE(text):
                text = text.translate(_ESCAPES)
            if label:
                append(f'{s}{head}{text}{tail}{s}{label}{text}" .\n')
                names += 1
            else:
                append(f"{s}{head}{text}{tail}")
        return names

    def _loader_line(self, loader: str) -> str:
        line = self._loader_lines.get(loader)
        if line is None:
            if len(self._loader_lines) >= 1024:
                self._loader_lines.clear()
            line = self._loader_lines[loader] = f' <{LOADER}> "{nt_string(loader)}" .\n'
        return line

    def _fast_provenance(self, s: str, prov: str, context: str, append: Any) -> int:
        """Append the provenance triples of subject ``s`` in one part; returns the extra lines.

        Raises _Slow for any shape only the reference path renders (an http source, odd JSON).
        """
        match = _PROV.match(prov)
        if match is None:
            raise _Slow
        loader, location, source = match.groups()
        if source and source.startswith(("http://", "https://")):
            raise _Slow
        if location and _NEEDS_ESCAPE(location):
            location = location.translate(_ESCAPES)
        lines = []
        if source:
            lines.append(f"{s} <{SOURCE}> {self._terms.get(source) or self._mint(source, context)} .\n")
        if loader:
            lines.append(f"{s}{self._loader_line(loader)}")
        if location:
            lines.append(f'{s} <{LOCATION}> "{location}" .\n')
        if not lines:
            return 0
        append("".join(lines))
        return len(lines) - 1

    def node_rows(self, rows: Iterable[tuple[str, str, str, str]]) -> tuple[str, int]:
        """(N-Triples, triple count) of store rows (id, label, properties JSON, provenance JSON):
        the text is equal to joining node() over the decoded rows."""
        parts: list[str] = []
        extra = 0  # lines beyond one per part
        append = parts.append
        terms, types, mint, scan = self._terms, self._type, self._mint, _SCAN
        fast_props, provenance = self._fast_properties, self._fast_provenance
        for row in rows:
            mark, extra_mark = len(parts), extra
            try:
                id_, label, props, prov = row
                s = terms.get(id_) or mint(id_)
                append(f"{s}{types[label]}")
                if props != "{}":
                    obj, end = scan(props, 0)
                    if end != len(props) or obj.__class__ is not dict:
                        raise _Slow
                    extra += fast_props(s, label, obj, False, append)
                if prov != "{}":
                    extra += provenance(s, prov, id_, append)
            except Exception:  # noqa: BLE001 - node()/edge() re-render it, or raise the named error
                del parts[mark:]
                id_, label, props, prov = row
                block = self.node(id_, label, json.loads(props), *_provenance_fields(prov))
                append(block)
                extra = extra_mark + block.count("\n") - 1
        return "".join(parts), len(parts) + extra

    def edge_rows(self, rows: Iterable[tuple[str, str, str, str, str]]) -> tuple[str, int]:
        """(N-Triples, triple count) of store rows (source, type, target, properties JSON,
        provenance JSON): the text is equal to joining edge() over the decoded rows."""
        parts: list[str] = []
        extra = 0  # lines beyond one per part
        append = parts.append
        terms, rels, mint, scan = self._terms, self._rel, self._mint, _SCAN
        fast_props, provenance = self._fast_properties, self._fast_provenance
        statement, blake2b = self._statement, hashlib.blake2b
        reified = f"<{RDF_TYPE}> <{RDF_STATEMENT}> .\n"
        subject, predicate_, object_ = f"<{RDF_SUBJECT}> ", f"<{RDF_PREDICATE}> ", f"<{RDF_OBJECT}> "
        derived = f" <{DERIVED_FROM}> "
        for row in rows:
            mark, extra_mark = len(parts), extra + 4  # the first part holds five lines
            try:
                source, predicate, target, props, prov = row
                p = rels[predicate]
                s = terms.get(source) or mint(source)
                o = terms.get(target) or mint(target)
                key = f"{source}\x1f{predicate}\x1f{target}".encode()
                st = f"{statement}{blake2b(key, digest_size=12).hexdigest()}>"
                append(f"{s} {p} {o} .\n{st} {reified}{st} {subject}{s} .\n{st} {predicate_}{p} .\n"
                       f"{st} {object_}{o} .\n")
                extra = extra_mark
                if props != "{}":
                    obj, end = scan(props, 0)
                    if end != len(props) or obj.__class__ is not dict:
                        raise _Slow
                    if obj:
                        extra += fast_props(st, predicate, obj, True, append)
                        evidence = obj.get("evidence")
                        if evidence is not None:
                            if evidence.__class__ is not list:
                                raise _Slow
                            for item in evidence:
                                append(f"{st}{derived}{terms.get(item) or mint(item, source)} .\n")
                if prov != "{}":
                    extra += provenance(st, prov, source, append)
            except Exception:  # noqa: BLE001 - node()/edge() re-render it, or raise the named error
                del parts[mark:]
                source, predicate, target, props, prov = row
                props = json.loads(props) if props != "{}" else {}
                block = self.edge(source, predicate, target, props, *_provenance_fields(prov))
                append(block)
                extra = extra_mark - 4 + block.count("\n") - 1
        return "".join(parts), len(parts) + extra


class _Slow(Exception):
    """A record the fast path leaves to node() / edge()."""


#: The C scanner behind json.loads, called directly: (value, end index) of the JSON text at 0.
_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


_QUERIES = {"nodes": "SELECT id, label, properties, provenance FROM nodes ORDER BY id",
            "edges": "SELECT source, predicate, target, properties, provenance FROM edges "
                     "ORDER BY source, predicate, target"}


def _connect(path: Path) -> Any:
    import sqlite3

    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _rows(path: Path, table: str) -> Iterator[tuple[Any, ...]]:
    """The store's rows in key order, read straight from SQLite (no record objects on the way)."""
    db = _connect(path)
    try:
        yield from db.execute(_QUERIES[table])
    finally:
        db.close()


# The store writes provenance as compact, key-sorted JSON (kg.store._prov); this reads that exact
# shape without the json module's overhead, and falls back to json for anything else.
_PROV = re.compile(r'\{"loader":"([^"\\]*)","location":(?:"([^"\\]*)"|null),"source":(?:"([^"\\]*)"|null)\}\Z')


def _provenance_fields(text: str) -> tuple[str | None, str | None, str | None]:
    """(source, loader, location) of a stored provenance JSON object."""
    match = _PROV.match(text)
    if match is not None:
        return match.group(3), match.group(1), match.group(2)
    prov = json.loads(text)
    return prov.get("source"), prov.get("loader"), prov.get("location")


#: Records per block of store_ntriples: large enough that the per-block costs vanish, small enough
#: that a block stays around a megabyte.
BATCH = 1024
#: write_ntriples and to_graph hand on their buffer once it holds this many characters.
FLUSH_CHARS = 1 << 20


_KEYS = {"nodes": ("id",), "edges": ("source", "predicate", "target")}
_COLUMNS = {"nodes": "id, label, properties, provenance",
            "edges": "source, predicate, target, properties, provenance"}

#: A piece of a table in key order: (table, first key or None, key it stops before or None).
Piece = tuple[str, "tuple[str, ...] | None", "tuple[str, ...] | None"]


def _piece_query(piece: Piece) -> tuple[str, tuple[str, ...]]:
    """The SELECT (and its parameters) of a piece: its rows in the order of _QUERIES."""
    table, low, high = piece
    keys = ", ".join(_KEYS[table])
    marks = ", ".join("?" * len(_KEYS[table]))
    where: list[str] = []
    params: tuple[str, ...] = ()
    if low is not None:
        where.append(f"({keys}) >= ({marks})")
        params += low
    if high is not None:
        where.append(f"({keys}) < ({marks})")
        params += high
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {_COLUMNS[table]} FROM {table}{clause} ORDER BY {keys}", params


_WHOLE: list[Piece] = [("nodes", None, None), ("edges", None, None)]


def _piece_blocks(maker: NTriples, db: Any, pieces: Iterable[Piece], batch: int) -> Iterator[tuple[str, int]]:
    """(N-Triples, triple count) blocks of the pieces' rows, ``batch`` records to a block."""
    for piece in pieces:
        render = maker.node_rows if piece[0] == "nodes" else maker.edge_rows
        rows = db.execute(*_piece_query(piece))  # the cursor itself: rows come straight from SQLite
        while True:
            text, count = render(islice(rows, batch))
            if not text:
                break
            yield text, count


def _store_blocks(store: Any, base: str | None, batch: int) -> Iterator[tuple[str, int]]:
    """(N-Triples, triple count) blocks of the whole store: the header, then the nodes and the
    relationships, ``batch`` records to a block."""
    maker = NTriples(store.schema(), IriMinter(store.schema(), base))
    header = maker.header(store.build_id())
    yield header, header.count("\n")
    db = _connect(store.path)
    try:
        yield from _piece_blocks(maker, db, _WHOLE, batch)
    finally:
        db.close()


def store_ntriples(store: Any, base: str | None = None, batch: int = BATCH) -> Iterator[str]:
    """The whole store as N-Triples blocks: the header, then the nodes and the relationships,
    ``batch`` records to a block. Memory stays flat."""
    for text, _ in _store_blocks(store, base, batch):
        yield text


def reference_ntriples(store: Any, base: str | None = None) -> Iterator[str]:
    """store_ntriples without the fast path: one node() / edge() block per record (the reference
    the fast path is tested against)."""
    maker = NTriples(store.schema(), IriMinter(store.schema(), base))
    yield maker.header(store.build_id())
    for id_, label, props, prov in _rows(store.path, "nodes"):
        yield maker.node(id_, label, json.loads(props), *_provenance_fields(prov))
    for source, predicate, target, props, prov in _rows(store.path, "edges"):
        yield maker.edge(source, predicate, target, json.loads(props), *_provenance_fields(prov))


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
