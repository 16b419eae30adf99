"""What happened after a product, and when?

Every finding by disease and months after infusion (3 months, 18 months, ...), with its measure
and values, affected of treated, cohort and source.

Example: ``kg ask outcomes-over-time -p product=eque-cel``; the Cypher is ``outcomes_over_time.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="outcomes-over-time",
    description="Findings after a product over time: outcome, months after infusion, measure and values, affected/treated.",
    params=(Param("product", "Product", "product: id, name, code name or brand", "eque-cel"),),
)
