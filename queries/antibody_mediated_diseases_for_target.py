"""Which antibody-mediated diseases have evidence for cell therapies against a target?

Examples
--------
``kg ask antibody-mediated-diseases-for-target --param target=BCMA``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kg.queries.question import Param, Question, Row, match, one, sort_rows

if TYPE_CHECKING:
    from kg.core.graph import KnowledgeGraph

COLUMNS = ("disease", "disease_id", "target", "product", "level", "patients", "follow_up_months",
           "source", "evidence")


def embedded(graph: KnowledgeGraph, params: Mapping[str, str]) -> list[Row]:
    rows: list[Row] = []
    for target in match(graph, "Target", params["target"]):
        for _, product in graph.into(target.id, "TARGETS"):
            for _, evidence in graph.into(product.id, "ABOUT_PRODUCT"):
                source = one(graph, evidence.id, "REPORTED_IN")
                for _, disease in graph.out(evidence.id, "IN_DISEASE"):
                    if disease.properties.get("antibody_mediated") is not True or source is None:
                        continue
                    rows.append({
                        "disease": disease.name, "disease_id": disease.id, "target": target.name,
                        "product": product.name, "level": evidence.properties.get("level"),
                        "patients": evidence.properties.get("patients"),
                        "follow_up_months": evidence.properties.get("follow_up_months"),
                        "source": source.id, "evidence": evidence.id,
                    })
    return sort_rows(rows, ("disease", "product", "source", "evidence"))


QUESTION = Question(
    name="antibody-mediated-diseases-for-target",
    description="Antibody-mediated diseases with cell-therapy evidence for a target (e.g. BCMA).",
    params=(Param("target", "Target", "target antigen: id, name or synonym", "BCMA"),),
    columns=COLUMNS,
    embedded=embedded,
)
