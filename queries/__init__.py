"""Named questions: each a small documented module with its Cypher beside it (``<name>.cypher``).

The Cypher file is exactly what runs, on the embedded engine and on Neo4j, and what a Browser
user pastes; parity tests hold both backends to the same rows (kg.queries.question says which
Cypher both engines speak). Each question has its cases in ``cases/<name>.yaml``.
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
    "worst_grade_of_event",
    "autoantibody_responses",
    "patients_with_prior_therapy",
    "trials_for_disease",
    "trials_for_target",
    "products_by_modality",
    "multi_target_products",
    "evidence_over_time",
    "patients_by_disease_and_target",
    "outcomes_over_time",
    "grades_by_cohort",
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
