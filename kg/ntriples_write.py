"""Writing a built store as N-Triples to a file: by one process, or by several for a large store.

The rendering itself is kg.ntriples; this module decides how many processes render which rows
and stitches their parts together, so the bytes are the same either way.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from kg.errors import ExportError
from kg.iri import IriMinter
from kg.ntriples import _KEYS, _WHOLE, BATCH, NTriples, Piece, _connect, _piece_blocks

#
# write_store_ntriples can render the store in several processes at once. The output is the
# nodes in key order, then the relationships in key order; that sequence of rows is cut into
# contiguous segments of about equal work (a cut may fall inside either table, at a key found
# with LIMIT/OFFSET over the primary key). The parent writes the header and the first segment
# straight to ``out``; each further segment is rendered by a forked worker, which opens the
# store read-only itself and streams its text into its own temporary file in ``workdir``; the
# parent then appends those files to ``out`` in order, in COPY_CHUNK pieces. The bytes are the
# single-process writer's, the memory per process is that of one block, and every temporary
# file is removed whatever happens (the caller's own temporary output is atomic_write's).
#
# The single-process path is kept, explicitly, when
#   * no ``workdir`` is given (standard output, an in-memory buffer: there is nowhere to stage);
#   * the store holds fewer than PARALLEL_MIN_ROWS nodes and relationships (start-up dominates);
#   * one CPU is available, or the platform has no 'fork' start method: 'spawn' would reload
#     the Bioregistry in every worker (about 1.4 s), more than the whole export it would share.

#: Below this many rows (nodes + relationships) the store is written by one process: a fork costs
#: some 10 ms; at 35,000 rows (the benchmark's quarter size) two processes already take 0.30 s, one 0.42 s.
PARALLEL_MIN_ROWS = 20_000
#: At most this many processes (parent included) render one store.
MAX_WORKERS = 4
#: A node row costs about this many relationship rows of rendering (measured on the benchmark).
NODE_WEIGHT = 1.0
#: Characters (bytes) per copy when a worker's part is appended to the output.
COPY_CHUNK = 1 << 20


def parallel_workers() -> int:
    """Processes write_store_ntriples uses for a large store: the usable CPUs, at most
    MAX_WORKERS; 1 when the 'fork' start method is not available."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def _plan(path: Path, workers: int) -> list[list[Piece]]:
    """The store's rows cut into at most ``workers`` segments of about equal work, in order."""
    db = _connect(path)
    try:
        nodes = db.execute("SELECT count(*) FROM nodes").fetchone()[0]
        edges = db.execute("SELECT count(*) FROM edges").fetchone()[0]
        if workers < 2 or nodes + edges < PARALLEL_MIN_ROWS:
            return [_WHOLE]
        total = nodes * NODE_WEIGHT + edges
        cuts: list[tuple[str, tuple[str, ...]]] = []  # (table, first key of the next segment)
        for k in range(1, workers):
            at = total * k / workers
            table, offset = ("nodes", int(at / NODE_WEIGHT)) if at < nodes * NODE_WEIGHT else \
                ("edges", int(at - nodes * NODE_WEIGHT))
            keys = ", ".join(_KEYS[table])
            row = db.execute(f"SELECT {keys} FROM {table} ORDER BY {keys} LIMIT 1 OFFSET ?", (offset,)).fetchone()
            if row is not None and (not cuts or cuts[-1] != (table, tuple(row))):
                cuts.append((table, tuple(row)))
    finally:
        db.close()
    segments: list[list[Piece]] = []
    start: tuple[str, tuple[str, ...] | None] = ("nodes", None)
    for end in [*cuts, ("edges", None)]:
        if start[0] == end[0]:
            segments.append([(start[0], start[1], end[1])])
        else:  # from inside the nodes to inside the relationships
            segments.append([("nodes", start[1], None), ("edges", None, end[1])])
        start = end
    return segments


def _write_blocks(blocks: Iterable[tuple[str, int]], out: IO[str]) -> int:
    total = 0
    for text, count in blocks:
        out.write(text)
        total += count
    return total


