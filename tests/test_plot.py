"""`kg plot matrix`: the picture counts what the named question counts, and refuses bad targets."""

import json
import re
import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import run_kg, store_with

from kg.core.model import Node, Provenance
from kg.views.matrix import LEVELS, best_level, matrix

SVG = "{http://www.w3.org/2000/svg}"
ROOT = "MONDO:9000001"  # the test graph's disease family (its subtypes carry the evidence)


def _texts(svg: Path) -> list[str]:
    return ["".join(t.itertext()) for t in ET.parse(svg).getroot().iter(f"{SVG}text")]


def test_every_cell_of_the_answer_is_drawn_with_its_counts(test_store: Path, tmp_path: Path) -> None:
    answer = json.loads(run_kg("ask", "patients-by-disease-and-target", "-p", f"disease={ROOT}", "-f", "json",
                               "--store", str(test_store)).stdout)
    assert answer, "the test graph has evidence under its root disease"
    out = tmp_path / "matrix.svg"
    result = run_kg("plot", "matrix", "--disease", ROOT, "-o", str(out), "--store", str(test_store))
    assert result.returncode == 0, result.stderr
    texts = _texts(out)
    for row in answer:
        assert row["target"] in texts
        assert row["disease"] in texts or f"{row['disease']} (no subtype named)" in texts  # the root's own row
    reports = [t for t in texts if re.fullmatch(r"\d+ reports?", t)]
    assert sorted(reports) == sorted(f"{r['reports']} report{'s' if r['reports'] != 1 else ''}" for r in answer)
    patients = sorted(t for t in texts if re.fullmatch(r"\d+|n/a", t))
    assert patients == sorted("n/a" if r["patients"] is None else str(r["patients"]) for r in answer)
    caption = " ".join(texts)
    assert "distinct patients" in caption and re.search(r"store built \d{4}-\d\d-\d\d", caption)


def test_the_same_store_draws_the_same_svg_and_a_png(test_store: Path, tmp_path: Path) -> None:
    for name in ("a.svg", "b.svg", "m.png"):
        assert run_kg("plot", "matrix", "--disease", ROOT, "-o", str(tmp_path / name),
                      "--store", str(test_store)).returncode == 0
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    png = (tmp_path / "m.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 800 and height > 600


def test_a_picture_never_replaces_the_store(test_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "graph.svg"
    shutil.copy(test_store, store)
    before = store.read_bytes()
    result = run_kg("plot", "matrix", "--disease", ROOT, "-o", str(store), "--store", str(store))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "is the store" in result.stderr
    assert store.read_bytes() == before


def test_rows_group_by_family_and_order_by_patients() -> None:
    rows = [
        {"family": "lupus", "disease": "lupus nephritis", "target": "CD19", "patients": 3, "reports": 1,
         "levels": ["case-report"]},
        {"family": "lupus", "disease": "lupus", "target": "BCMA", "patients": None, "reports": 2,
         "levels": ["press-release", "phase-1"]},
        {"family": "itp", "disease": "itp purpura", "target": "CD19", "patients": 9, "reports": 1,
         "levels": ["case-series"]},
    ]
    table = matrix(rows)
    assert table.targets == ("CD19", "BCMA")
    assert [(r.disease, r.header) for r in table.rows] == [
        ("itp", True), ("itp purpura", False), ("lupus", True), ("lupus nephritis", False)]
    assert table.cells[("lupus", "BCMA")].best == "phase-1" and table.cells[("lupus", "BCMA")].patients is None
    assert best_level(["conference-abstract", "case-report"]) == "case-report"
    assert best_level(["registry-record", "phase-3"]) == LEVELS[0]


def test_a_disease_without_evidence_draws_nothing(test_store: Path, tmp_path: Path) -> None:
    store = store_with(tmp_path, test_store, [Node("MONDO:9000009", "Disease", {"name": "untreated disease"},
                                                   Provenance("pubmed:100001", "curated"))])
    result = run_kg("plot", "matrix", "--disease", "untreated disease", "-o", str(tmp_path / "m.svg"),
                    "--store", str(store))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "no cell-therapy evidence in untreated disease" in result.stderr
    assert not list(tmp_path.glob("*.svg")) and not list(tmp_path.glob(".cellkg-*"))


def test_chromium_shows_the_matrix_with_its_labels_and_level_colours(curated_store: Path, tmp_path: Path,
                                                                     chromium: object) -> None:
    """The SVG as a reader opens it: a browser draws it whole (labels are text), with the colours of the
    levels its cells carry."""
    from conftest import open_page

    from kg.queries import get_question
    from kg.queries.answer import answer, resolve
    from kg.views.matrix import COLOURS

    out = tmp_path / "matrix.svg"
    assert run_kg("plot", "matrix", "-o", str(out), "--store", str(curated_store)).returncode == 0
    question = get_question("patients-by-disease-and-target")
    ids = resolve(question, {"disease": "autoimmune disease"}, curated_store)
    rows = answer(question, ids, "embedded", curated_store)
    errors: list[str] = []
    page = open_page(chromium, out.as_uri(), errors)
    texts = set(page.evaluate("() => [...document.querySelectorAll('text')].map(t => t.textContent.trim())"))
    assert {r["target"] for r in rows} <= texts
    assert all(any(t.startswith(r["disease"]) for t in texts) for r in rows)  # the root row says more
    size = page.evaluate("() => { const b = document.querySelector('svg').getBoundingClientRect(); "
                         "return [b.width, b.height]; }")
    assert size[0] > 600 and size[1] > 400
    # Chromium does not screenshot a bare SVG document (it waits for a frame that never comes), so the
    # same drawing is shown as a page would show it.
    svg = out.read_text(encoding="utf-8")
    wrapper = tmp_path / "matrix.html"
    wrapper.write_text(f"<!DOCTYPE html><html><body style='margin:0'>{svg[svg.index('<svg'):]}</body></html>",
                       encoding="utf-8")
    page.goto(wrapper.as_uri())
    shot = tmp_path / "matrix.png"
    page.screenshot(path=str(shot), full_page=True)
    import matplotlib.image

    pixels = {tuple(round(float(c) * 255) for c in px[:3]) for px in matplotlib.image.imread(shot).reshape(-1, 4)}
    best = {best_level(r["levels"]) for r in rows}
    wanted = {tuple(int(COLOURS[LEVELS.index(level)][i:i + 2], 16) for i in (1, 3, 5)) for level in best}
    assert wanted <= pixels, "a level's colour is missing from the drawn matrix"
    assert not errors
