"""`kg report`: one self-contained HTML page, checked in a real headless Chromium against the graph.

The numbers on the page are compared with numbers computed here from the store's own nodes and
edges or from the named questions, never with constants; the screenshots are checked for their
key content (the matrix's level colours, visible headings), not pixel by pixel.
"""

from __future__ import annotations

import io
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import open_page, run_kg
from PIL import Image

from kg.core.model import Edge, Node
from kg.core.store import Store, write_store
from kg.export.iri import IriMinter
from kg.queries import get_question
from kg.queries.answer import answer
from kg.views.matrix import COLOURS, LEVELS, best_level
from kg.views.report import EventSummary, Safety, Source, anchors, event_summaries, grade_text

ROOT = "autoimmune disease"
SMALL_ROOT = "MONDO:9000001"  # the test graph's disease family; the variant puts test lupus under it too
NASTY_PRODUCT = 'dual <b>test</b> CAR-T & "co"'
NASTY_TITLE = "Test <script>alert('x')</script> press & news"

DOM = """() => {
  const all = (root, css) => [...root.querySelectorAll(css)];
  const rows = (root) => all(root, 'tr.evidence').map(r => ({
      id: r.dataset.evidence, hrefs: all(r, 'a.source').map(a => a.getAttribute('href'))}));
  return {
    counts: Object.fromEntries(all(document, '[data-count]').map(e => [e.dataset.count, +e.querySelector('b').textContent])),
    diseases: all(document, 'section.disease').map(s => ({name: s.dataset.disease, heading: s.querySelector('h3').textContent,
      evidence: rows(s), cells: all(s, '.cell').map(c => ({target: c.dataset.target, patients: c.dataset.patients,
      reports: +c.dataset.reports, text: c.textContent}))})),
    products: all(document, 'section.product').map(s => ({name: s.dataset.product, heading: s.querySelector('h3').textContent,
      evidence: rows(s), safety: all(s, 'tr.safety').map(r => ({event: r.dataset.event, present: r.dataset.present,
        finding: r.children[2].textContent, affected: r.children[3].textContent, hrefs: all(r, 'a.source').map(a => a.getAttribute('href'))})),
      events: all(s, '.event-summary').map(e => ({event: e.dataset.event, present: +e.dataset.present,
        absent: +e.dataset.absent, text: e.textContent}))})),
    broken: all(document, 'a[href^="#"]').map(a => a.getAttribute('href')).filter(h => !document.getElementById(h.slice(1))),
  };
}"""


def _write(store: Path, output: Path, *extra: str) -> None:
    result = run_kg("report", "-o", str(output), "--store", str(store), *extra)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("\n") == 1 and "wrote" in result.stderr


def _load(chromium: object, page_file: Path) -> tuple[Any, list[str], list[str]]:
    """The page opened by file:// with every http(s) request blocked; (page, console errors, requests tried)."""
    errors: list[str] = []
    tried: list[str] = []
    page: Any = open_page(chromium, "about:blank", errors)

    def block(route: Any) -> None:
        tried.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://"), block)
    page.on("request", lambda request: None if request.url.startswith(("file:", "about:", "data:"))
            else tried.append(request.url))
    page.goto(page_file.as_uri())
    return page, errors, tried


