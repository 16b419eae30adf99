"""The embedded default: Cypher on an embedded graph engine (LadybugDB), no server needed.

The SQLite store stays the single source. The engine's file is derived from it — at `kg build`,
or on first use when missing or stale — and is named after the store and its build id
(``cellkg.sqlite`` → ``cellkg.<build>.lbug``), so a store and an engine file never disagree.
Questions and ad-hoc queries run on it read-only, with a fixed buffer pool: memory does not grow
with the graph beyond the engine's buffers. The choice of engine and its measurements are in
docs/architecture.md.
"""

from __future__ import annotations

import os
import re
import sys
import types
from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kg.backends.base import GraphBackend, plain_rows
from kg.backends.embedded_schema import PROVENANCE, Tables, safe, tables
from kg.backends.readonly import check_read_query
from kg.core.files import remove_stale_temporaries
from kg.core.model import Edge, Node
from kg.core.steps import Step, quiet
from kg.core.store import Store
from kg.errors import BackendError, ReadOnlyViolation, StoreError

if TYPE_CHECKING:
    from kg.queries.question import Question, Row

ENGINE_SUFFIX = ".lbug"
BUFFER_POOL = 256 << 20  # bytes: the reading engine's whole cache (writing uses the engine's default)
THREADS = 2
_BUILD = re.compile(r"^[0-9a-f]{16}$")
T = TypeVar("T")


def _ladybug() -> types.ModuleType:
    """Import LadybugDB without its asyncio client.

    The package's ``__init__`` imports ``AsyncConnection`` and with it asyncio, about 50 ms of
    every cold `kg ask`, which cellkg never uses. A placeholder stands in for that one module
    while the package imports, and is removed again, so an explicit import of it still works.
    """
    if "ladybug" in sys.modules:
        return sys.modules["ladybug"]
    name = "ladybug.async_connection"
    placeholder = types.ModuleType(name)
    placeholder.AsyncConnection = None  # type: ignore[attr-defined]
    sys.modules.setdefault(name, placeholder)
    try:
        import ladybug
    except ModuleNotFoundError as exc:
        raise BackendError(f"the embedded engine is not installed ({exc.name}): pip install cellkg") from None
    finally:
        if sys.modules.get(name) is placeholder:
            del sys.modules[name]
    return ladybug


def engine_file(store: Path, build: str) -> Path:
    return store.with_name(f"{store.stem}.{build}{ENGINE_SUFFIX}")


def _stale_files(store: Path, keep: Path) -> Iterator[Path]:
    for path in store.parent.glob(f"{glob_escape(store.stem)}.*{ENGINE_SUFFIX}"):
        build = path.name[len(store.stem) + 1:-len(ENGINE_SUFFIX)]
        if path != keep and _BUILD.match(build):
            yield path


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _cast(column_type: str, value: Any) -> Any:
    if value is None:
        return None
    if column_type == "DOUBLE":
        return float(value)
    if column_type == "STRING[]":
        return [str(v) for v in value]
    return value


def _node_rows(nodes: Iterable[Node], columns: tuple[Any, ...]) -> list[dict[str, Any]]:
    rows = []
    for node in nodes:
        prov = node.provenance
        values: dict[str, Any] = {**node.properties, "id": node.id}
        if prov is not None:
            values.update(zip(PROVENANCE, (prov.source, prov.loader, prov.location or None), strict=True))
        rows.append({c.name: _cast(c.type, values.get(c.name)) for c in columns})
    return rows


def _edge_rows(edges: Iterable[Edge], columns: tuple[Any, ...]) -> list[dict[str, Any]]:
    rows = []
    for edge in edges:
        prov = edge.provenance
        values: dict[str, Any] = dict(edge.properties)
        if prov is not None:
            values.update(zip(PROVENANCE, (prov.source, prov.loader, prov.location or None), strict=True))
        rows.append({"kg_from": edge.source, "kg_to": edge.target,
                     **{c.name: _cast(c.type, values.get(c.name)) for c in columns}})
    return rows


CHUNK = 10_000  # rows per COPY: the engine holds about 25 KB a row until the COPY's connection closes


def _copy(database: Any, table: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]],
          ends: tuple[str, str] | None = None) -> None:
    """One COPY of ``rows`` into ``table``, on a connection of its own (a connection keeps what a
    COPY allocated until it closes)."""
    returned = ", ".join(f"CAST(r.`{safe(name)}` AS {kind})" for name, kind in columns)
    option = f" (from='{safe(ends[0])}', to='{safe(ends[1])}')" if ends else ""
    connection = _ladybug().Connection(database)
    try:
        connection.execute(f"COPY `{safe(table)}` FROM (UNWIND $rows AS r RETURN {returned}){option}", {"rows": rows})
    finally:
        connection.close()


