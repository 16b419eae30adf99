"""Patients by grade of an adverse event, per product, each cohort counted once.

The rows are those of the named question grades-by-cohort (one per cohort, report and finding).
A cohort's patients are counted from one report about it, the one that gives the most of them a
grade, so several reports about the same patients never add up; a cohort inside a larger one that
also reports the event counts as part of the larger, as the evidence matrix counts patients.

What the chosen report says becomes patients in categories: a grade, a range the source does not
split, ``none`` where it says the event did not occur, ``below-N`` where it says none reached grade
N. Its other patients are ``unstated``; patients of the product's cohorts whose reports never
mention the event are ``unreported``: an absence is only what a source states. A statement
without a patient count cannot be drawn as patients and is kept as a note.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NONE, UNGRADED, UNSTATED, UNREPORTED = "none", "ungraded", "unstated", "unreported"
_LAST = (UNGRADED, UNSTATED, UNREPORTED)


def grade_key(low: int, high: int | None = None) -> str:
    """'2' for one grade, '1-2' for a range the source does not split."""
    return str(low) if high is None or high == low else f"{low}-{high}"


def bounds(key: str) -> tuple[int, int]:
    """The lowest and highest grade a category allows (0: no event)."""
    if key == NONE:
        return 0, 0
    if key.startswith("below-"):
        return 0, int(key.removeprefix("below-")) - 1
    low, _, high = key.partition("-")
    return int(low), int(high or low)


def rank(key: str) -> tuple[int, int, int]:
    """Drawing order: none, below grade N, grades and ranges by their bounds, then the unknowns."""
    if key in _LAST:
        return 1 + _LAST.index(key), 0, 0
    return (0, *bounds(key))


def label(key: str) -> str:
    """The category as the legend names it."""
    fixed = {NONE: "none (stated by the source)", UNGRADED: "had it, grade not given",
             UNSTATED: "not stated by the report", UNREPORTED: "not reported (no report mentions it)"}
    if key in fixed:
        return fixed[key]
    if key.startswith("below-"):
        n = int(key.removeprefix("below-"))
        return f"grade 0\u2013{n - 1} (only 'none \u2265{n}' stated)"
    low, high = bounds(key)
    return f"grade {low}" if low == high else f"grade {low}\u2013{high} (not split)"


def short(key: str) -> str:
    """The category in a note: 'grade 1\u20132', 'none', 'none \u2265 grade 3', 'had it'."""
    if key == NONE:
        return "none"
    if key == UNGRADED:
        return "had it"
    if key.startswith("below-"):
        return f"none \u2265 grade {key.removeprefix('below-')}"
    low, high = bounds(key)
    return f"grade {low}" if low == high else f"grade {low}\u2013{high}"


@dataclass(frozen=True)
class Account:
    """What one report says of one cohort's patients."""

    evidence: str
    patients: int | None  # whom the report speaks of: its own count, else the cohort's
    counts: Mapping[str, int]
    notes: tuple[str, ...]  # categories stated without a patient count
    fits: bool  # not about more patients than the cohort has

    def score(self) -> tuple[bool, int, int, int]:
        """Which report is drawn: about the cohort, most patients with an exact grade, then most
        patients with anything stated, then most statements."""
        exact = sum(n for k, n in self.counts.items() if k not in _LAST and bounds(k)[0] == bounds(k)[1])
        stated = sum(n for k, n in self.counts.items() if k != UNSTATED)
        return self.fits, exact, stated, len(self.counts) + len(self.notes)


def account(evidence: str, findings: list[Mapping[str, Any]], reported: int | None,
            cohort_patients: int | None) -> Account:
    """The patients of one report's findings by category (findings of one event and cohort)."""
    known = [v for v in (*(f["treated"] for f in findings), reported) if v is not None]
    patients = max(known) if known else cohort_patients
    counts: dict[str, int] = defaultdict(int)
    notes: list[str] = []
    for f in (f for f in findings if f["present"]):
        key = grade_key(f["grade"], f["max_grade"]) if f["grade"] is not None else UNGRADED
        # a report of one patient that says the event occurred says that patient had it
        affected = f["affected"] if f["affected"] is not None else (1 if patients == 1 else None)
        if affected is None:
            notes.append(key)
        else:
            counts[key] += affected
    rest = None if patients is None else max(0, patients - sum(counts.values()))
    absences = [f for f in findings if f["present"] is False]
    for f in sorted(absences, key=lambda f: f["from_grade"] is not None):  # "none at all" first
        key = NONE if f["from_grade"] is None else f"below-{f['from_grade']}"
        if rest is None:
            notes.append(key)
        elif rest:
            counts[key], rest = counts[key] + rest, 0
    if rest:
        counts[UNSTATED] += rest
    fits = patients is None or cohort_patients is None or patients <= cohort_patients
    return Account(evidence, patients, dict(counts), tuple(notes), fits)


