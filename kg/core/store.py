"""The embedded store on disk: one SQLite file (standard library only).

It is the default backend's persistence and the CLI's fast path: `kg lookup` reads it directly,
without networkx, rdflib or neo4j. Writes are atomic (a temporary file renamed into place), so a
failed build leaves the previous store exactly as it was.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, Self

from kg.core.model import Edge, Node, Provenance
from kg.core.names import exact_key, terms_of
from kg.core.schema import Schema
from kg.errors import NotFound, StoreError

FORMAT_VERSION = "3"  # 3: findings, cohorts and people
MAX_TERM = 1000  # characters: longer than any name, and SQLite's LIKE refuses patterns much longer

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (id TEXT PRIMARY KEY, label TEXT NOT NULL, name TEXT NOT NULL, properties TEXT NOT NULL,
                    prov_source TEXT, prov_loader TEXT, prov_location TEXT);
CREATE TABLE edges (source TEXT NOT NULL, predicate TEXT NOT NULL, target TEXT NOT NULL, properties TEXT NOT NULL,
                    prov_source TEXT, prov_loader TEXT, prov_location TEXT,
                    PRIMARY KEY (source, predicate, target));
CREATE INDEX edges_by_target ON edges (target, predicate);
CREATE TABLE names (term TEXT NOT NULL, node_id TEXT NOT NULL, PRIMARY KEY (term, node_id));
"""


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


#: A record's provenance, stored as three columns (prov_loader is NULL when there is none), so
#: that SQL can select by source and the N-Triples writer reads it without parsing.
PROV_COLUMNS = "prov_source, prov_loader, prov_location"


def _prov(prov: Provenance | None) -> tuple[str | None, str | None, str | None]:
    if prov is None:
        return None, None, None
    return prov.source, prov.loader, prov.place or None


def _provenance(source: str | None, loader: str | None, location: str | None) -> Provenance | None:
    return None if loader is None else Provenance(source, loader, location)


