"""The streaming N-Triples writer: its fast path equals the reference path byte for byte, and
several processes taking turns write the same bytes, to a file or a pipe, or fail cleanly."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import store_with
from rdflib import Graph, Literal

from kg.core.model import Edge, Node, Provenance
from kg.core.store import Store
from kg.core.synthetic import replicate
from kg.errors import ExportError
from kg.export import ntriples_write
from kg.export.ntriples_rows import connect, piece_query
from kg.export.rdf import (
    export_rdf,
    nt_literal,
    reference_ntriples,
    store_ntriples,
    write_ntriples,
    write_store_ntriples,
)

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no 'fork' start method")


def _reference(store_path: Path) -> bytes:
    with Store(store_path) as store:
        return "".join(reference_ntriples(store)).encode()


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory, test_store: Path) -> Path:
    """40 copies of the test graph (kg.core.synthetic keeps every id exportable)."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.sqlite"
    replicate(test_store, path, 40)
    return path


@pytest.fixture()
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small stores written by several processes, in small pieces (so that turns really pass)."""
    monkeypatch.setattr(ntriples_write, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(ntriples_write, "PIECE_ROWS", 97)


# ---------------------------------------------------------------- one process


def test_ntriples_stream_equals_rdflib_parse_of_itself(test_store: Path) -> None:
    buffer = io.StringIO()
    with Store(test_store) as store:
        blocks = store_ntriples(store)
        assert iter(blocks) is blocks  # a generator: nothing is materialised up front
        count = write_ntriples(blocks, buffer, chunk=3)
    text = buffer.getvalue()
    assert count == len(text.splitlines()) == len(Graph().parse(data=text, format="nt"))
    assert all(line.endswith(" .") for line in text.splitlines())


def test_fast_ntriples_path_writes_the_reference_bytes(test_store: Path, tmp_path: Path) -> None:
    """store_ntriples renders rows with the common cases inlined; reference_ntriples is the plain
    node() / edge() path. They must agree byte for byte, on awkward records too (escapes, lists,
    an http source, no provenance, provenance with a quote, a second loader, an integer orjson
    refuses), at any batch size."""
    awkward = [
        Node("cellkg:therapy-awkward", "Therapy", {"name": 'say "hi"\nthere \\ é 中文 🧬', "synonyms": ["a\tb", "c"]},
             Provenance("https://example.org/paper?id=1", "curated", file="curated/x.yaml", line=7)),
        Node("cellkg:therapy-bare", "Therapy", {"name": "bare"}, None),
        Node("cellkg:therapy-quoted", "Therapy", {"name": "q"},
             Provenance("pubmed:36528024", "other-loader", file='dir/with "quote".yaml', line=1)),
        Node("cellkg:therapy-ctl", "Therapy", {"name": "ctl"},
             Provenance(None, "curated", file="tab\tin\x7fpath.yaml")),
        Node("cellkg:therapy-nolocation", "Therapy", {"name": "no location"}, Provenance("pubmed:36528024", "curated")),
        Node("cellkg:therapy-noloader", "Therapy", {"name": "no loader"}, Provenance("pubmed:36528024", "")),
        Node("cellkg:ev-huge", "Evidence", {"level": "case-report", "patients": 2**70}, Provenance(None, "curated")),
        Edge("cellkg:therapy-awkward", "IS_A", "cellkg:therapy-bare", {}, None),
        Edge("cellkg:therapy-quoted", "IS_A", "cellkg:therapy-bare", {},
             Provenance("https://example.org/a", "curated", file="f.yaml", line=2)),
    ]
    path = store_with(tmp_path, test_store, awkward)
    reference = _reference(path).decode()
    with Store(path) as store:
        for batch in (1, 3, 1024):
            assert "".join(store_ntriples(store, batch=batch)) == reference
        buffer = io.StringIO()
        count = write_store_ntriples(store, buffer)
    assert buffer.getvalue() == reference
    assert count == reference.count("\n") == len(Graph().parse(data=reference, format="nt"))
    assert 'say \\"hi\\"\\nthere' in reference and "tab\\tin\\u007Fpath.yaml" in reference
    assert f'"{2**70}"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in reference
    with Store(test_store) as store:
        assert "".join(store_ntriples(store)) == _reference(test_store).decode()


@pytest.mark.parametrize("text", [
    'plain', 'quote " inside', "back\\slash", "new\nline", "tab\there", "cr\rlf", "bell\x07 and \x7f del",
    "nul \x00 byte", "unicode: é 中文 🧬", "form\x0cfeed\x08back", "",
])
def test_ntriples_literal_escaping_round_trips(text: str) -> None:
    line = f"<https://example.org/s> <https://example.org/p> {nt_literal(text)} .\n"
    assert "\n" not in line[:-1] and "\r" not in line
    parsed = Graph().parse(data=line, format="nt")
    assert list(parsed.objects()) == [Literal(text)]
    typed = f"<https://example.org/s> <https://example.org/p> {nt_literal(text, 'http://www.w3.org/2001/XMLSchema#string')} .\n"
    assert str(next(Graph().parse(data=typed, format="nt").objects())) == text


# ---------------------------------------------------------------- the plan


def _rows_of(path: Path, pieces: list[Any]) -> list[tuple[Any, ...]]:
    db = connect(path)
    try:
        return [(piece[0], *row) for piece in pieces for row in db.execute(*piece_query(piece))]
    finally:
        db.close()


def test_plan_covers_every_row_once_in_order(synthetic_store: Path, tmp_path: Path) -> None:
    """The pieces hold every row once, in key order, also in a store whose rowids are not in key
    order (the cuts are then uneven, never wrong)."""
    shuffled = tmp_path / "shuffled.sqlite"
    with sqlite3.connect(shuffled) as out, sqlite3.connect(synthetic_store) as source:
        for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"):
            out.execute(sql)
        for table in ("meta", "nodes", "edges"):
            rows = source.execute(f"SELECT * FROM {table} ORDER BY rowid DESC").fetchall()
            out.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    whole = _rows_of(synthetic_store, [("nodes", None, None), ("edges", None, None)])
    for path in (synthetic_store, shuffled):
        db = connect(path)
        try:
            pieces = ntriples_write.plan(db, 97)
        finally:
            db.close()
        assert len(pieces) > 10
        assert _rows_of(path, pieces) == whole
    assert _reference(shuffled) == _reference(synthetic_store)


# ---------------------------------------------------------------- several processes


@needs_fork
@pytest.mark.usefixtures("parallel")
def test_parallel_ntriples_writes_the_reference_bytes(test_store: Path, synthetic_store: Path, tmp_path: Path) -> None:
    """Rendered by 2, 3 or 5 processes taking turns, the file is the single-process writer's,
    byte for byte; the stream's position is its end afterwards; nothing is left behind."""
    for store_path in (test_store, synthetic_store):
        expected = _reference(store_path)
        for workers in (1, 2, 3, 5):
            out = tmp_path / f"graph-{workers}.nt"
            with Store(store_path) as store, out.open("w", encoding="utf-8", newline="\n") as handle:
                count = write_store_ntriples(store, handle, workers=workers)
                assert handle.tell() == len(expected)
                handle.write("# end\n")
            assert out.read_bytes() == expected + b"# end\n"
            assert count == expected.count(b"\n")
        out = tmp_path / "exported.nt"
        assert export_rdf(store_path, out, "ntriples") == count
        assert out.read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@needs_fork
