"""What safety findings were reported for a product, disease by disease?

One row per safety finding: present with its grade (a stated range as grade and max_grade) and
affected of treated, or explicitly absent; "none of grade 3 or above" is an absence with
``from_grade`` 3, an upper bound rather than an unknown. The grading system is the finding's,
or the event's usual one.

Example: ``kg ask safety-of-product -p product=Fucaso``; the Cypher is ``safety_of_product.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="safety-of-product",
    description="Safety findings of a product across diseases: grade, affected of treated, explicit absences.",
    params=(Param("product", "Product", "product: id, name, code name or brand", "CT103A"),),
)
