"""All evidence for a disease, including its subtypes, with targets and outcomes.

Examples
--------
``kg ask evidence-for-disease --param disease="immune-mediated necrotizing myopathy"``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kg.queries.question import Param, Question, Row, evidence_in_disease_family, outcome_label, sort_rows

if TYPE_CHECKING:
    from kg.core.graph import KnowledgeGraph

COLUMNS = ("disease", "product", "targets", "level", "patients", "follow_up_months", "outcomes",
           "source", "evidence")


def embedded(graph: KnowledgeGraph, params: Mapping[str, str]) -> list[Row]:
    rows: list[Row] = []
    for disease, evidence, source in evidence_in_disease_family(graph, params["disease"]):
        outcomes = sorted(outcome_label(o, dict(e.properties)) for e, o in graph.out(evidence.id, "REPORTED_OUTCOME"))
        for _, product in graph.out(evidence.id, "ABOUT_PRODUCT"):
            rows.append({
                "disease": disease.name, "product": product.name,
                "targets": sorted(t.name for _, t in graph.out(product.id, "TARGETS")),
                "level": evidence.properties.get("level"), "patients": evidence.properties.get("patients"),
                "follow_up_months": evidence.properties.get("follow_up_months"),
                "outcomes": outcomes, "source": source.id, "evidence": evidence.id,
            })
    return sort_rows(rows, ("disease", "product", "source", "evidence"))


QUESTION = Question(
    name="evidence-for-disease",
    description="All cell-therapy evidence for a disease and its subtypes, with targets and outcomes.",
    params=(Param("disease", "Disease", "disease: MONDO id, name or synonym", "myasthenia gravis"),),
    columns=COLUMNS,
    embedded=embedded,
)
