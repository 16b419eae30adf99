"""Writing a built store as N-Triples: by one process, or by several taking turns.

The rendering itself is kg.export.ntriples; this module decides which process renders which rows and
keeps their text in order, so the bytes are the same either way.

Taking turns
------------
The rows (the nodes in key order, then the relationships in key order) are cut into pieces of
about PIECE_ROWS rows (see plan). With N forked workers, worker j renders pieces j, j+N, j+2N...
For each piece it renders the text, waits for its turn (a byte on its own pipe), writes the text
straight to the output's file descriptor (which every forked process shares, offset included),
and hands the turn to the next worker. So the text arrives in order, the workers render at the
same time, nothing is staged in temporary files or copied through the parent, and each process
holds one piece at a time. The parent writes the header, starts the workers and collects their
triple counts; the first failure (the ExportError that names a record, or a worker that died)
stops the others and is raised in the parent.

One process writes when the output has no file descriptor of its own or is not UTF-8 (an
in-memory buffer), the store holds fewer than PARALLEL_MIN_ROWS rows (a fork costs more than it
saves), one CPU is usable, or the platform cannot fork ('spawn' would reload the Bioregistry in
every worker, about 1.4 s).
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

from kg.errors import ExportError
from kg.export.ntriples_fast import FastNTriples
from kg.export.ntriples_rows import KEYS, WHOLE, Piece, connect, describe, maker_for, piece_blocks, piece_query

#: Below this many rows (nodes + relationships) one process writes the store.
PARALLEL_MIN_ROWS = 20_000
#: At most this many worker processes render one store.
MAX_WORKERS = 4
#: Rows per piece: a few megabytes of text, so that turns are cheap and memory stays flat.
PIECE_ROWS = 2048
#: Rowids asked for in one query while planning (well below SQLite's limit on parameters).
_SAMPLE_CHUNK = 500


def parallel_workers() -> int:
    """Worker processes for a large store: the usable CPUs, at most MAX_WORKERS; 1 when the
    'fork' start method is not available."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def plan(db: Any, rows: int | None = None) -> list[Piece]:
    """Every row of the store, in output order, as pieces of about ``rows`` rows (PIECE_ROWS).

    The cuts are the keys of every ``rows``-th rowid, sorted: a point lookup each, where finding
    the k-th key in key order would scan the index. kg.core.store inserts rows in key order, so the
    pieces are even; in any other store the sorted keys are still valid cuts, only less even.
    """
    rows = rows or PIECE_ROWS
    pieces: list[Piece] = []
    for table in ("nodes", "edges"):
        top = db.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        keys = ", ".join(KEYS[table])
        rowids = range(rows, top + 1, rows)
        cuts: set[tuple[str, ...]] = set()
        for start in range(0, len(rowids), _SAMPLE_CHUNK):
            chunk = rowids[start:start + _SAMPLE_CHUNK]
            marks = ", ".join("?" * len(chunk))
            cuts.update(tuple(row) for row in db.execute(f"SELECT {keys} FROM {table} WHERE rowid IN ({marks})",
                                                          list(chunk)))
        bounds: list[tuple[str, ...] | None] = [None, *sorted(cuts), None]
        pieces += [(table, low, high) for low, high in pairwise(bounds)]
    return pieces


def _row_estimate(db: Any) -> int:
    return sum(db.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0] for t in ("nodes", "edges"))


def _descriptor(out: IO[str]) -> int | None:
    """The file descriptor under ``out`` when raw UTF-8 bytes may be written to it, else None."""
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8":
        return None
    try:
        return out.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


def write_store_ntriples(store: Any, out: IO[str], base: str | None = None, workers: int | None = None) -> int:
    """The whole store as N-Triples into ``out``; returns the number of triples written.

    ``workers`` processes render a large store (default parallel_workers(); see "taking turns"
    above) when ``out`` is a UTF-8 file or pipe; the bytes written are the same either way.
    """
    maker = maker_for(store, base)
    header = maker.header()
    fd = _descriptor(out)
    db = connect(store.path)
    try:
        count = parallel_workers() if workers is None else workers
        if fd is None or count < 2 or _row_estimate(db) < PARALLEL_MIN_ROWS:
            out.write(header)
            total = 0
            for text, triples in piece_blocks(maker, db, WHOLE):
                out.write(text)
                total += triples
            return _finish(out, maker, store, header.count("\n") + total)
        pieces = plan(db)
    finally:
        db.close()
    out.write(header)
    out.flush()
    total = _write_parallel(maker, store.path, pieces, fd, count)
    if out.seekable():
        out.seek(0, os.SEEK_END)  # the workers wrote past the position the stream last knew
    return _finish(out, maker, store, header.count("\n") + total)


