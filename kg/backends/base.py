"""The seam between cellkg and where a graph lives."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from kg.queries.question import Question, Row


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
