"""Named questions: each a small module with its Cypher beside it (``<name>.cypher``).

The Cypher file is exactly what runs on Neo4j and what a Browser user pastes; the module's
``embedded`` function answers the same question on the in-memory graph. Parity tests hold them
to the same rows.
"""

from __future__ import annotations

import importlib

from kg.errors import NotFound
from kg.queries.question import Param, Question

_MODULES = (
    "antibody_mediated_diseases_for_target",
    "evidence_for_disease",
    "products_for_target",
    "safety_of_product",
    "prior_therapies_in_disease",
)

__all__ = ["Param", "Question", "all_questions", "get_question"]


def all_questions() -> list[Question]:
    return [importlib.import_module(f"kg.queries.{m}").QUESTION for m in _MODULES]


def get_question(name: str) -> Question:
    for question in all_questions():
        if question.name == name:
            return question
    names = ", ".join(q.name for q in all_questions())
    raise NotFound(f"no question named '{name}' (known: {names})")
