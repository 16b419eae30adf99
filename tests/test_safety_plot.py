"""`kg plot safety`: patients by CRS and ICANS grade, each cohort once, as the graph's findings say."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from conftest import run_kg
from PIL import Image

from kg.core.store import Store
from kg.views.grades import NONE, UNREPORTED, UNSTATED, safety

SEGMENT = re.compile(r"(CRS|ICANS) (\S+) (\S+) (\d+)")  # a bar segment's SVG id: event, product, category, count


def _drawn(svg: Path) -> dict[tuple[str, str, str], int]:
    found = {}
    for element in ET.parse(svg).getroot().iter():
        if (match := SEGMENT.fullmatch(element.get("id", ""))) is not None:
            found[match.group(1), match.group(2), match.group(3)] = int(match.group(4))
    return found


def _graph(store: Path) -> tuple[dict[str, Any], dict[str, set[tuple[str, str]]]]:
    """Nodes by id, and each node's outgoing (predicate, target) pairs: the store read directly."""
    with Store(store) as db:
        nodes = {n.id: n for n in db.nodes()}
        out: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for edge in db.edges():
            out[edge.source].add((edge.predicate, edge.target))
    return nodes, out


def _linked(out: dict[str, set[tuple[str, str]]], source: str, predicate: str) -> set[str]:
    return {t for p, t in out[source] if p == predicate}


def test_each_cohort_counts_once_and_every_stated_grade_is_drawn(test_store: Path, tmp_path: Path) -> None:
    svg = tmp_path / "safety.svg"
    result = run_kg("plot", "safety", "-o", str(svg), "--store", str(test_store))
    assert result.returncode == 0, result.stderr
    drawn = _drawn(svg)
    nodes, out = _graph(test_store)
    events = {n.properties["abbreviation"]: i for i, n in nodes.items()
              if n.properties.get("abbreviation") in ("CRS", "ICANS")}  # AdverseEvent nodes
    evidence = [i for i, n in nodes.items() if n.label == "Evidence"]
    findings = {e: [f for f in _linked(out, e, "HAS_FINDING") if _linked(out, f, "OF_OUTCOME") & set(events.values())]
                for e in evidence}
    products = {p for e in evidence if findings[e] for p in _linked(out, e, "ABOUT_PRODUCT")}
    assert products and {p for _, p, _ in drawn} == products
    for product in products:
        reports = [e for e in evidence if product in _linked(out, e, "ABOUT_PRODUCT")]
        cohorts = {c for e in reports for c in _linked(out, e, "REPORTS_COHORT")}

        def inside(c: str, seen: frozenset[str] = frozenset()) -> set[str]:
            bigger = _linked(out, c, "PART_OF") - seen
            return bigger | {b for x in bigger for b in inside(x, seen | bigger)}

        patients = sum(nodes[c].properties["patients"] for c in cohorts if not inside(c) & cohorts)
        for event, outcome in events.items():
            assert sum(n for (e, p, _), n in drawn.items() if (e, p) == (event, product)) == patients, (event, product)
            for cohort in cohorts:
                about = [e for e in reports if cohort in _linked(out, e, "REPORTS_COHORT")
                         and any(outcome in _linked(out, f, "OF_OUTCOME") for f in findings[e])]
                if len(about) != 1:
                    continue  # several reports of one cohort: checked below
                for f in (nodes[f].properties for f in findings[about[0]] if outcome in _linked(out, f, "OF_OUTCOME")):
                    if f["present"] and f.get("affected") and f.get("grade"):
                        key = "-".join(str(g) for g in sorted({f["grade"], f.get("max_grade") or f["grade"]}))
                        assert drawn.get((event, product, key), 0) >= f["affected"], (event, product, key)


def test_a_patient_reported_twice_is_drawn_once_with_the_exact_grade(test_store: Path, tmp_path: Path) -> None:
    """The test graph's myopathy patient: a case report (CRS grade 1) and a press release (no CRS >= 3)."""
    nodes, out = _graph(test_store)
    (product,) = [i for i, n in nodes.items() if n.label == "Product" and "TA-101" in n.properties.get("synonyms", ())]
    reports = [i for i, n in nodes.items() if n.label == "Evidence" and product in _linked(out, i, "ABOUT_PRODUCT")]
    cohorts = {c for e in reports for c in _linked(out, e, "REPORTS_COHORT")}
    assert len(reports) > 1 and len(cohorts) == 1, "the test graph reports one patient twice"
    (crs,) = [i for i, n in nodes.items() if n.properties.get("abbreviation") == "CRS"]
    graded = [nodes[f].properties for e in reports for f in _linked(out, e, "HAS_FINDING")
              if crs in _linked(out, f, "OF_OUTCOME") and nodes[f].properties.get("grade") is not None]
    assert len(graded) == 1, "one report gives the grade, the other only a bound"
    svg = tmp_path / "one.svg"
    assert run_kg("plot", "safety", "--product", "TA-101", "-o", str(svg), "--store", str(test_store)).returncode == 0
    drawn = _drawn(svg)
    assert {p for _, p, _ in drawn} == {product}
    (patients,) = (nodes[c].properties["patients"] for c in cohorts)
    assert sum(n for (e, _, _), n in drawn.items() if e == "CRS") == patients
    assert drawn[("CRS", product, str(graded[0]["grade"]))] == graded[0]["affected"]


