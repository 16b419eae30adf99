"""The shape of a named question, and helpers its embedded implementations share."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.core.graph import KnowledgeGraph
    from kg.core.model import Node

Row = dict[str, Any]

#: Columns that only identify (a row's Evidence node, a disease's CURIE); left out of tables.
ID_COLUMNS = ("evidence", "disease_id")


@dataclass(frozen=True)
class Param:
    name: str
    node_class: str  # the class a value must name (by id, name or synonym)
    description: str
    example: str


@dataclass(frozen=True)
class Question:
    name: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    embedded: Callable[[KnowledgeGraph, Mapping[str, str]], list[Row]]

    @property
    def table_columns(self) -> tuple[str, ...]:
        """The columns people see in a table: identifiers for machines stay in JSON and CSV."""
        return tuple(c for c in self.columns if c not in ID_COLUMNS)

    @property
    def cypher(self) -> str:
        """The Cypher text exactly as it runs on Neo4j (the file beside the module)."""
        module = self.name.replace("-", "_")
        return files("kg.queries").joinpath(f"{module}.cypher").read_text(encoding="utf-8")


# ---- helpers for embedded implementations; each mirrors a Cypher idiom the .cypher files use


def match(graph: KnowledgeGraph, label: str, term: str) -> list[Node]:
    """MATCH (n:Label) WHERE toLower(n.id|n.name|any synonym) = toLower($term)."""
    return graph.match(label, term)


def outcome_label(outcome: Node, props: Mapping[str, Any]) -> str:
    """The outcome as a table cell: 'CRS grade 1', 'CRS grade 1-2', 'no ICANS'."""
    name = str(outcome.properties.get("abbreviation", outcome.name))
    if props.get("present") is False:
        return "no " + name
    grade = props.get("grade")
    if grade is None:
        return name
    high = props.get("max_grade")
    return f"{name} grade {grade}" + (f"-{high}" if high is not None else "")


def sort_rows(rows: list[Row], keys: Sequence[str]) -> list[Row]:
    """ORDER BY keys ascending, with nulls last as in Cypher; then DISTINCT as Cypher does."""
    unique: list[Row] = []
    seen: set[str] = set()
    for row in rows:
        marker = repr(sorted(row.items()))
        if marker not in seen:
            seen.add(marker)
            unique.append(row)
    return sorted(unique, key=lambda r: [(r[k] is None, r[k] if r[k] is not None else "") for k in keys])


def evidence_in_disease_family(graph: KnowledgeGraph, term: str) -> Iterator[tuple[Node, Node, Node]]:
    """(disease, evidence, source) for evidence in the disease ``term`` names or its subtypes.

    Mirrors ``MATCH (d:Disease)-[:IS_A*0..]->(root) MATCH (e:Evidence)-[:IN_DISEASE]->(d)
    MATCH (e)-[:REPORTED_IN]->(s:Source)``.
    """
    for root in match(graph, "Disease", term):
        for disease_id in graph.descendants_or_self(root.id):
            disease = graph.node(disease_id)
            for _, evidence in graph.into(disease_id, "IN_DISEASE"):
                source = one(graph, evidence.id, "REPORTED_IN")
                if source is not None:
                    yield disease, evidence, source


def one(graph: KnowledgeGraph, node_id: str, predicate: str) -> Node | None:
    found = graph.out(node_id, predicate)
    return found[0][1] if found else None
