"""All cell-therapy evidence for a disease and its subtypes, one row per report.

Subtypes come through is-a (lupus nephritis is a kind of SLE). Each row names the report's cohort
with its distinct patients and the number of reports about it, so two reports on the same
patients show as such; ``findings`` are captions ("CRS grade 1 (1/1)", "no ICANS");
``cohort_inferred`` and ``study_inferred`` say whether a curator inferred those links.

Example: ``kg ask evidence-for-disease -p disease=SLE``; the Cypher is ``evidence_for_disease.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="evidence-for-disease",
    description="All cell-therapy evidence for a disease and its subtypes, with cohort, findings and trial.",
    params=(Param("disease", "Disease", "disease: MONDO id, name or synonym", "myasthenia gravis"),),
)
