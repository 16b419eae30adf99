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
