"""Rules that span records, checked by `kg build` after the schema checks (kg.core.validate).

Each failure is a SchemaViolation naming the record's file, line and field:

* a finding says whether its outcome occurred; an explicit absence has no affected count and no
  grade (``from_grade`` bounds what was absent); grades lie within the outcome's grading scale and
  ``grade <= max_grade``; no more patients are affected than were treated;
* a report has no more patients than its cohort, a cohort no more than the cohort it is part of,
  and ``part of`` never loops;
* dates exist, years are plausible, and an is-a link joins two things of one class.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from kg.core.model import Edge, Node, Provenance
from kg.errors import SchemaViolation

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MAX_PATIENTS = 100_000  # more than any cell-therapy report; a larger count is a typo
FIRST_YEAR = 1900


def _fail(message: str, record: Node | Edge, field: str) -> SchemaViolation:
    prov: Provenance | None = record.provenance
    if prov is None:
        return SchemaViolation(message, field=field)
    return SchemaViolation(message, file=prov.file, line=prov.line, record=prov.record, field=field)


def real_date(value: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a day, month or year that exists."""
    match = _DATE.match(value)
    if match is None:
        return False
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def check_consistency(nodes: Mapping[str, Node], edges: Mapping[tuple[str, str, str], Edge]) -> None:
    out: dict[tuple[str, str], list[str]] = {}
    for source, predicate, target in edges:
        out.setdefault((source, predicate), []).append(target)
    for node in nodes.values():
        _check_values(node)
        if node.label == "Finding":
            _check_finding(node, nodes, out)
        elif node.label == "Evidence":
            for cohort in out.get((node.id, "REPORTS_COHORT"), ()):
                _not_more(node, nodes.get(cohort), "patients", f"its cohort {cohort}")
        elif node.label == "Cohort":
            for parent in out.get((node.id, "PART_OF"), ()):
                _not_more(node, nodes.get(parent), "patients", f"the cohort it is part of ({parent})")
    _check_no_cycle(nodes, out)
    for edge in edges.values():
        if edge.predicate == "REPORTS_COHORT":
            _check_shared_patients(edge, nodes)
        if edge.predicate == "IS_A" and edge.source in nodes and edge.target in nodes:
            a, b = nodes[edge.source], nodes[edge.target]
            if a.label != b.label:
                raise _fail(f"{a.id} (a {a.label}) cannot be a kind of {b.id} (a {b.label})", edge, "parents")


def _check_shared_patients(edge: Edge, nodes: Mapping[str, Node]) -> None:
    """A report from another source than the cohort's own says why its patients are the cohort's:
    the sentence that says so (``basis``), or ``inferred: true`` with a ``reason``."""
    report, cohort = nodes.get(edge.source), nodes.get(edge.target)
    if report is None or cohort is None or report.provenance is None or cohort.provenance is None:
        return
    if report.provenance.source == cohort.provenance.source or edge.properties.get("basis"):
        return
    if edge.properties.get("inferred") is True and edge.properties.get("reason"):
        return
    raise _fail(f"{report.id} ({report.provenance.source}) reports cohort {cohort.id} of another source "
                f"({cohort.provenance.source}): quote the sentence that says they share patients (basis) or mark "
                "the link inferred: true with a reason", edge, "cohort")


def _check_values(node: Node) -> None:
    props = node.properties
    for key in ("start_date", "completion_date", "date"):
        value = props.get(key)
        if isinstance(value, str) and not real_date(value):
            raise _fail(f"'{value}' is not a date that exists (YYYY, YYYY-MM or YYYY-MM-DD)", node, key)
    year = props.get("year")
    if isinstance(year, int) and not FIRST_YEAR <= year <= datetime.date.today().year + 1:
        raise _fail(f"year {year} is outside {FIRST_YEAR}-{datetime.date.today().year + 1}", node, "year")
    for key in ("patients", "enrollment", "affected", "treated"):
        value = props.get(key)
        if isinstance(value, int) and value > MAX_PATIENTS:
            raise _fail(f"{key} {value} is more than {MAX_PATIENTS:,}: a typo?", node, key)
    if props.get("antibody_mediated") is not None and props.get("mechanism_source") is None:
        raise _fail("antibody_mediated needs the mechanism_source that says so", node, "mechanism_source")


def _check_finding(node: Node, nodes: Mapping[str, Node], out: Mapping[tuple[str, str], list[str]]) -> None:
    props = node.properties
    present = props.get("present")
    if present is None:
        raise _fail("a finding must say 'present: true' or 'present: false'", node, "present")
    if present is False:
        for key in ("affected", "grade", "max_grade"):
            if props.get(key) is not None:
                raise _fail(f"an explicit absence (present: false) has no '{key}'"
                            + ("; use from_grade for 'none of grade N or above'" if "grade" in key else ""),
                            node, key)
    elif props.get("from_grade") is not None:
        raise _fail("from_grade bounds an absence: it needs present: false", node, "from_grade")
    grade, high = props.get("grade"), props.get("max_grade")
    if isinstance(grade, int) and isinstance(high, int) and grade > high:
        raise _fail(f"grade {grade} is above max_grade {high}", node, "grade")
    outcome = nodes.get(next(iter(out.get((node.id, "OF_OUTCOME"), [])), ""))
    top = outcome.properties.get("highest_grade") if outcome else None
    for key in ("grade", "max_grade", "from_grade"):
        value = props.get(key)
        if isinstance(value, int) and (value < 1 or (isinstance(top, int) and value > top)):
            scale = f" on {outcome.properties.get('grading', 'its scale')} (1-{top})" if outcome and top else ""
            raise _fail(f"{key} {value} is not a grade of {outcome.name if outcome else 'this outcome'}{scale}",
                        node, key)
    evidence = nodes.get(node.id.partition("--")[0])
    treated = props.get("treated", evidence.properties.get("patients") if evidence else None)
    affected = props.get("affected")
    if isinstance(affected, int) and isinstance(treated, int) and affected > treated:
        raise _fail(f"{affected} affected of {treated} treated", node, "affected")


def _not_more(node: Node, other: Node | None, key: str, what: str) -> None:
    mine, theirs = node.properties.get(key), other.properties.get(key) if other else None
    if isinstance(mine, int) and isinstance(theirs, int) and mine > theirs:
        raise _fail(f"{mine} {key}, more than the {theirs} of {what}", node, key)


_HIERARCHIES = {"PART_OF": "part_of", "IS_A": "parents"}


def _check_no_cycle(nodes: Mapping[str, Node], out: Mapping[tuple[str, str], list[str]]) -> None:
    """No cohort is part of itself and nothing is a kind of itself, however long the chain."""
    import networkx as nx

    for predicate, field in _HIERARCHIES.items():
        links = ((source, target) for (source, kind), targets in out.items() if kind == predicate
                 for target in targets)
        graph: nx.DiGraph[str] = nx.DiGraph(links)
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            continue
        start = min(edge[0] for edge in cycle)  # the same node named on every run
        relation = "part" if predicate == "PART_OF" else "a kind"
        raise _fail(f"{start} is {relation} of itself (through {field}: "
                    f"{' -> '.join([*[e[0] for e in cycle], cycle[0][0]])})", nodes[start], field)