def _finish(out: IO[str], maker: FastNTriples, store: Any, triples: int) -> int:
    """Write the dataset's description after ``triples`` triples; returns the file's triple count."""
    text = describe(maker, store, triples)
    out.write(text)
    return triples + text.count("\n")


def _render(maker: FastNTriples, db: Any, piece: Piece) -> tuple[bytes, int]:
    render = maker.node_rows if piece[0] == "nodes" else maker.edge_rows
    text, count = render(db.execute(*piece_query(piece)))
    return text.encode("utf-8"), count


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _worker(conn: Any, maker: FastNTriples, path: Path, pieces: list[Piece], first: int, step: int, fd: int,
            turns: list[tuple[int, int]]) -> None:
    """A forked worker: render pieces first, first+step, ...; write each in turn; send
    ("ok", triples), ("error", exception), or ("lost", None) when the worker before it ended
    without handing on the turn, or the one after it ended before taking it (that worker's own
    result says why)."""
    mine, theirs = turns[first][0], turns[(first + 1) % step][1]
    for r, w in turns:  # keep only this worker's turn and the next one's, so a dead peer is an EOF
        for end in (r, w):
            if end not in (mine, theirs):
                os.close(end)
    result: tuple[str, Any] = ("ok", 0)
    try:
        db = connect(path)
        try:
            for k in range(first, len(pieces), step):
                data, count = _render(maker, db, pieces[k])
                if not os.read(mine, 1):
                    result = ("lost", None)
                    break
                _write_all(fd, data)
                result = ("ok", result[1] + count)
                if k + 1 < len(pieces):  # the next worker is still waiting for it
                    try:
                        os.write(theirs, b"\0")
                    except BrokenPipeError:
                        result = ("lost", None)
                        break
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


def _close(pipes: list[tuple[int, int]]) -> None:
    while pipes:
        for end in pipes.pop():
            os.close(end)


def _write_parallel(maker: FastNTriples, path: Path, pieces: list[Piece], fd: int, count: int) -> int:
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # a forked child must not inherit unwritten text
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    turns: list[tuple[int, int]] = []
    workers: list[tuple[Any, Any]] = []
    try:
        turns += [os.pipe() for _ in range(count)]
        os.write(turns[0][1], b"\0")  # the first piece is worker 0's
        for first in range(count):
            receive, send = context.Pipe(duplex=False)
            gc.freeze()  # the worker's collections then leave the parent's objects (and pages) alone
            try:
                process = context.Process(target=_worker, args=(send, maker, path, pieces, first, count, fd, turns),
                                          name="cellkg-ntriples", daemon=True)
                process.start()
            except BaseException:
                receive.close()
                raise
            finally:
                gc.unfreeze()
                send.close()
            workers.append((process, receive))
        _close(turns)  # the workers hold the ends they use: a dead worker's next sees EOF
        total, lost = 0, False
        pending: dict[Any, Any] = {receive: process for process, receive in workers}
        while pending:
            ready: list[Any] = wait(list(pending))
            for receive in ready:
                process = pending.pop(receive)
                try:
                    status, value = receive.recv()
                except EOFError:
                    process.join()
                    raise ExportError(f"N-Triples worker ended without a result (exit code {process.exitcode})") \
                        from None
                if status == "error":
                    raise value
                if status == "lost":
                    lost = True
                else:
                    total += value
        if lost:  # cannot happen: a worker that ends early leaves an error or an exit code
            raise ExportError("N-Triples workers lost their turn")
        return total
    finally:
        _close(turns)
        for process, receive in workers:
            if process.is_alive():
                process.kill()
            process.join()
            process.close()
            receive.close()
