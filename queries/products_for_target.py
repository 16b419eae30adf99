"""Which products act on a target, and in which diseases were they tried?

One row per product and disease it was tried in, by published evidence (distinct patients,
reports, levels) or by a registered trial (``trials``); a product tried nowhere yet has one row
without a disease.

Example: ``kg ask products-for-target -p target=CD19``; the Cypher is ``products_for_target.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="products-for-target",
    description="Products against a target and the diseases they were tried in: distinct patients, reports and registered trials.",
    params=(Param("target", "Target", "target antigen: id, name or synonym", "CD19"),),
)
