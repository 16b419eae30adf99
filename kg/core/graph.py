"""The knowledge graph in memory: a networkx MultiDiGraph plus the name index (kg.core.names).

This is what the embedded backend answers named questions from. Nodes keep their ``Node`` record
under the attribute ``record``; edges keep their ``Edge`` under ``record``, keyed by predicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import networkx as nx

from kg.core.model import Edge, Node
from kg.core.names import NameIndex
from kg.core.schema import Schema
from kg.errors import NotFound


class KnowledgeGraph:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        self._names = NameIndex()

    # ---- building
    def add_nodes(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            self._g.add_node(node.id, record=node)
            self._names.add(node)

    def add_edges(self, edges: Iterable[Edge]) -> None:
        for edge in edges:
            self._g.add_edge(edge.source, edge.target, key=edge.predicate, record=edge)

    # ---- reading
    def __len__(self) -> int:
        return int(self._g.number_of_nodes())

    @property
    def edge_count(self) -> int:
        return int(self._g.number_of_edges())

    def node(self, node_id: str) -> Node:
        try:
            record: Node = self._g.nodes[node_id]["record"]
        except KeyError:
            raise NotFound(f"no node with id {node_id}") from None
        return record

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        for node_id in self._g.nodes:
            record = self.node(node_id)
            if label is None or self.schema.is_a(record.label, label):
                yield record

    def edges(self) -> Iterator[Edge]:
        for _, _, data in self._g.edges(data=True):
            record: Edge = data["record"]
            yield record

    def out(self, node_id: str, predicate: str) -> list[tuple[Edge, Node]]:
        """Relationships of type ``predicate`` leaving ``node_id``, with the node they reach."""
        return [(data["record"], self.node(t)) for _, t, k, data in self._g.out_edges(node_id, keys=True, data=True)
                if k == predicate]

    def into(self, node_id: str, predicate: str) -> list[tuple[Edge, Node]]:
        """Relationships of type ``predicate`` arriving at ``node_id``, with the node they come from."""
        return [(data["record"], self.node(s)) for s, _, k, data in self._g.in_edges(node_id, keys=True, data=True)
                if k == predicate]

    def match(self, label: str, term: str) -> list[Node]:
        """Nodes of class ``label`` whose id, name or a synonym equals ``term``, case-insensitively."""
        ids = {i for cls in self._names.labels() if self.schema.is_a(cls, label) for i in self._names.find(cls, term)}
        return [self.node(i) for i in sorted(ids)]

    def descendants_or_self(self, node_id: str, predicate: str = "IS_A") -> set[str]:
        """``node_id`` and every node that reaches it through ``predicate`` (e.g. disease subtypes)."""
        found = {node_id}
        todo = [node_id]
        while todo:
            for _edge, child in self.into(todo.pop(), predicate):
                if child.id not in found:
                    found.add(child.id)
                    todo.append(child.id)
        return found
