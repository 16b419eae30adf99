"""Which products are of a given modality?

Allogeneic CAR-T, CAAR-T, CAR-NK, CAR-Treg, mRNA or in-vivo CAR-T: each product's targets,
developers, the diseases with reported evidence, and how many registered trials test it.

Example: ``kg ask products-by-modality -p modality=CAR-NK``; the Cypher is ``products_by_modality.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="products-by-modality",
    description="Products of a modality (allogeneic, CAAR-T, CAR-NK, mRNA CAR-T, ...), their targets, evidence and trials.",
    params=(Param("modality", "Modality", "modality: id or name", "CAR-NK"),),
)
