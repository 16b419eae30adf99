"""Which products act on a target, and in which diseases were they tried (evidence or trials)?

Examples
--------
``kg ask products-for-target --param target=CD19``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kg.queries.question import Param, Question, Row, match, one, sort_rows

if TYPE_CHECKING:
    from kg.core.graph import KnowledgeGraph

COLUMNS = ("product", "modality", "disease", "kind", "level", "patients", "source")


def embedded(graph: KnowledgeGraph, params: Mapping[str, str]) -> list[Row]:
    rows: list[Row] = []
    for target in match(graph, "Target", params["target"]):
        for _, product in graph.into(target.id, "TARGETS"):
            modality = one(graph, product.id, "HAS_MODALITY")
            base = {"product": product.name, "modality": modality.name if modality else None}
            for _, evidence in graph.into(product.id, "ABOUT_PRODUCT"):
                source = one(graph, evidence.id, "REPORTED_IN")
                for _, disease in graph.out(evidence.id, "IN_DISEASE"):
                    if source is not None:
                        rows.append({**base, "disease": disease.name, "kind": "evidence",
                                     "level": evidence.properties.get("level"),
                                     "patients": evidence.properties.get("patients"), "source": source.id})
            for _, study in graph.into(product.id, "STUDIES_PRODUCT"):
                for _, disease in graph.out(study.id, "STUDIES_CONDITION"):
                    rows.append({**base, "disease": disease.name, "kind": "trial",
                                 "level": study.properties.get("phase"), "patients": None, "source": study.id})
    return sort_rows(rows, ("product", "disease", "kind", "source"))


QUESTION = Question(
    name="products-for-target",
    description="Products against a target, with the diseases they were tried in (evidence and registered trials).",
    params=(Param("target", "Target", "target antigen: id, name or synonym", "CD19"),),
    columns=COLUMNS,
    embedded=embedded,
)