class Graph:
    """What the report must show, computed from the store's nodes and edges (no question involved)."""

    def __init__(self, store: Path, root: str) -> None:
        with Store(store) as db:
            self.nodes = {n.id: n for n in db.nodes()}
            edges = list(db.edges())
            minter = IriMinter(db.schema())
        out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for e in edges:
            out[e.source][e.predicate].append(e.target)
        root_id = next(i for i, n in self.nodes.items() if n.label == "Disease" and root in (i, n.name))
        under = {root_id}
        while True:
            more = {i for i, n in self.nodes.items() if n.label == "Disease" and set(out[i]["IS_A"]) & under} - under
            if not more:
                break
            under |= more
        self.evidence = {i: out[i] for i, n in self.nodes.items() if n.label == "Evidence"
                         and set(out[i]["IN_DISEASE"]) & under}
        self.product_ids = {self.nodes[p].name: p for links in self.evidence.values() for p in links["ABOUT_PRODUCT"]}
        self.urls: dict[str, str | None] = {}
        for i, n in self.nodes.items():
            if n.label == "Source":
                url = n.properties.get("url")
                resolvable = i.partition(":")[0] in ("pubmed", "doi", "clinicaltrials")
                self.urls[i] = url if isinstance(url, str) and url.startswith("http") else (
                    minter.iri(i) if resolvable else None)

    def name(self, node_id: str) -> str:
        return self.nodes[node_id].name

    def by_disease(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for i, links in self.evidence.items():
            for d in links["IN_DISEASE"]:
                found[self.name(d)].add(i)
        return found

    def source_url(self, evidence: str) -> str | None:
        return self.urls[self.evidence[evidence]["REPORTED_IN"][0]]


def _ask(store: Path, name: str, **params: str) -> list[dict[str, Any]]:
    return answer(get_question(name), params, "embedded", store)


def _check_page(dom: dict[str, Any], graph: Graph, store: Path, root: str) -> None:
    """Every number and link on the page against the graph and the questions."""
    by_disease = graph.by_disease()
    sources = {s for links in graph.evidence.values() for s in links["REPORTED_IN"]}
    assert dom["counts"]["reports"] == len(graph.evidence)
    assert dom["counts"]["sources"] == len(sources)
    assert dom["counts"]["diseases"] == len(by_disease) == len(dom["diseases"])
    assert dom["counts"]["products"] == len(graph.product_ids) == len(dom["products"])
    assert dom["broken"] == []
    assert {d["name"] for d in dom["diseases"]} == set(by_disease)
    cells = {(r["disease"], r["target"]): r for r in _ask(store, "patients-by-disease-and-target", disease=root)}
    for section in dom["diseases"]:
        assert section["heading"] == section["name"]
        assert {r["id"] for r in section["evidence"]} == by_disease[section["name"]]
        shown = {(section["name"], c["target"]): c for c in section["cells"]}
        assert set(shown) == {k for k in cells if k[0] == section["name"]}
        for key, cell in shown.items():
            patients = cells[key]["patients"]
            assert cell["patients"] == ("" if patients is None else str(patients))
            assert cell["reports"] == cells[key]["reports"]
            assert f"{'n/a' if patients is None else patients} patients" in cell["text"]
    assert {p["name"] for p in dom["products"]} == set(graph.product_ids)
    for section in dom["products"]:
        mine = {i for i, links in graph.evidence.items() if graph.product_ids[section["name"]] in links["ABOUT_PRODUCT"]}
        assert {r["id"] for r in section["evidence"]} == mine
        rows = _ask(store, "safety-of-product", product=graph.product_ids[section["name"]])
        assert len(section["safety"]) == len(rows)
        assert sorted(r["present"] for r in section["safety"]) == sorted(str(r["present"]).lower() for r in rows)
        for shown_row in section["safety"]:
            if shown_row["present"] == "false":  # an absence the source states is never an event
                assert shown_row["finding"].endswith("(stated)") and shown_row["affected"] == ""
        events = {e["event"]: e for e in section["events"]}
        for event in {r["event"] for r in rows} | {"CRS", "ICANS"}:
            present = {r["evidence"] for r in rows if r["event"] == event and r["present"]}
            absent = {r["evidence"] for r in rows if r["event"] == event and not r["present"]} - present
            assert (events[event]["present"], events[event]["absent"]) == (len(present), len(absent)), event
    for section in dom["diseases"] + dom["products"]:
        for row in section["evidence"]:
            url = graph.source_url(row["id"])
            assert row["hrefs"] == ([url] if url else []), row["id"]


def _crop(pixels: np.ndarray, box: dict[str, float] | None) -> np.ndarray:
    assert box is not None
    top, left = int(box["y"]), int(box["x"])
    return pixels[top:top + int(box["height"]) + 1, left:left + int(box["width"]) + 1]


def _has_colour(pixels: np.ndarray, colour: str, tolerance: int = 6) -> bool:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return bool((np.abs(pixels[..., :3].astype(np.int16) - rgb).max(axis=-1) <= tolerance).any())


@pytest.fixture(scope="module")
def curated_report(curated_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("report") / "report.html"
    _write(curated_store, output)
    return output


def test_the_curated_report_renders_offline_and_shows_what_the_graph_holds(
        chromium: object, curated_store: Path, curated_report: Path, tmp_path: Path) -> None:
    text = curated_report.read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|<img|<iframe|\bsrc=|@import|url\((?!#)", text, re.IGNORECASE)
    page, errors, tried = _load(chromium, curated_report)
    assert errors == [] and tried == []
    _check_page(page.evaluate(DOM), Graph(curated_store, ROOT), curated_store, ROOT)

    width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    for heading in page.locator("h1, h2").all():
        box = heading.bounding_box()
        assert heading.is_visible() and box is not None and box["height"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and 0 <= box["y"] < height
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True, path=str(tmp_path / "report.png"))))
    assert shot.size == (1400, height)
    full = np.asarray(shot.convert("RGB"))
    title, legend = _crop(full, page.locator("h1").bounding_box()), _crop(full, page.locator(".legend").bounding_box())
    assert _has_colour(title, "#1a1a1a", tolerance=40), "the title is drawn where the page lays it out"
    assert all(_has_colour(legend, c) for c in COLOURS), "the legend shows every evidence level's colour"

    cells = _ask(curated_store, "patients-by-disease-and-target", disease=ROOT)
    expected = {COLOURS[LEVELS.index(best_level(r["levels"]))] for r in cells}
    matrix = np.asarray(Image.open(io.BytesIO(page.locator("#matrix svg").screenshot())).convert("RGB"))
    assert len(np.unique(matrix.reshape(-1, 3), axis=0)) > 20, "the matrix is not blank"
    missing = [c for c in expected if not _has_colour(matrix, c)]
    assert not missing, f"level colours of the matrix's cells not drawn: {missing}"
    page.close()


@pytest.fixture(scope="module")
def small_store(test_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test graph with test lupus under test myopathy (so one report holds every record), a
    product name and source title that would break unescaped HTML, and a PubMed source with a url."""
    with Store(test_store) as db:
        schema, nodes, edges = db.schema(), list(db.nodes()), list(db.edges())
    changed = {"cellkg:t-prod-c": {"name": NASTY_PRODUCT}, "cellkg:src-test-press": {"title": NASTY_TITLE},
               "pubmed:100002": {"url": "https://example.org/series"}}  # its page, not PubMed's, is the link
    nodes = [Node(n.id, n.label, {**n.properties, **changed.get(n.id, {})}, n.provenance) for n in nodes]
    path = tmp_path_factory.mktemp("small") / "small.sqlite"
    write_store(path, schema, nodes, [*edges, Edge("MONDO:9000003", "IS_A", SMALL_ROOT)])
    return path


def test_the_small_report_counts_cohorts_states_absences_escapes_and_repeats(
        chromium: object, small_store: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    _write(small_store, first, "--disease", SMALL_ROOT)
    _write(small_store, second, "--disease", SMALL_ROOT)
    assert first.read_bytes() == second.read_bytes(), "the same store writes the same page"
    text = first.read_text(encoding="utf-8")
    assert "<b>test</b>" not in text and "<script>" not in text.lower()
    page, errors, tried = _load(chromium, first)
    assert errors == [] and tried == []
    dom = page.evaluate(DOM)
    _check_page(dom, Graph(small_store, SMALL_ROOT), small_store, SMALL_ROOT)

    lupus = next(d for d in dom["diseases"] if d["name"] == "test lupus")
    assert [(c["target"], c["patients"], c["reports"]) for c in lupus["cells"]] == [("CD19", "8", 2)], \
        "five patients inside the eight of the follow-up are counted once"
    testafix = next(p for p in dom["products"] if p["name"] == "testacabtagene autoleucel")
    assert sorted((r["event"], r["finding"]) for r in testafix["safety"]) == [
        ("CRS", "grade 1 (ASTCT)"), ("CRS", "none of grade \u22653 (stated)"), ("ICANS", "absent (stated)")]
    events = {e["event"]: e for e in testafix["events"]}
    assert "no case reported; stated absent in 1 report" in events["ICANS"]["text"]
    assert next(p for p in dom["products"] if p["name"] == NASTY_PRODUCT)["heading"] == NASTY_PRODUCT
    assert page.locator(f'a.source[title="{NASTY_TITLE}"]').count() > 0
    hrefs = page.eval_on_selector_all("a.source", "as => as.map(a => a.getAttribute('href'))")
    assert "https://example.org/press" in hrefs and "https://example.org/series" in hrefs
    assert any(h.endswith("pubmed:100001") for h in hrefs)  # no url: its public page by the id's IRI
    page.close()


def test_safety_wording_and_counts_never_count_a_stated_absence() -> None:
    source = Source("pubmed:1", "PMID 1", "", None, None)
    row = {"present": False, "from_grade": 3, "grade": None, "max_grade": None, "grading": "ASTCT"}
    assert grade_text(row) == "none of grade \u22653 (stated)"
    assert grade_text({**row, "from_grade": None}) == "absent (stated)"
    assert grade_text({**row, "present": True, "grade": 1, "max_grade": 2}) == "grade 1\u20132 (ASTCT)"
    rows = [Safety("d", "CRS", True, "grade 1", 1, "1/2", None, "case-report", "ev:1", source),
            Safety("d", "CRS", False, "none of grade \u22653 (stated)", None, "", None, "case-report", "ev:1", source),
            Safety("d", "CRS", False, "absent (stated)", None, "", None, "case-report", "ev:2", source),
            Safety("d", "infection", False, "absent (stated)", None, "", None, "case-report", "ev:2", source)]
    assert event_summaries(rows) == (EventSummary("CRS", 1, 1, 1), EventSummary("ICANS", 0, 0, None),
                                     EventSummary("infection", 0, 1, None))
    assert anchors(["SLE", "sle", "S.L.E."], "disease") == {
        "SLE": "disease-sle", "sle": "disease-sle-1", "S.L.E.": "disease-s-l-e"}


def test_a_report_never_replaces_the_store(test_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "graph.html"
    shutil.copy(test_store, store)
    before = store.read_bytes()
    result = run_kg("report", "-o", str(store), "--store", str(store))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "is the store" in result.stderr
    assert store.read_bytes() == before


def test_a_missing_store_is_one_line(tmp_path: Path) -> None:
    result = run_kg("report", "-o", str(tmp_path / "r.html"), "--store", str(tmp_path / "none.sqlite"))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "no store at" in result.stderr
    assert list(tmp_path.iterdir()) == []
