"""`kg load`: the built store into Neo4j, with a progress bar on the terminal."""

from __future__ import annotations

import sys
from pathlib import Path

from kg.backends import open_backend
from kg.core.store import Store


def load_into_neo4j(store: Path, uri: str | None, user: str | None, database: str | None,
                    batch_size: int, atomic: bool = True) -> tuple[int, int, str]:
    with Store(store) as db:
        counts = db.counts()
    total_nodes = sum(counts["nodes"].values())
    total_edges = sum(counts["relationships"].values())
    with open_backend("neo4j", uri=uri, user=user, database=database) as backend:
        from rich.progress import Progress

        with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
            tasks = {"nodes": bar.add_task("nodes", total=total_nodes),
                     "relationships": bar.add_task("relationships", total=total_edges)}

            def advance(kind: str, n: int) -> None:
                bar.advance(tasks[kind], n)

            nodes, edges = backend.load(store, batch_size=batch_size, atomic=atomic, progress=advance)  # type: ignore[attr-defined]
        return nodes, edges, backend.uri  # type: ignore[attr-defined]
