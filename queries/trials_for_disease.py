"""Which registered trials study a disease or its subtypes?

Phase, status, sponsors (organisations or people), products, start date and enrolment (actual or
estimated), and how many reports cite the trial by its NCT id (``reports_stating_id``) or were
linked to it by a curator (``reports_linked_by_curator``).

Example: ``kg ask trials-for-disease -p disease=SLE``; the Cypher is ``trials_for_disease.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="trials-for-disease",
    description="Registered trials in a disease and its subtypes: phase, status, sponsor, NCT id, and reports citing them.",
    params=(Param("disease", "Disease", "disease: MONDO id, name or synonym", "SLE"),),
)
