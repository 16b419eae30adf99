"""Which therapies had patients received before cell therapy in a disease?

Per therapy, disease (the family and its subtypes) and product: the therapy's class, and the
distinct patients and reports of the records that name it.

Example: ``kg ask prior-therapies-in-disease -p disease=IMNM``; the Cypher is ``prior_therapies_in_disease.cypher``.
"""

from kg.queries.question import ID_COLUMNS, Param, Question

QUESTION = Question(
    name="prior-therapies-in-disease",
    description="Therapies received before cell therapy in a disease and its subtypes, with distinct patients.",
    params=(Param("disease", "Disease", "disease: MONDO id, name or synonym", "IMNM"),),
    hidden=(*ID_COLUMNS, "sources"),  # many per row: in JSON and CSV
)