def test_parallel_ntriples_to_a_pipe(synthetic_store: Path) -> None:
    """`kg export rdf -f ntriples -o -` into a pipe: the workers write in turn, in order."""
    code = ("import sys; from kg.export import ntriples_write as w; w.PARALLEL_MIN_ROWS = 0; w.PIECE_ROWS = 97; "
            "w.parallel_workers = lambda: 3; run = w._write_parallel; "
            "w._write_parallel = lambda *a: print('parallel', file=sys.stderr) or run(*a); "
            "from kg.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code, "export", "rdf", "-f", "ntriples", "-o", "-",
                           "--store", str(synthetic_store)], capture_output=True, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b"parallel\n"
    assert proc.stdout == _reference(synthetic_store)


def test_parallel_ntriples_is_chosen_only_when_it_pays(test_store: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Small stores, in-memory buffers and one worker are written by one process."""
    started: list[int] = []
    monkeypatch.setattr(ntriples_write, "_write_parallel", lambda *args: started.append(args[-1]) or 0)
    export_rdf(test_store, tmp_path / "small.nt", "ntriples")  # below PARALLEL_MIN_ROWS
    monkeypatch.setattr(ntriples_write, "PARALLEL_MIN_ROWS", 0)
    with Store(test_store) as store:
        assert write_store_ntriples(store, io.StringIO(), workers=2) > 0  # no file descriptor
        with (tmp_path / "one.nt").open("w", encoding="utf-8") as handle:
            assert write_store_ntriples(store, handle, workers=1) > 0
        with (tmp_path / "latin.nt").open("w", encoding="latin-1") as handle:
            assert write_store_ntriples(store, handle, workers=2) > 0  # not UTF-8
    assert started == []
    monkeypatch.setattr(ntriples_write, "parallel_workers", lambda: 2)
    export_rdf(test_store, tmp_path / "large.nt", "ntriples")
    assert started == [2]


def _bad_store(tmp_path: Path, test_store: Path, first: bool) -> Path:
    """A store whose one unexportable record is in its first piece (a node) or its last (an edge)."""
    if first:
        return store_with(tmp_path, test_store, [Node("MONDO:0000000", "Therapy", {"bogus": 1}, None)])
    return store_with(tmp_path, test_store, [Edge("pubmed:99999999", "TARGETS", "cellkg:target-t-cd19", {"bogus": 1},
                                                   Provenance(None, "curated"))])


@needs_fork
@pytest.mark.usefixtures("parallel")
@pytest.mark.parametrize("first", [True, False], ids=["first-piece", "last-piece"])
def test_parallel_failure_in_a_worker_keeps_the_old_file(test_store: Path, tmp_path: Path, first: bool,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A record that cannot be exported raises its named ExportError in the parent, whether the
    failing worker holds the turn others wait for (first piece) or not (last piece); the old file
    stays and no temporary file remains."""
    monkeypatch.setattr(ntriples_write, "parallel_workers", lambda: 3)
    monkeypatch.setattr(ntriples_write, "PIECE_ROWS", 7)  # the test graph is a few dozen rows a table
    out = tmp_path / "graph.nt"
    out.write_text("old\n")
    path = _bad_store(tmp_path, test_store, first)
    db = connect(path)
    try:
        pieces = ntriples_write.plan(db)
    finally:
        db.close()
    bad = ("MONDO:0000000",) if first else ("pubmed:99999999", "TARGETS", "cellkg:target-t-cd19")
    holder = pieces[0] if first else pieces[-1]
    assert len(pieces) > 3 and holder[0] == ("nodes" if first else "edges")
    assert (holder[1] is None or holder[1] <= bad) and (holder[2] is None or bad < holder[2])
    with pytest.raises(ExportError, match="property 'bogus'"):
        export_rdf(path, out, "ntriples")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@needs_fork
@pytest.mark.usefixtures("parallel")
def test_parallel_worker_killed_midway_is_an_error(test_store: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies (SIGKILL, as the OOM killer would) is reported in one line; its peers,
    waiting for a turn that never comes, are stopped; the old file stays."""
    render = ntriples_write._render
    parent = os.getpid()

    def dying(maker: Any, db: Any, piece: Any) -> Any:
        if os.getpid() != parent and piece[0] == "edges":
            os.kill(os.getpid(), signal.SIGKILL)
        return render(maker, db, piece)

    monkeypatch.setattr(ntriples_write, "_render", dying)
    monkeypatch.setattr(ntriples_write, "parallel_workers", lambda: 2)
    out = tmp_path / "graph.nt"
    out.write_text("old\n")
    with pytest.raises(ExportError, match=r"worker ended without a result \(exit code -9\)"):
        export_rdf(test_store, out, "ntriples")
    assert out.read_text() == "old\n"
    assert multiprocessing.active_children() == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
