"""The embedded engine: its file is derived from the store once per build, and one process can
ask many questions (a long-lived connection used to pin the engine's buffer pool full)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import store_with

from kg.backends import embedded
from kg.core.model import Node, Provenance
from kg.core.store import Store
from kg.queries import all_questions
from kg.queries.answer import resolve


def test_engine_file_is_derived_once_per_build_and_the_stale_one_removed(test_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    shutil.copy(test_store, store)
    first = embedded.derive(store)
    stamp = first.stat().st_mtime_ns
    assert embedded.derive(store) == first and first.stat().st_mtime_ns == stamp  # not written again
    with Store(store) as opened:
        assert first == embedded.engine_file(store, opened.build_id())

    rebuilt = store_with(tmp_path, test_store, [Node("cellkg:therapy-t-new", "Therapy", {"name": "new"},
                                                     Provenance(None, "curated"))], name="s.sqlite")
    second = embedded.derive(rebuilt)
    assert second != first and second.exists() and not first.exists()
    assert not list(tmp_path.glob(".cellkg-*"))


def test_many_questions_in_one_process_fit_a_small_buffer_pool(curated_store: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # 64 MB ran out after 2 questions when one connection served them all; one per query frees it.
    monkeypatch.setattr(embedded, "BUFFER_POOL", 64 << 20)
    asked = 0
    with embedded.EmbeddedBackend(curated_store) as backend:
        for _ in range(10):
            for question in all_questions():
                params = resolve(question, {p.name: p.example for p in question.params}, curated_store)
                backend.ask(question, params)
                asked += 1
    assert asked == 10 * len(all_questions())
