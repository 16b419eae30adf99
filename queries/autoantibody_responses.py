"""Which autoantibodies declined or cleared after which products, and when?

Findings of autoantibody decline or clearance in a disease family, with the patients'
autoantibodies, the measure and its values, and months after infusion.

Example: ``kg ask autoantibody-responses -p disease="autoimmune disease"``; the Cypher is ``autoantibody_responses.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="autoantibody-responses",
    description="Autoantibodies that declined or cleared after cell therapy in a disease and its subtypes, and when.",
    params=(Param("disease", "Disease", "disease: MONDO id, name or synonym", "autoimmune disease"),),
)
