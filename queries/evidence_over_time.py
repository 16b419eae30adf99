"""What did the evidence for a disease look like over time?

Reports per year of publication and per level (case report, phase 1, ...) in a disease family,
with how many products they cover.

Example: ``kg ask evidence-over-time -p disease="autoimmune disease"``; the Cypher is ``evidence_over_time.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="evidence-over-time",
    description="Reports per year and evidence level in a disease and its subtypes.",
    params=(Param("disease", "Disease", "disease: MONDO id, name or synonym", "autoimmune disease"),),
)