def derive(store_path: Path, progress: Step = quiet) -> Path:
    """Write the engine file of a built store (atomically), unless it exists; returns its path.

    Nodes and relationships stream from the store in chunks of CHUNK rows, so memory stays flat
    however large the graph."""
    with Store(store_path) as store:
        target = engine_file(store_path, store.build_id())
        if target.exists():
            return target
        remove_stale_temporaries(target.parent)
        tmp = target.with_name(f".cellkg-{os.getpid()}-{target.name}.tmp")  # the engine creates it (and a .wal)
        try:
            _write(tmp, tables(store.schema()), store, progress)
            os.replace(tmp, target)
        except OSError as exc:
            raise StoreError(f"cannot write the embedded engine file {target}: {exc.strerror or exc}") from None
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)
    for stale in _stale_files(store_path, target):
        stale.unlink(missing_ok=True)
    return target


def _write(path: Path, layout: Tables, store: Store, progress: Step) -> None:
    counts = store.counts()
    total, done = sum(counts["nodes"].values()) + sum(counts["relationships"].values()), 0
    ladybug = _ladybug()
    database = ladybug.Database(str(path), max_num_threads=THREADS)
    try:
        connection = ladybug.Connection(database)
        try:
            for statement in layout.ddl():
                connection.execute(statement)
        finally:
            connection.close()
        for label, nodes in groupby(store.nodes_by_label(), key=lambda n: n.label):
            table = layout.table_of[label]
            columns = layout.nodes[table]
            for chunk in _chunks(nodes):
                progress(f"engine file: {done:,} of {total:,} rows ({label})")
                done += len(chunk)
                _copy(database, table, [(c.name, c.type) for c in columns], _node_rows(chunk, columns))
        ends = [("kg_from", "STRING"), ("kg_to", "STRING")]
        for (predicate, source, target), links in groupby(
                store.edges_with_labels(), key=lambda item: (item[0].predicate, item[1], item[2])):
            columns = layout.relationships[predicate][1]
            pair = (layout.table_of[source], layout.table_of[target])
            for edges in _chunks(edge for edge, _, _ in links):
                progress(f"engine file: {done:,} of {total:,} rows ({predicate})")
                done += len(edges)
                _copy(database, predicate, ends + [(c.name, c.type) for c in columns], _edge_rows(edges, columns),
                      pair)
    finally:
        database.close()


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


class EmbeddedBackend(GraphBackend):
    name = "embedded"
    supports_cypher = True

    def __init__(self, store: Path, progress: Step = quiet) -> None:
        """Open the engine file of ``store``, deriving it first (reporting to ``progress``) when it is
        missing or stale."""
        self.store = Store(store)
        try:
            path = derive(store, progress)
            ladybug = _ladybug()
            self._database = ladybug.Database(str(path), read_only=True, buffer_pool_size=BUFFER_POOL,
                                              max_num_threads=THREADS)
        except BaseException:
            self.store.close()
            raise

    def close(self) -> None:
        self._database.close()
        self.store.close()

    def resolve(self, node_class: str, term: str) -> list[tuple[str, str]]:
        schema = self.store.schema()
        return [(n.id, n.name) for n in self.store.find(term, exact=True) if schema.is_a(n.label, node_class)]

    def _run(self, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        # One connection per query: a connection keeps buffer pages pinned until it closes, and a
        # long-lived one exhausts the pool after a dozen questions on a 100x graph.
        connection = _ladybug().Connection(self._database)
        try:
            return self._fetch(connection, query, params)
        finally:
            connection.close()

    @staticmethod
    def _fetch(connection: Any, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        try:
            result = connection.execute(query, dict(params))
        except RuntimeError as exc:
            message = " ".join(str(exc).split())
            if "read-only" in message:
                raise ReadOnlyViolation(f"refused: ad-hoc queries run read-only, and this one writes ({message})") \
                    from None
            raise BackendError(f"the embedded engine refused the query: {message}") from None
        names = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append(dict(zip(names, result.get_next(), strict=True)))
        result.close()
        return rows

    def ask(self, question: Question, params: Mapping[str, str]) -> list[Row]:
        return plain_rows(self._run(question.cypher, params), question.columns)

    def cypher(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        check_read_query(query)
        return plain_rows(self._run(query, params or {}))
