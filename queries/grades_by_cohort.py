"""Which grades of an adverse event did each cohort treated with a product have, report by report?

One row per cohort of every product with findings of the event, per report about the cohort: the
report's findings of the event (a grade or a stated range with its affected of treated, or an
explicit absence, "none of grade N or above" as ``from_grade``), or a row without a finding when
the report does not mention the event. ``cohort_patients`` and ``within`` (the cohorts it is part
of) let patients be counted once per cohort, as ``kg plot safety`` does; ``reported`` is the
report's own patient count.

Example: ``kg ask grades-by-cohort -p event=CRS``; the Cypher is ``grades_by_cohort.cypher``.
"""

from kg.queries.question import ID_COLUMNS, Param, Question

QUESTION = Question(
    name="grades-by-cohort",
    description="Grades of an adverse event (CRS, ICANS, ...) per cohort and report of each product, absences too.",
    params=(Param("event", "Outcome", "adverse event: id, name or abbreviation", "CRS"),),
    hidden=(*ID_COLUMNS, "within", "product_id", "finding"),
)
