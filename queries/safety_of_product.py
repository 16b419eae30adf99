"""What safety outcomes were reported for a product, disease by disease?

Examples
--------
``kg ask safety-of-product --param product=Fucaso``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kg.queries.question import Param, Question, Row, match, one, sort_rows

if TYPE_CHECKING:
    from kg.core.graph import KnowledgeGraph

COLUMNS = ("product", "disease", "event", "present", "grade", "max_grade", "affected", "treated", "level",
           "source", "evidence")


def embedded(graph: KnowledgeGraph, params: Mapping[str, str]) -> list[Row]:
    rows: list[Row] = []
    for product in match(graph, "Product", params["product"]):
        for _, evidence in graph.into(product.id, "ABOUT_PRODUCT"):
            source = one(graph, evidence.id, "REPORTED_IN")
            if source is None:
                continue
            for edge, outcome in graph.out(evidence.id, "REPORTED_OUTCOME"):
                if not graph.schema.is_a(outcome.label, "AdverseEvent"):
                    continue
                for _, disease in graph.out(evidence.id, "IN_DISEASE"):
                    rows.append({
                        "product": product.name, "disease": disease.name,
                        "event": outcome.properties.get("abbreviation", outcome.name),
                        "present": edge.properties.get("present"), "grade": edge.properties.get("grade"),
                        "max_grade": edge.properties.get("max_grade"),
                        "affected": edge.properties.get("patients"),
                        "treated": evidence.properties.get("patients"), "level": evidence.properties.get("level"),
                        "source": source.id, "evidence": evidence.id,
                    })
    return sort_rows(rows, ("disease", "event", "source", "evidence"))


QUESTION = Question(
    name="safety-of-product",
    description="Safety outcomes of a product across diseases (CRS/ICANS with ASTCT grade, explicit absences).",
    params=(Param("product", "Product", "product: id, name, code name or brand", "CT103A"),),
    columns=COLUMNS,
    embedded=embedded,
)
