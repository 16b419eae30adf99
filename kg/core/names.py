"""The one name index: which terms name a node, and how a term is matched.

Two matching modes, one index:

* ``exact`` — equal ignoring case and outer spaces, as Cypher's ``toLower(a) = toLower(b)``
  compares; the graph, `kg lookup` (the store's names table is written with :func:`exact_key`)
  and question parameters use it;
* ``loose`` — also ignoring spaces, hyphens and underscores (``CT-103A`` = ``CT103A``); registry
  records and article text use it to reach curated names written another way.

`kg extract` builds its character tries from :func:`terms_of` too, so every consumer agrees on
what a node is called.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from kg.core.model import Node

# whitespace, underscore, and the dashes (Unicode category Pd, plus the minus sign)
_IGNORED = re.compile("[" + re.escape("_-\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
                                        "\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030\u30a0\ufe31"
                                        "\ufe32\ufe58\ufe63\uff0d\U00010ead") + r"\s]+")


def terms_of(node: Node, *, with_id: bool = True) -> Iterator[str]:
    """Every term that names ``node``: its id (unless ``with_id`` is false), its name, each synonym
    and its abbreviation."""
    if with_id:
        yield node.id
    yield node.name
    synonyms = node.properties.get("synonyms", ())
    if isinstance(synonyms, tuple):
        for synonym in synonyms:
            if isinstance(synonym, str):  # anything else is a mistake validation names
                yield synonym
    abbreviation = node.properties.get("abbreviation")
    if isinstance(abbreviation, str):
        yield abbreviation


def exact_key(term: str) -> str:
    """The ``exact`` mode's key: lower case, outer spaces stripped."""
    return term.strip().lower()


@functools.lru_cache(maxsize=8192)
def loose_key(term: str) -> str:
    """The ``loose`` mode's key: case, spaces, hyphens and underscores are ignored."""
    return _IGNORED.sub("", term.casefold())


class NameIndex:
    """Nodes by class and term; ``find`` matches exactly, ``find(..., loose=True)`` loosely."""

    def __init__(self, nodes: Iterable[Node] = ()) -> None:
        self._by_label: dict[str, dict[str, set[str]]] = {}
        self._loose: dict[str, dict[str, set[str]]] = {}
        self._names: dict[str, str] = {}
        for node in nodes:
            self.add(node)

    def add(self, node: Node) -> None:
        terms = self._by_label.setdefault(node.label, {})
        self._names[node.id] = node.name
        self._loose.pop(node.label, None)  # rebuilt on the next loose look-up
        for term in terms_of(node):
            terms.setdefault(exact_key(term), set()).add(node.id)

    def labels(self) -> list[str]:
        return sorted(self._by_label)

    def find(self, label: str, term: str, *, loose: bool = False) -> list[str]:
        """Ids of ``label`` nodes that ``term`` names, in the given mode."""
        if not loose:
            return sorted(self._by_label.get(label, {}).get(exact_key(term), set()))
        index = self._loose.get(label)
        if index is None:
            index = {}
            for key, ids in self._by_label.get(label, {}).items():
                index.setdefault(loose_key(key), set()).update(ids)
            self._loose[label] = index
        return sorted(index.get(loose_key(term), set()))

    def terms(self, label: str) -> dict[str, set[str]]:
        """Every exact key of ``label`` nodes, mapped to the ids it names."""
        return self._by_label.get(label, {})

    def name(self, node_id: str) -> str:
        return self._names.get(node_id, node_id)
