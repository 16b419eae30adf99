"""Which products bind more than one target (dual-target CARs)?

Each product whose receptor binds two or more targets, with its modality, the diseases with
reported evidence and its registered trials.

Example: ``kg ask multi-target-products``; the Cypher is ``multi_target_products.cypher``.
"""

from kg.queries.question import Question

QUESTION = Question(
    name="multi-target-products",
    description="Dual- and multi-target products, with modality, evidence and trials.",
)
