"""The embedded default: the built store read into a networkx graph; no server needed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kg.backends.base import GraphBackend
from kg.core.graph import KnowledgeGraph
from kg.core.store import Store

if TYPE_CHECKING:
    from kg.queries.question import Question, Row


def graph_from_store(path: Path) -> KnowledgeGraph:
    with Store(path) as store:
        graph = KnowledgeGraph(store.schema())
        graph.add_nodes(store.nodes())
        graph.add_edges(store.edges())
    return graph


class MemoryBackend(GraphBackend):
    name = "memory"
    supports_cypher = False

    def __init__(self, store: Path) -> None:
        self.graph = graph_from_store(store)

    def close(self) -> None:
        """Nothing to release: the graph is plain memory."""

    def resolve(self, node_class: str, term: str) -> list[tuple[str, str]]:
        return [(n.id, n.name) for n in self.graph.match(node_class, term)]

    def ask(self, question: Question, params: Mapping[str, str]) -> list[Row]:
        rows = question.embedded(self.graph, params)
        return [{c: row.get(c) for c in question.columns} for row in rows]
