"""Which patients had a given prior therapy before cell therapy, across diseases?

The therapy includes its kinds (ask for CD20 monoclonal antibodies and get rituximab too).
Distinct patients and reports per disease and product.

Example: ``kg ask patients-with-prior-therapy -p therapy=rituximab``; the Cypher is ``patients_with_prior_therapy.cypher``.
"""

from kg.queries.question import ID_COLUMNS, Param, Question

QUESTION = Question(
    name="patients-with-prior-therapy",
    description="Patients who had a prior therapy (or one of its kind) before cell therapy: distinct patients per disease and product.",
    params=(Param("therapy", "Therapy", "therapy or therapy class: id, name or synonym", "rituximab"),),
    hidden=(*ID_COLUMNS, "sources"),  # many per row: in JSON and CSV
)