@dataclass(frozen=True)
class Bar:
    """One product's patients by category for one event."""

    counts: Mapping[str, int]
    notes: tuple[str, ...]  # categories stated without a patient count, in drawing order
    cohorts: int  # distinct cohorts counted from a report of the event

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Safety:
    events: tuple[str, ...]
    products: tuple[tuple[str, str], ...]  # (id, name), most patients first
    bars: Mapping[tuple[str, str], Bar]  # (event, product id) -> bar
    grading: tuple[str, ...]  # the grading systems of the findings counted


@dataclass
class _Cohort:
    patients: int | None = None
    within: frozenset[str] = frozenset()
    reported: dict[str, int | None] = field(default_factory=dict)  # evidence -> its patient count


def _bar(cohorts: Mapping[str, _Cohort], findings: Mapping[str, Mapping[str, list[Mapping[str, Any]]]]) -> Bar:
    """One product's bar: ``cohorts`` are all the product's, ``findings`` cohort -> evidence -> rows."""
    counts: dict[str, int] = defaultdict(int)
    notes: set[str] = set()
    told = set(findings)
    kept = sorted(c for c in told if not cohorts[c].within & told)
    size: dict[str, int] = {}
    for cid in kept:
        cohort = cohorts[cid]
        reports = [account(e, rows, cohort.reported.get(e), cohort.patients)
                   for e, rows in sorted(findings[cid].items())]
        chosen = max(reports, key=Account.score)
        for key, n in chosen.counts.items():
            counts[key] += n
        notes.update(chosen.notes)
        size[cid] = cohort.patients if cohort.patients is not None else chosen.patients or 0
        if cohort.patients is not None and chosen.patients is not None:
            counts[UNREPORTED] += max(0, cohort.patients - chosen.patients)
    for cid, cohort in sorted(cohorts.items()):
        if cid in told or cohort.within & set(cohorts):
            continue  # counted with the cohort it is part of
        own = cohort.patients if cohort.patients is not None else max(
            (n for n in cohort.reported.values() if n is not None), default=0)
        counts[UNREPORTED] += max(0, own - sum(size[k] for k in kept if cid in cohorts[k].within))
    return Bar({k: n for k, n in sorted(counts.items(), key=lambda kv: rank(kv[0])) if n},
               tuple(sorted(notes, key=rank)), len(kept))


def safety(answers: Mapping[str, Iterable[Mapping[str, Any]]]) -> Safety:
    """Bars per event and product from each event's rows of grades-by-cohort (event -> rows)."""
    cohorts: dict[str, dict[str, _Cohort]] = defaultdict(dict)  # product -> cohort -> facts
    names: dict[str, str] = {}
    findings: dict[str, dict[str, dict[str, dict[str, list[Mapping[str, Any]]]]]] = {}
    grading: set[str] = set()
    for event, rows in answers.items():
        found = findings.setdefault(event, defaultdict(lambda: defaultdict(lambda: defaultdict(list))))
        for row in rows:
            product, cid = row["product_id"], row["cohort"]
            names[product] = row["product"]
            cohort = cohorts[product].setdefault(cid, _Cohort(row["cohort_patients"], frozenset(row["within"])))
            cohort.reported[row["evidence"]] = row["reported"]
            if row["finding"] is not None:
                found[product][cid][row["evidence"]].append(row)
                if row["grading"]:
                    grading.add(row["grading"])
    bars = {(event, product): _bar(cohorts[product], findings[event].get(product, {}))
            for event in answers for product in names}
    weight = {p: max(bars[(e, p)].total for e in answers) for p in names}
    products = tuple(sorted(names.items(), key=lambda item: (-weight[item[0]], item[1].lower())))
    return Safety(tuple(answers), products, bars, tuple(sorted(grading)))