def _utc(seconds: float) -> str:
    """A time as the xsd:dateTime the store records (UTC, to the second)."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> str:
    """The build time; $SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes it, so that two
    builds of the same data can give the same export bytes."""
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        return _utc(int(epoch) if epoch else time.time())
    except (ValueError, OverflowError, OSError):
        raise StoreError(f"$SOURCE_DATE_EPOCH='{epoch}' is not a number of seconds since 1970") from None


def write_store(path: Path, schema: Schema, nodes: Iterable[Node], edges: Iterable[Edge]) -> None:
    """Write the whole graph to ``path`` atomically; the old file survives any failure."""
    import hashlib

    from kg.core.files import temporary_file

    if path.is_dir():
        raise StoreError(f"{path} is a folder: --store takes the store's file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(temporary_file(path.parent))
    except OSError as exc:
        raise StoreError(f"cannot write the store in {path.parent}: {exc.strerror or exc}") from None
    try:
        with closing(sqlite3.connect(tmp)) as db:
            db.executescript(_DDL)
            digest = hashlib.sha256(schema.to_json().encode())
            names: set[tuple[str, str]] = set()
            rows = []
            for node in sorted(nodes, key=lambda n: n.id):
                rows.append((node.id, node.label, node.name, _dump(dict(node.properties)), *_prov(node.provenance)))
                names.update((exact_key(term), node.id) for term in terms_of(node))
            edge_rows = [(e.source, e.predicate, e.target, _dump(dict(e.properties)), *_prov(e.provenance))
                         for e in sorted(edges, key=lambda e: e.key)]
            for row in (*rows, *edge_rows):
                digest.update("\x1f".join("\x00" if v is None else v for v in row).encode())
            db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO names VALUES (?, ?)", sorted(names))
            db.executemany("INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)", edge_rows)
            db.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("format", FORMAT_VERSION), ("schema", schema.to_json()), ("build", digest.hexdigest()[:16]),
                ("built", _now())])
            db.commit()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a folder that turned read-only
        tmp.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"cannot write the store {path}: {reason}; the old store is unchanged") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _node(row: sqlite3.Row) -> Node:
    return Node(row["id"], row["label"], json.loads(row["properties"]),
                _provenance(row["prov_source"], row["prov_loader"], row["prov_location"]))


def _edge(row: sqlite3.Row) -> Edge:
    return Edge(row["source"], row["predicate"], row["target"], json.loads(row["properties"]),
                _provenance(row["prov_source"], row["prov_loader"], row["prov_location"]))


class Store:
    """Read access to a built store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise StoreError(f"no store at {path}: run `kg build` first (or pass --store)")
        try:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            self._db.row_factory = sqlite3.Row
            fmt = self._meta("format")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a cellkg store ({exc})") from None
        if fmt is None:
            raise StoreError(f"{path} is not a cellkg store (it records no store format)")
        if fmt != FORMAT_VERSION:
            raise StoreError(f"{path} has store format {fmt}, this cellkg reads {FORMAT_VERSION}: run `kg build`")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def schema(self) -> Schema:
        try:
            return Schema.from_json(self._meta("schema") or "")
        except (ValueError, KeyError, TypeError):
            raise StoreError(f"{self.path} is damaged (its schema cannot be read): run `kg build`") from None

    def build_id(self) -> str:
        """A digest of the store's content: equal stores have equal build ids."""
        return self._meta("build") or ""

    def built(self) -> str:
        """When the store was built (xsd:dateTime, UTC); for a store that does not record it, the
        time its file was last written."""
        return self._meta("built") or _utc(self.path.stat().st_mtime)

    def label_counts(self) -> dict[str, int]:
        """Nodes per class (each node counted in its own class only)."""
        return dict(self._db.execute("SELECT label, count(*) FROM nodes GROUP BY label ORDER BY label").fetchall())

    def nodes_by_label(self) -> Iterator[Node]:
        for row in self._db.execute("SELECT * FROM nodes ORDER BY label, id"):
            yield _node(row)

    def edges_with_labels(self) -> Iterator[tuple[Edge, str, str]]:
        """Edges with the labels of both ends, grouped by (predicate, source label, target label)."""
        for row in self._db.execute(
                "SELECT e.*, s.label AS source_label, t.label AS target_label FROM edges e "
                "JOIN nodes s ON s.id = e.source JOIN nodes t ON t.id = e.target "
                "ORDER BY e.predicate, s.label, t.label, e.source, e.target"):
            yield _edge(row), row["source_label"], row["target_label"]

    def nodes(self) -> Iterator[Node]:
        for row in self._db.execute("SELECT * FROM nodes ORDER BY id"):
            yield _node(row)

    def edges(self) -> Iterator[Edge]:
        for row in self._db.execute("SELECT * FROM edges ORDER BY source, predicate, target"):
            yield _edge(row)

    def links(self, predicates: tuple[str, ...]) -> Iterator[tuple[str, str, Node]]:
        """(source id, relationship type, target node) for every edge of the given types."""
        marks = ", ".join("?" * len(predicates))
        for row in self._db.execute(
                f"SELECT e.source AS from_id, e.predicate AS type, n.* FROM edges e JOIN nodes n ON n.id = e.target "
                f"WHERE e.predicate IN ({marks}) ORDER BY e.source, e.predicate, n.id", predicates):
            yield row["from_id"], row["type"], _node(row)

    def node(self, node_id: str) -> Node:
        row = self._db.execute("SELECT * FROM nodes WHERE id = ?", (node_id,)).fetchone()
        if row is None:
            raise NotFound(f"no node with id {node_id}")
        return _node(row)

    def find(self, term: str, *, exact: bool = False) -> list[Node]:
        """Nodes whose id, name or synonym equals ``term`` (kg.core.names' exact mode); unless
        ``exact``, else those whose names contain it."""
        key = exact_key(term)
        if len(key) > MAX_TERM:
            raise NotFound(f"nothing in the graph has a name of {len(key):,} characters (at most {MAX_TERM})")
        rows = self._db.execute(
            "SELECT n.* FROM names m JOIN nodes n ON n.id = m.node_id WHERE m.term = ? ORDER BY n.id", (key,)
        ).fetchall()
        if not rows and not exact:
            escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = self._db.execute(
                "SELECT DISTINCT n.* FROM names m JOIN nodes n ON n.id = m.node_id "
                "WHERE m.term LIKE ? ESCAPE '\\' ORDER BY n.id LIMIT 50", (f"%{escaped}%",)
            ).fetchall()
        return [_node(r) for r in rows]

    def neighbours(self, node_id: str) -> list[tuple[str, Edge, Node]]:
        """(direction, edge, other node) for every relationship of the node; direction is 'out' or 'in'."""
        columns = ("e.source, e.predicate, e.target, e.properties, e.prov_source, e.prov_loader, e.prov_location,"
                   " n.id, n.label, n.properties AS np, n.prov_source AS ns, n.prov_loader AS nl,"
                   " n.prov_location AS nloc")
        out = self._db.execute(f"SELECT {columns} FROM edges e JOIN nodes n ON n.id = e.target"
                               " WHERE e.source = ? ORDER BY e.predicate, n.name", (node_id,)).fetchall()
        inc = self._db.execute(f"SELECT {columns} FROM edges e JOIN nodes n ON n.id = e.source"
                               " WHERE e.target = ? ORDER BY e.predicate, n.name", (node_id,)).fetchall()
        result = []
        for direction, rows in (("out", out), ("in", inc)):
            for r in rows:
                other = Node(r["id"], r["label"], json.loads(r["np"]), _provenance(r["ns"], r["nl"], r["nloc"]))
                result.append((direction, _edge(r), other))
        return result

    def counts(self) -> dict[str, dict[str, int]]:
        labels = dict(self._db.execute("SELECT label, count(*) FROM nodes GROUP BY label ORDER BY label").fetchall())
        rels = dict(self._db.execute(
            "SELECT predicate, count(*) FROM edges GROUP BY predicate ORDER BY predicate").fetchall())
        return {"nodes": labels, "relationships": rels}
