"""A name index over nodes: find a node of a class by id, name or synonym (case-insensitive).

Loaders that link free text to known entities (registry interventions, article mentions) use it;
it is built from the records loaded before them, or from a built store.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.core.model import Node


class NameIndex:
    def __init__(self, nodes: Iterable[Node] = ()) -> None:
        self._by_label: dict[str, dict[str, set[str]]] = {}
        self._names: dict[str, str] = {}
        for node in nodes:
            self.add(node)

    def add(self, node: Node) -> None:
        terms = self._by_label.setdefault(node.label, {})
        self._names[node.id] = node.name
        for term in (node.id, node.name, *node.properties.get("synonyms", ())):  # type: ignore[misc]
            terms.setdefault(str(term).strip().lower(), set()).add(node.id)

    def find(self, label: str, term: str) -> list[str]:
        """Ids of ``label`` nodes that ``term`` names exactly (ignoring case and outer spaces)."""
        return sorted(self._by_label.get(label, {}).get(term.strip().lower(), set()))

    def terms(self, label: str) -> dict[str, set[str]]:
        """Every lower-cased name of ``label`` nodes, mapped to the ids it names."""
        return self._by_label.get(label, {})

    def name(self, node_id: str) -> str:
        return self._names.get(node_id, node_id)
