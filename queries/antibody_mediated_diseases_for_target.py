"""Which antibody-mediated diseases have cell-therapy evidence for a target?

One row per disease and product. ``patients`` counts distinct patients: every report belongs to a
cohort, several reports about the same patients share one, and a cohort that is part of a larger
one in the same row counts once, as the larger. ``reports`` is how many evidence records stand
behind the row; ``inferred_links`` how many of their cohort links a curator inferred.

Example: ``kg ask antibody-mediated-diseases-for-target -p target=BCMA``; the Cypher is ``antibody_mediated_diseases_for_target.cypher``.
"""

from kg.queries.question import ID_COLUMNS, Param, Question

QUESTION = Question(
    name="antibody-mediated-diseases-for-target",
    description="Antibody-mediated diseases with cell-therapy evidence for a target: distinct patients and reports per disease and product.",
    params=(Param("target", "Target", "target antigen: id, name or synonym", "BCMA"),),
    hidden=(*ID_COLUMNS, "sources"),  # many per row: in JSON and CSV
)
