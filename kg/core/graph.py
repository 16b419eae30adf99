"""The knowledge graph in memory: a networkx MultiDiGraph plus an index of names.

This is what the embedded backend answers named questions from. Nodes keep their ``Node`` record
under the attribute ``record``; edges keep their ``Edge`` under ``record``, keyed by predicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import networkx as nx

from kg.core.model import Edge, Node
from kg.core.schema import Schema
from kg.errors import NotFound


class KnowledgeGraph:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._g = nx.MultiDiGraph()
        self._names: dict[str, set[str]] = {}

    # ---- building
    def add_nodes(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            self._g.add_node(node.id, record=node)
            for term in (node.id, node.name, *node.properties.get("synonyms", ())):  # type: ignore[misc]
                self._names.setdefault(str(term).lower(), set()).add(node.id)

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
            return self._g.nodes[node_id]["record"]  # type: ignore[no-any-return]
        except KeyError:
            raise NotFound(f"no node with id {node_id}") from None

    def nodes(self, label: str | None = None) -> Iterator[Node]:
        for _, record in self._g.nodes(data="record"):
            if label is None or self.schema.is_a(record.label, label):
                yield record

    def edges(self) -> Iterator[Edge]:
        for _, _, record in self._g.edges(data="record"):
            yield record

    def out(self, node_id: str, predicate: str) -> list[tuple[Edge, Node]]:
        """Relationships of type ``predicate`` leaving ``node_id``, with the node they reach."""
        return [(rec, self.node(t)) for _, t, k, rec in self._g.out_edges(node_id, keys=True, data="record")
                if k == predicate]

    def into(self, node_id: str, predicate: str) -> list[tuple[Edge, Node]]:
        """Relationships of type ``predicate`` arriving at ``node_id``, with the node they come from."""
        return [(rec, self.node(s)) for s, _, k, rec in self._g.in_edges(node_id, keys=True, data="record")
                if k == predicate]

    def match(self, label: str, term: str) -> list[Node]:
        """Nodes of class ``label`` whose id, name or a synonym equals ``term``, case-insensitively."""
        ids = self._names.get(term.lower(), set())
        return sorted((n for n in map(self.node, ids) if self.schema.is_a(n.label, label)), key=lambda n: n.id)

    def descendants_or_self(self, node_id: str, predicate: str = "IS_A") -> set[str]:
        """``node_id`` and every node that reaches it through ``predicate`` (e.g. disease subtypes)."""
        found = {node_id}
        todo = [node_id]
        while todo:
            for edge, child in self.into(todo.pop(), predicate):
                if child.id not in found:
                    found.add(child.id)
                    todo.append(child.id)
        return found
