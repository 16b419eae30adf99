"""What `kg build` derives from the loaded records, before it checks them: never the only copy.

* every Finding gets a readable ``name`` ("CRS grade 1-2 (4/5)", "no ICANS", "MG-ADL -5.5 at 4
  months"), the caption the Neo4j Browser and the questions show;
* every Evidence record that names no cohort reports a cohort of its own (``cellkg:cohort-…``
  with the report's patient count), so that every question counts distinct patients one way;
* ``Product -[HAS_EVIDENCE_IN {evidence}]-> Disease``, a shortcut for browsing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.core.model import Edge, Node, Provenance
from kg.errors import ConflictError

DERIVED = "derived"


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def finding_name(outcome: Node | None, finding: Mapping[str, Any], treated: Any) -> str:
    """The caption of a finding, from its outcome and its own fields."""
    what = str(outcome.properties.get("abbreviation") or outcome.name) if outcome else "outcome"
    if finding.get("present") is False:
        bound = finding.get("from_grade")
        return f"no {what}" + (f" grade >={bound}" if bound is not None else "")
    text = what
    if finding.get("grade") is not None:
        text += f" grade {finding['grade']}"
        if finding.get("max_grade") is not None and finding["max_grade"] != finding["grade"]:
            text += f"-{finding['max_grade']}"
    elif finding.get("max_grade") is not None:
        text += f" grade <={finding['max_grade']}"
    if finding.get("measure") is not None:
        change = [_number(finding[k]) for k in ("baseline", "value") if finding.get(k) is not None]
        text += f" {finding['measure']}" + (f" {' -> '.join(change)}" if change else "")
    if finding.get("affected") is not None:
        denominator = finding.get("treated", treated)
        text += f" ({finding['affected']}/{denominator})" if denominator is not None else f" ({finding['affected']})"
    if finding.get("timepoint_months") is not None:
        text += f" at {_number(finding['timepoint_months'])} months"
    return text


def derive(nodes: dict[str, Node], edges: dict[tuple[str, str, str], Edge]) -> None:
    """Add the derived nodes, properties and relationships to ``nodes`` and ``edges`` in place."""
    targets: dict[tuple[str, str], list[str]] = {}
    for source, predicate, target in edges:
        targets.setdefault((source, predicate), []).append(target)

    def one(source: str, predicate: str) -> str | None:
        found = targets.get((source, predicate))
        return found[0] if found else None

    for node in list(nodes.values()):
        if node.label == "Finding" and "name" not in node.properties:
            evidence = _evidence_of(node)
            outcome_id = one(node.id, "OF_OUTCOME")
            treated = nodes[evidence].properties.get("patients") if evidence in nodes else None
            name = finding_name(nodes.get(outcome_id or ""), node.properties, treated)
            nodes[node.id] = Node(node.id, node.label, {**node.properties, "name": name}, node.provenance)
        elif node.label == "Evidence" and one(node.id, "REPORTS_COHORT") is None:
            cohort = _own_cohort(node)
            if cohort.id in nodes:
                prov = node.provenance
                raise ConflictError(f"{node.id} names no cohort, and the cohort it would get, {cohort.id}, is "
                                    "already defined: link the report to it (cohort:) or rename that cohort",
                                    file=prov.file if prov else None, line=prov.line if prov else None,
                                    record=node.id, field="cohort")
            nodes[cohort.id] = cohort
            cited = node.provenance.source if node.provenance else None
            edge = Edge(node.id, "REPORTS_COHORT", cohort.id, {}, Provenance(cited, DERIVED))
            edges[edge.key] = edge

    evidence_of: dict[tuple[str, str], list[str]] = {}
    for evidence in (n.id for n in nodes.values() if n.label == "Evidence"):
        product, disease = one(evidence, "ABOUT_PRODUCT"), one(evidence, "IN_DISEASE")
        if product and disease:
            evidence_of.setdefault((product, disease), []).append(evidence)
    for (product, disease), ids in sorted(evidence_of.items()):
        edge = Edge(product, "HAS_EVIDENCE_IN", disease, {"evidence": tuple(sorted(ids))}, Provenance(None, DERIVED))
        edges[edge.key] = edge


def _evidence_of(finding: Node) -> str:
    """A finding's id starts with its evidence record's id (kg.loaders.curated.finding_id)."""
    return finding.id.partition("--")[0]


def _own_cohort(evidence: Node) -> Node:
    slug = evidence.id.partition(":")[2].removeprefix("ev-")
    properties: dict[str, Any] = {"name": f"patients of {evidence.id}"}
    if evidence.properties.get("patients") is not None:
        properties["patients"] = evidence.properties["patients"]
    prov = evidence.provenance
    return Node(f"cellkg:cohort-{slug}", "Cohort", properties,
                Provenance(prov.source if prov else None, DERIVED, prov.file if prov else None,
                           prov.line if prov else None, evidence.id))
