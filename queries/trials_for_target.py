"""Which registered trials test products against a target?

Phase, status, sponsors, conditions and products of each trial, and how many reports cite it
by its NCT id or were linked to it by a curator.

Example: ``kg ask trials-for-target -p target=BCMA``; the Cypher is ``trials_for_target.cypher``.
"""

from kg.queries.question import Param, Question

QUESTION = Question(
    name="trials-for-target",
    description="Registered trials of products against a target: phase, status, sponsor, NCT id, and reports citing them.",
    params=(Param("target", "Target", "target antigen: id, name or synonym", "BCMA"),),
)