def test_the_same_store_draws_the_same_svg_and_a_png_of_the_figure_size(test_store: Path, tmp_path: Path) -> None:
    for name in ("a.svg", "b.svg", "s.png"):
        result = run_kg("plot", "safety", "-o", str(tmp_path / name), "--store", str(test_store))
        assert result.returncode == 0 and result.stderr.count("\n") == 1, result.stderr
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    root = ET.parse(tmp_path / "a.svg").getroot()
    width, height = (float(root.get(side, "").removesuffix("pt")) for side in ("width", "height"))
    with Image.open(tmp_path / "s.png") as png:
        assert png.format == "PNG"
        assert png.size == (round(width * 200 / 72), round(height * 200 / 72))  # drawn at 200 dpi
        assert png.size[0] > 2000 and png.size[1] > 600
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "each cohort is counted once" in texts.lower() and re.search(r"store built \d{4}-\d\d-\d\d", texts)
    assert "not reported" in texts and "none (stated by the source)" in texts  # the legend


def test_bad_requests_are_one_line_and_write_nothing(test_store: Path, tmp_path: Path) -> None:
    cases = [(["-o", str(tmp_path / "s.txt")], 2, "give a file ending in"),
             (["--product", "no such product", "-o", str(tmp_path / "s.svg")], 1, "no Product is called"),
             (["--product", "dual test CAR-T", "-o", str(tmp_path / "s.png")], 1, "no CRS or ICANS finding for")]
    for args, code, message in cases:
        result = run_kg("plot", "safety", *args, "--store", str(test_store))
        assert result.returncode == code and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not list(tmp_path.iterdir())


def _row(product: str, cohort: str, evidence: str, **finding: Any) -> dict[str, Any]:
    row = {"product": product.upper(), "product_id": product, "cohort": cohort, "cohort_patients": None,
           "within": [], "evidence": evidence, "reported": None, "finding": None, "grading": None}
    row.update({"present": None, "grade": None, "max_grade": None, "from_grade": None, "affected": None,
                "treated": None})
    row.update(finding)
    return row


def test_reports_cohorts_and_absences_are_counted_as_stated() -> None:
    big = {"cohort_patients": 10}
    small = {"cohort_patients": 4, "within": ["big"]}
    crs = [
        # p: a cohort of 10 with two reports; the one giving grades wins, counted once
        _row("p", "big", "e1", **big, reported=10, finding="f1", present=False, from_grade=3),
        _row("p", "big", "e2", **big, reported=10, finding="f2", present=True, grade=1, affected=6),
        _row("p", "big", "e2", **big, reported=10, finding="f3", present=False, from_grade=3),
        _row("p", "small", "e3", **small, reported=4, finding="f4", present=True, grade=2, affected=4),
        # q: a reported cohort inside an unreported larger one, and an event stated without a count
        _row("q", "outer", "e4", cohort_patients=9),
        _row("q", "inner", "e5", cohort_patients=3, within=["outer"], reported=3, finding="f5", present=True,
             grade=1, max_grade=2),
    ]
    icans = [_row("p", "big", "e1", **big, reported=10, finding="f6", present=False)]
    table = safety({"CRS": crs, "ICANS": icans})
    assert [p for p, _ in table.products] == ["p", "q"]
    assert dict(table.bars[("CRS", "p")].counts) == {"below-3": 4, "1": 6}  # the inner cohort counts as the big one
    assert table.bars[("CRS", "p")].cohorts == 1
    assert dict(table.bars[("ICANS", "p")].counts) == {NONE: 10}
    assert dict(table.bars[("CRS", "q")].counts) == {UNSTATED: 3, UNREPORTED: 6}
    assert table.bars[("CRS", "q")].notes == ("1-2",)
    assert dict(table.bars[("ICANS", "q")].counts) == {UNREPORTED: 9}  # q never mentions ICANS: not an absence
