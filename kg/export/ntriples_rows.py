"""A whole store as N-Triples: its rows read piece by piece from SQLite and rendered in blocks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from kg.core.store import PROV_COLUMNS
from kg.export.dataset import Counts, description
from kg.export.iri import IriMinter
from kg.export.ntriples_fast import FastNTriples

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


def piece_blocks(maker: FastNTriples, db: Any, pieces: Iterable[Piece], batch: int = BATCH) -> Iterator[tuple[str, int]]:
    """(N-Triples, triple count) blocks of the pieces' rows, ``batch`` records to a block."""
    for piece in pieces:
        render = maker.node_rows if piece[0] == "nodes" else maker.edge_rows
        rows = db.execute(*piece_query(piece))  # the cursor itself: rows come straight from SQLite
        while True:
            text, count = render(islice(rows, batch))
            if not text:
                break
            yield text, count


def maker_for(store: Any, base: str | None = None) -> FastNTriples:
    """The NTriples formatter of a store's schema, with IRIs under ``base`` (default: $CELLKG_BASE_IRI)."""
    schema = store.schema()
    return FastNTriples(schema, IriMinter(schema, base))


def describe(maker: FastNTriples, store: Any, triples: int) -> str:
    """The dataset's description (kg.export.dataset) for a file that holds ``triples`` before it."""
    schema = maker.schema
    return description(schema, maker.minter.base, store.build_id(), store.built(),
                       Counts.of(schema, store.label_counts()), triples)


def store_ntriples(store: Any, base: str | None = None, batch: int = BATCH) -> Iterator[str]:
    """The whole store as N-Triples blocks: the header, the nodes, the relationships (``batch``
    records to a block), and the dataset's description. Memory stays flat."""
    maker = maker_for(store, base)
    header = maker.header()
    yield header
    count = header.count("\n")
    db = connect(store.path)
    try:
        for text, triples in piece_blocks(maker, db, WHOLE, batch):
            count += triples
            yield text
    finally:
        db.close()
    yield describe(maker, store, count)


def reference_ntriples(store: Any, base: str | None = None) -> Iterator[str]:
    """store_ntriples without the fast path: one node() / edge() block per record (the reference
    the fast path is tested against)."""
    maker = maker_for(store, base)
    header = maker.header()
    yield header
    count = header.count("\n")
    db = connect(store.path)
    try:
        for id_, label, props, *prov in db.execute(piece_query(WHOLE[0])[0]):
            block = maker.node(id_, label, json.loads(props), *prov)
            count += block.count("\n")
            yield block
        for source, predicate, target, props, *prov in db.execute(piece_query(WHOLE[1])[0]):
            block = maker.edge(source, predicate, target, json.loads(props), *prov)
            count += block.count("\n")
            yield block
    finally:
        db.close()
    yield describe(maker, store, count)


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
