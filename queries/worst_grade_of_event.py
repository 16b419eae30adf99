"""What is the worst grade of an adverse event seen with each product in each disease?

``worst_grade`` is the highest grade of any finding where the event occurred (the top of a stated
range); ``none_from_grade`` the lowest "none of grade N or above" bound, and ``reported_absent``
how many reports say the event did not occur at all. ``findings`` lists each finding with its
affected of treated.

Example: ``kg ask worst-grade-of-event -p event=ICANS``; the Cypher is ``worst_grade_of_event.cypher``.
"""

from kg.queries.question import ID_COLUMNS, Param, Question

QUESTION = Question(
    name="worst-grade-of-event",
    description="The worst grade of an adverse event (CRS, ICANS, ...) per product and disease, with affected/treated.",
    params=(Param("event", "Outcome", "adverse event: id, name or abbreviation", "ICANS"),),
    hidden=(*ID_COLUMNS, "sources"),  # many per row: in JSON and CSV
)
