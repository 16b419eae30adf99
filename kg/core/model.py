"""The core model: immutable Node, Edge and Provenance. No other module defines graph records.

Property values are JSON-like scalars or tuples of scalars; ``freeze`` makes them so, which keeps
records hashable-free but truly read-only (a mapping proxy over a private copy).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

Scalar = str | int | float | bool
Value = Scalar | tuple[Scalar, ...]


def freeze(properties: Mapping[str, Any] | None) -> Mapping[str, Value]:
    """A read-only copy with lists turned into tuples and None values dropped."""
    frozen: dict[str, Value] = {}
    for key, value in sorted((properties or {}).items()):
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = tuple(value)
        frozen[key] = value
    return MappingProxyType(frozen)


def _own_properties(record: Node | Edge) -> None:
    """At construction, keep a private read-only copy, so no caller's dict can change a record."""
    object.__setattr__(record, "properties", freeze(record.properties))


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: the cited source, the loader, and the place in the input."""

    source: str | None
    loader: str
    file: str | None = None
    line: int | None = None
    record: str | None = None
    field: str | None = None

    @property
    def location(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def place(self) -> str:
        """Where the record is, in terms that survive edits elsewhere in its file: the file, the
        record's id and the field (``curated/neurology.yaml#cellkg:ev-x/outcomes``). This is what
        the store keeps (and the exports and Neo4j show); the line (location) is for messages."""
        if self.file is None or self.record is None:
            return self.location
        return f"{self.file}#{self.record}/{self.field}" if self.field else f"{self.file}#{self.record}"


@dataclass(frozen=True)
class Node:
    """An entity: ``id`` is a CURIE, ``label`` an ontology class name (Product, Disease, ...)."""

    id: str
    label: str
    properties: Mapping[str, Value] = field(default_factory=lambda: freeze(None))
    provenance: Provenance | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _own_properties(self)

    @property
    def name(self) -> str:
        return str(self.properties.get("name", self.id))


@dataclass(frozen=True)
class Edge:
    """A relationship: ``predicate`` is the Neo4j-style type (TARGETS, IN_DISEASE, ...)."""

    source: str
    predicate: str
    target: str
    properties: Mapping[str, Value] = field(default_factory=lambda: freeze(None))
    provenance: Provenance | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _own_properties(self)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.predicate, self.target)


Record = Node | Edge


def split(records: Iterable[Record]) -> tuple[list[Node], list[Edge]]:
    nodes: list[Node] = []
    edges: list[Edge] = []
    for record in records:
        if isinstance(record, Node):
            nodes.append(record)
        else:
            edges.append(record)
    return nodes, edges
