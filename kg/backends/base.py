"""The seam between cellkg and where a graph lives."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from kg.queries.question import Question, Row

#: Load bookkeeping that node and relationship values leave out (it is not the graph's data).
#: Properties a backend writes for itself (load stamps, provenance columns, the Browser's caption):
#: never part of a node or relationship as a question sees it.
BOOKKEEPING = frozenset({"kg_build", "prov_source", "prov_loader", "prov_location",
                         "~build", "~source", "~loader", "~location", "caption"})


def plain(value: Any) -> Any:
    """One value of a query result, the same whichever backend produced it.

    Whole numbers are ints (an engine may hand back 18.0 or Decimal('18') for 18); a node is its
    properties, a relationship its type and properties, both without load bookkeeping and nulls.
    """
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return int(number) if number.is_integer() else number
    if isinstance(value, dict):
        if "_LABEL" in value and "_ID" in value:  # an embedded engine's node or relationship
            props = {k: plain(v) for k, v in value.items()
                     if not k.startswith("_") and k not in BOOKKEEPING and v is not None and v != []}
            return {"type": value["_LABEL"], **props} if "_SRC" in value else props
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def plain_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Rows of plain values; with ``columns`` (a named question's), in that order and with list
    cells sorted, since the order of a collected list is not part of an answer."""
    if columns is None:
        return [{k: plain(v) for k, v in row.items()} for row in rows]
    result = []
    for row in rows:
        out = {}
        for column in columns:
            value = plain(row.get(column))
            if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
                value = sorted(value, key=lambda v: (isinstance(v, str), v))
            out[column] = value
        result.append(out)
    return result


class GraphBackend(ABC):
    """Answers named questions; backends that speak Cypher also run ad-hoc read queries."""

    name: str = ""
    supports_cypher: bool = False

    @abstractmethod
    def resolve(self, node_class: str, term: str) -> list[tuple[str, str]]:
        """(id, name) of the nodes of ``node_class`` that ``term`` names (id, name or synonym)."""

    @abstractmethod
    def ask(self, question: Question, params: Mapping[str, str]) -> list[Row]:
        """Rows of a named question, in the question's column order."""

    def cypher(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        raise NotImplementedError(f"the {self.name} backend does not run Cypher")

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
