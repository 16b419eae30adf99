"""`kg lookup`: find a node by id, name, synonym, code name or brand; show its neighbourhood.

Reads the SQLite store only (no networkx), so a cold lookup stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.core.model import Node
from kg.core.names import exact_key, terms_of
from kg.core.store import Store
from kg.errors import NotFound

# Relationships through which an Evidence node hangs off the node being looked up.
_EVIDENCE_LINKS = ("ABOUT_PRODUCT", "IN_DISEASE", "HAS_PRIOR_THERAPY", "HAS_AUTOANTIBODY", "REPORTED_IN",
                   "FROM_STUDY", "AT_SITE", "REPORTS_COHORT", "HAS_INVESTIGATOR")
EVIDENCE_COLUMNS = ("product", "disease", "level", "patients", "follow_up_months", "source", "evidence")
NEIGHBOUR_COLUMNS = ("relationship", "direction", "class", "name", "id")


@dataclass(frozen=True)
class Found:
    node: Node
    neighbours: list[dict[str, Any]]
    evidence: list[dict[str, Any]]


def lookup(store: Store, term: str) -> tuple[list[Found], list[Node]]:
    """(details of the exact matches, []) or ([], candidate nodes whose names contain the term)."""
    matches = store.find(term)
    if not matches:
        raise NotFound(f"nothing in the graph is called '{term}' (try part of a name, a code name or an id)")
    exact = [n for n in matches if exact_key(term) in {exact_key(t) for t in terms_of(n)}]
    if not exact:
        return [], matches
    return [_details(store, node) for node in exact], []


def _details(store: Store, node: Node) -> Found:
    neighbours = []
    evidence_ids: list[str] = []
    for direction, edge, other in store.neighbours(node.id):
        if other.label == "Evidence" and direction == "in" and edge.predicate in _EVIDENCE_LINKS:
            evidence_ids.append(other.id)
            continue
        neighbours.append({"relationship": edge.predicate, "direction": "->" if direction == "out" else "<-",
                           "class": other.label, "name": other.name, "id": other.id})
        if node.label == "Target" and edge.predicate == "TARGETS":
            evidence_ids.extend(e.id for d, ed, e in store.neighbours(other.id)
                                if d == "in" and ed.predicate == "ABOUT_PRODUCT")
    if node.label == "Evidence":
        evidence_ids.append(node.id)
    rows = [_evidence_row(store, eid) for eid in dict.fromkeys(evidence_ids)]
    rows.sort(key=lambda r: (str(r["disease"]), str(r["product"]), str(r["source"])))
    return Found(node, neighbours, rows)


def _evidence_row(store: Store, evidence_id: str) -> dict[str, Any]:
    evidence = store.node(evidence_id)
    links = {edge.predicate: other for direction, edge, other in store.neighbours(evidence_id) if direction == "out"}
    return {
        "product": links["ABOUT_PRODUCT"].name if "ABOUT_PRODUCT" in links else None,
        "disease": links["IN_DISEASE"].name if "IN_DISEASE" in links else None,
        "level": evidence.properties.get("level"),
        "patients": evidence.properties.get("patients"),
        "follow_up_months": evidence.properties.get("follow_up_months"),
        "source": links["REPORTED_IN"].id if "REPORTED_IN" in links else None,
        "evidence": evidence_id,
    }
