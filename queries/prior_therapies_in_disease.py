"""Which therapies had patients received before cell therapy in a disease (and its subtypes)?

Examples
--------
``kg ask prior-therapies-in-disease --param disease=IMNM``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kg.queries.question import Param, Question, Row, evidence_in_disease_family, sort_rows

if TYPE_CHECKING:
    from kg.core.graph import KnowledgeGraph

COLUMNS = ("therapy", "therapy_class", "disease", "product", "level", "patients", "source", "evidence")


def embedded(graph: KnowledgeGraph, params: Mapping[str, str]) -> list[Row]:
    rows: list[Row] = []
    for disease, evidence, source in evidence_in_disease_family(graph, params["disease"]):
        for _, therapy in graph.out(evidence.id, "HAS_PRIOR_THERAPY"):
            classes = sorted(c.name for _, c in graph.out(therapy.id, "IS_A"))
            for _, product in graph.out(evidence.id, "ABOUT_PRODUCT"):
                rows.append({
                    "therapy": therapy.name, "therapy_class": classes, "disease": disease.name,
                    "product": product.name, "level": evidence.properties.get("level"),
                    "patients": evidence.properties.get("patients"), "source": source.id,
                    "evidence": evidence.id,
                })
    return sort_rows(rows, ("therapy", "disease", "product", "source", "evidence"))


QUESTION = Question(
    name="prior-therapies-in-disease",
    description="Therapies received before cell therapy in a disease and its subtypes.",
    params=(Param("disease", "Disease", "disease: MONDO id, name or synonym", "IMNM"),),
    columns=COLUMNS,
    embedded=embedded,
)
