"""How many distinct patients were treated, by disease and target?

Counted by cohort, not by report: reports about the same patients count once, and a cohort
inside a larger one in the same row counts as the larger. Each row names the disease's
``family`` (its ancestor directly under the asked disease, or itself), so rows group by the
hierarchy, and the evidence ``levels`` of its reports: ``kg plot matrix`` draws these rows.

Example: ``kg ask patients-by-disease-and-target -p disease="autoimmune disease"``; the Cypher is ``patients_by_disease_and_target.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="patients-by-disease-and-target",
    description="Distinct patients treated with cell therapy by disease (family and subtypes) and target.",
    params=(Param("disease", "Disease", "disease: MONDO id, name or synonym", "autoimmune disease"),),
)
