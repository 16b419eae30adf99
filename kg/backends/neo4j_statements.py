"""Cypher for loading a graph into Neo4j, derived from the schema; pure (no driver import).

Labels and relationship types cannot be Cypher parameters, so they are written into the text,
but only ever from the ontology (checked against a strict identifier pattern); every value is a
parameter. Rows are streamed in batches so the loader's memory does not grow with the graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby, islice
from typing import Any

from kg.core.model import Edge, Node
from kg.core.schema import ROOT_CLASS, Schema

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Load bookkeeping starts with "~", which sorts after every domain property in the Browser's
# property panel (it sorts by code point), so it stays out of the way of what the data say.
BUILD_PROPERTY = "~build"
PROVENANCE_PROPERTIES = ("~source", "~loader", "~location")
#: Before 0.2 the stamp was this property; a load prunes what such a load wrote too.
LEGACY_BUILD_PROPERTY = "kg_build"
#: A short readable line per node (kg.core.captions), which the shipped Browser style shows.
CAPTION_PROPERTY = "caption"


def _safe(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"refusing to put '{name}' into Cypher: not a plain identifier")
    return name


def constraints(schema: Schema) -> list[str]:
    """One uniqueness constraint on ``id`` per class, plus a name index for lookups."""
    statements = []
    for cls in [ROOT_CLASS, *schema.node_classes]:
        label = _safe(cls)
        statements.append(f"CREATE CONSTRAINT cellkg_{label.lower()}_id IF NOT EXISTS "
                          f"FOR (n:{label}) REQUIRE n.id IS UNIQUE")
    statements.append("CREATE INDEX cellkg_entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)")
    return statements


def node_statement(schema: Schema, label: str) -> str:
    labels = ":".join(_safe(x) for x in schema.labels(label))
    return (f"UNWIND $rows AS row MERGE (n:{_safe(label)} {{id: row.id}}) "
            f"SET n = row.properties SET n:{labels}")


def edge_statement(predicate: str, source_label: str, target_label: str) -> str:
    return (f"UNWIND $rows AS row MATCH (a:{_safe(source_label)} {{id: row.source}}) "
            f"MATCH (b:{_safe(target_label)} {{id: row.target}}) "
            f"MERGE (a)-[r:{_safe(predicate)}]->(b) SET r = row.properties")


# A prune removes only what an earlier cellkg load wrote: nodes and relationships that carry a
# build stamp other than this load's, and only relationships of the ontology's types ($types), so an
# analyst's own nodes and relationships (no stamp, or a type of their own) survive every load.
_STALE = (f"({{x}}.`{BUILD_PROPERTY}` IS NOT NULL AND {{x}}.`{BUILD_PROPERTY}` <> $build "
          f"OR {{x}}.{LEGACY_BUILD_PROPERTY} IS NOT NULL)")
PRUNE_NODES = f"MATCH (n:Entity) WHERE {_STALE.format(x='n')} DETACH DELETE n"
PRUNE_EDGES = f"MATCH (:Entity)-[r]->(:Entity) WHERE type(r) IN $types AND {_STALE.format(x='r')} DELETE r"
# The same, committing as it goes (auto-commit transactions only), for loads that commit per batch.
PRUNE_NODES_IN_BATCHES = (f"MATCH (n:Entity) WHERE {_STALE.format(x='n')} "
                          "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
PRUNE_EDGES_IN_BATCHES = (f"MATCH (:Entity)-[r]->(:Entity) WHERE type(r) IN $types AND {_STALE.format(x='r')} "
                          "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS")


def _props(record: Node | Edge, build: str) -> dict[str, Any]:
    """The record's properties as Neo4j stores them: no empty lists (nothing to show), then the
    bookkeeping of this load."""
    props: dict[str, Any] = {k: list(v) if isinstance(v, tuple) else v for k, v in record.properties.items() if v != ()}
    prov = record.provenance
    if prov is not None:
        props.update(zip(PROVENANCE_PROPERTIES, (prov.source, prov.loader, prov.location or None), strict=True))
    props[BUILD_PROPERTY] = build
    return {k: v for k, v in props.items() if v is not None}


@dataclass(frozen=True)
class Batch:
    statement: str
    rows: list[dict[str, Any]]


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def node_batches(schema: Schema, nodes: Iterable[Node], build: str, size: int,
                 caption: Callable[[Node], str]) -> Iterator[Batch]:
    """Batches of one label each; ``nodes`` must arrive grouped by label."""
    for label, group in groupby(nodes, key=lambda n: n.label):
        statement = node_statement(schema, label)
        rows = ({"id": n.id, "properties": {"id": n.id, CAPTION_PROPERTY: caption(n), **_props(n, build)}}
                for n in group)
        for chunk in _chunks(rows, size):
            yield Batch(statement, chunk)


def edge_batches(edges: Iterable[tuple[Edge, str, str]], build: str, size: int) -> Iterator[Batch]:
    """``edges`` as (edge, source label, target label), grouped by those three names."""
    for (predicate, source_label, target_label), group in groupby(
            edges, key=lambda item: (item[0].predicate, item[1], item[2])):
        statement = edge_statement(predicate, source_label, target_label)
        rows = ({"source": e.source, "target": e.target, "properties": _props(e, build)} for e, _, _ in group)
        for chunk in _chunks(rows, size):
            yield Batch(statement, chunk)

RESAMPLE_INDEXES = "CALL db.resampleOutdatedIndexes()"