def _worker(conn: Any, maker: NTriples, path: Path, pieces: list[Piece], batch: int, part: str) -> None:
    """A forked worker: render ``pieces`` into the file ``part``; send ("ok", triples) or ("error", exc)."""
    try:
        db = _connect(path)
        try:
            with open(part, "w", encoding="utf-8", newline="\n") as handle:
                result: tuple[str, Any] = ("ok", _write_blocks(_piece_blocks(maker, db, pieces, batch), handle))
        finally:
            db.close()
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        result = ("error", exc)
    try:
        conn.send(result)
    except Exception:  # noqa: BLE001 - an exception that does not pickle: send its text
        conn.send(("error", ExportError(f"N-Triples worker failed: {result[1]!r}")))
    finally:
        conn.close()


def _append(part: str, out: IO[str]) -> None:
    """Copy the file ``part`` to the end of ``out``, COPY_CHUNK at a time (bytes when ``out`` is
    a UTF-8 text file over a binary buffer, text otherwise)."""
    binary = getattr(out, "buffer", None)
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    out.flush()
    if binary is not None and encoding == "utf8":
        with open(part, "rb") as source:
            shutil.copyfileobj(source, binary, COPY_CHUNK)
    else:
        with open(part, encoding="utf-8", newline="") as text:
            shutil.copyfileobj(text, out, COPY_CHUNK)


def write_store_ntriples(store: Any, out: IO[str], base: str | None = None, batch: int = BATCH,
                         workdir: str | Path | None = None, workers: int | None = None) -> int:
    """``write_ntriples(store_ntriples(store, base), out)``, with the triples counted as they are
    made rather than by scanning the text; returns the number of triples written.

    With ``workdir`` (a directory for temporary files, e.g. the output's own) a large store is
    rendered by ``workers`` processes (default parallel_workers()), see "parallel writing" above;
    the bytes written are the same either way."""
    maker = NTriples(store.schema(), IriMinter(store.schema(), base))
    header = maker.header(store.build_id())
    segments = _plan(store.path, parallel_workers() if workers is None else workers) if workdir is not None \
        else [_WHOLE]
    if workdir is None or len(segments) == 1:
        out.write(header)
        db = _connect(store.path)
        try:
            return header.count("\n") + _write_blocks(_piece_blocks(maker, db, _WHOLE, batch), out)
        finally:
            db.close()
    return header.count("\n") + _write_parallel(maker, store.path, header, segments, out, batch, Path(workdir))


def _write_parallel(maker: NTriples, path: Path, header: str, segments: list[list[Piece]], out: IO[str],
                    batch: int, workdir: Path) -> int:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr, out):  # a forked child must not inherit unwritten text
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    parts: list[str] = []
    workers: list[tuple[Any, Any]] = []
    try:
        for pieces in segments[1:]:
            fd, part = tempfile.mkstemp(prefix=".cellkg-ntriples-", suffix=".part", dir=workdir)
            os.close(fd)
            parts.append(part)
            receive, send = context.Pipe(duplex=False)
            gc.freeze()  # the worker's collections then leave the parent's objects (and pages) alone
            try:
                process = context.Process(target=_worker, args=(send, maker, path, pieces, batch, part),
                                          name="cellkg-ntriples", daemon=True)
                process.start()
            except BaseException:
                receive.close()
                raise
            finally:
                gc.unfreeze()
                send.close()
            workers.append((process, receive))
        out.write(header)
        db = _connect(path)
        try:
            total = _write_blocks(_piece_blocks(maker, db, segments[0], batch), out)
        finally:
            db.close()
        for (process, receive), part in zip(workers, parts):
            try:
                status, value = receive.recv()
            except EOFError:
                process.join()
                raise ExportError(f"N-Triples worker ended without a result (exit code {process.exitcode})") from None
            if status != "ok":
                raise value
            total += value
            _append(part, out)
        return total
    finally:
        for process, receive in workers:
            if process.is_alive():
                process.kill()
            process.join()
            process.close()
            receive.close()
        for part in parts:
            Path(part).unlink(missing_ok=True)
