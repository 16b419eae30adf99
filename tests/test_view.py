"""`kg view`: the page draws exactly the store's neighbourhood, captioned as in the Browser, offline."""

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import open_page, run_kg, store_with

from kg.core.captions import EVIDENCE_LINKS, caption, captions, evidence_contexts
from kg.core.model import Edge, Node
from kg.core.store import Store
from kg.errors import ExportError
from kg.views import neighbourhood as view
from kg.views.palette import COLOURS, DEFAULT

PRODUCT = "cellkg:t-prod-a"  # testacabtagene autoleucel: Evidence, a Target, a Disease, ... around it
CLASSES = {"AdverseEvent", "Autoantibody", "Cohort", "Disease", "Evidence", "Finding", "Modality", "Organization",
           "Outcome", "Person", "Product", "Source", "Study", "Target", "Therapy"}


def _expected(store_path: Path, focus: str, depth: int) -> tuple[dict[str, str], set[tuple[str, str, str]]]:
    """Captions of the nodes within ``depth`` steps, and the relationships of the nodes nearer than it."""
    with Store(store_path) as store:
        found, edges, frontier = {focus: store.node(focus)}, set(), [focus]
        for _ in range(depth):
            reached = []
            for node_id in frontier:
                for _, edge, other in store.neighbours(node_id):
                    edges.add(edge.key)
                    if other.id not in found:
                        found[other.id] = other
                        reached.append(other.id)
            frontier = reached
        return captions(found.values(), evidence_contexts(store.links(EVIDENCE_LINKS))), edges


def _open(chromium: Any, page_file: Path) -> tuple[Any, list[str], list[str]]:
    """The page with every request recorded and any that leaves the file system refused."""
    errors: list[str] = []
    requests: list[str] = []
    page = open_page(chromium, "about:blank", errors)
    page.on("request", lambda request: requests.append(request.url))
    page.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
    page.goto(page_file.as_uri())
    requests[:] = [url for url in requests if not url.startswith("file:")]
    page.wait_for_function("window.cellkg && window.cellkg.ready", timeout=30_000)
    return page, errors, requests


def _drawn(page: Any) -> int:
    """Canvas pixels that are not background: the network was drawn, not just created."""
    return int(page.evaluate("""() => {
        const canvas = document.querySelector('#graph canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 0; i < pixels.length; i += 4)
            if (pixels[i + 3] && (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200)) count++;
        return count; }"""))


def test_the_page_draws_the_neighbours_with_browser_captions_offline(
        test_store: Path, tmp_path: Path, chromium: Any) -> None:
    out = tmp_path / "view.html"
    result = run_kg("view", "testacabtagene autoleucel", "-o", str(out), "--store", str(test_store))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"drew Product {PRODUCT} ") and result.stderr.count("\n") == 1
    text = out.read_text(encoding="utf-8")
    remote = re.compile(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)
    assert not remote.search(text)  # links in the data (a node's url) become <a> only in the details panel
    captions_by_id, edges = _expected(test_store, PRODUCT, 1)
    page, errors, requests = _open(chromium, out)
    assert errors == [] and requests == []
    drawn = page.evaluate("() => cellkg.nodes.get().map(n => [n.id, n.label])")
    assert dict(drawn) == captions_by_id and len(drawn) == len(captions_by_id)
    assert any(" · " in c for i, c in drawn if i.startswith("cellkg:ev-"))  # Evidence captions, with context
    links = page.evaluate("() => cellkg.edges.get().map(e => [e.from, e.title.querySelector('.head').textContent, "
                          "e.to])")
    assert {tuple(link) for link in links} == edges and len(links) == len(edges)
    assert _drawn(page) > 2000
    with Store(test_store) as store:
        build, classes = store.build_id(), sorted({store.node(i).label for i in captions_by_id})
    header = page.inner_text("header")
    assert "testacabtagene autoleucel" in header and build in header
    legend = page.inner_text(".legend")
    assert all(label in legend for label in classes)
    assert page.inner_text("#details").startswith("testacabtagene autoleucel")  # the focus, selected at first
    page.close()


def test_depth_two_adds_the_neighbours_of_the_neighbours(test_store: Path, tmp_path: Path, chromium: Any) -> None:
    out = tmp_path / "two.html"
    assert run_kg("view", PRODUCT, "--depth", "2", "-o", str(out), "--store", str(test_store)).returncode == 0
    captions_by_id, edges = _expected(test_store, PRODUCT, 2)
    assert len(captions_by_id) > len(_expected(test_store, PRODUCT, 1)[0])
    page, errors, requests = _open(chromium, out)
    assert errors == [] and requests == []
    assert dict(page.evaluate("() => cellkg.nodes.get().map(n => [n.id, n.label])")) == captions_by_id
    assert page.evaluate("() => cellkg.edges.length") == len(edges)
    assert _drawn(page) > 2000
    page.close()


def test_captions_do_not_overlap_around_a_busy_node(curated_store: Path, tmp_path: Path, chromium: Any) -> None:
    out = tmp_path / "busy.html"
    assert run_kg("view", "systemic lupus erythematosus", "-o", str(out), "--store", str(curated_store)).returncode == 0
    page, errors, _ = _open(chromium, out)
    assert errors == []
    boxes = page.evaluate("""() => {
        const body = cellkg.network.body, box = item => item.labelModule.size;
        return {captions: cellkg.nodes.getIds().map(id => box(body.nodes[id])),
                labels: cellkg.edges.getIds().filter(id => body.edges[id].options.label)
                                             .map(id => box(body.edges[id]))};
    }""")
    assert len(boxes["captions"]) > 100 and boxes["labels"]

    def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
        return (a["left"] < b["left"] + b["width"] and b["left"] < a["left"] + a["width"]
                and a["top"] < b["top"] + b["height"] and b["top"] < a["top"] + a["height"])

    shown = boxes["captions"]
    assert not [(a, b) for i, a in enumerate(shown) for b in shown[i + 1:] if overlap(a, b)]
    assert not [(a, b) for a in boxes["labels"] for b in shown if overlap(a, b)]
    page.close()


def test_clicking_a_node_shows_its_properties(test_store: Path, tmp_path: Path, chromium: Any) -> None:
    out = tmp_path / "click.html"
    assert run_kg("view", PRODUCT, "-o", str(out), "--store", str(test_store)).returncode == 0
    page, errors, _ = _open(chromium, out)
    target = page.evaluate("""focus => {
        const node = cellkg.nodes.get().find(n => n.id !== focus);
        const at = cellkg.network.canvasToDOM(cellkg.network.getPosition(node.id));
        const frame = document.getElementById('graph').getBoundingClientRect();
        return {id: node.id, x: frame.left + at.x, y: frame.top + at.y}; }""", PRODUCT)
    page.mouse.click(target["x"], target["y"])
    assert target["id"] in page.inner_text("#details")
    assert errors == []
    page.close()


def test_markup_in_a_name_stays_text(test_store: Path, tmp_path: Path, chromium: Any) -> None:
    name = "</script><script>window.pwned = 1</script><b>bold</b>"
    store = store_with(tmp_path, test_store, [Node("cellkg:t-odd", "Target", {"name": name}),
                                              Edge(PRODUCT, "TARGETS", "cellkg:t-odd")])
    out = tmp_path / "odd.html"
    assert run_kg("view", PRODUCT, "-o", str(out), "--store", str(store)).returncode == 0
    assert "<script>window.pwned" not in out.read_text(encoding="utf-8")
    page, errors, _ = _open(chromium, out)
    assert errors == [] and page.evaluate("() => window.pwned") is None
    assert page.evaluate("() => cellkg.nodes.get('cellkg:t-odd').label") == caption(
        Node("cellkg:t-odd", "Target", {"name": name}))
    page.close()


def test_an_unknown_term_is_one_line_and_exit_1(test_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.html"
    result = run_kg("view", "no such thing anywhere", "-o", str(out), "--store", str(test_store))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "nothing in the graph" in result.stderr
    assert not out.exists()


def test_an_ambiguous_term_lists_candidates_and_exits_2(test_store: Path, tmp_path: Path) -> None:
    result = run_kg("view", "test CAR-T", "-o", str(tmp_path / "v.html"), "--store", str(test_store))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and not (tmp_path / "v.html").exists()
    assert "is part of the names of 2 nodes" in result.stderr and "give one of the ids" in result.stderr
    assert "cellkg:t-prod-b (Product CD19 test CAR-T)" in result.stderr and "cellkg:t-prod-c" in result.stderr


def test_two_nodes_of_one_name_are_ambiguous_but_an_id_is_not(test_store: Path, tmp_path: Path) -> None:
    store = store_with(tmp_path, test_store, [Node("cellkg:t-twin", "Product", {"name": "testacabtagene autoleucel"})])
    result = run_kg("view", "testacabtagene autoleucel", "-o", str(tmp_path / "v.html"), "--store", str(store))
    assert result.returncode == 2 and "cellkg:t-twin" in result.stderr and PRODUCT in result.stderr
    assert run_kg("view", PRODUCT, "-o", str(tmp_path / "v.html"), "--store", str(store)).returncode == 0


def test_the_view_never_replaces_the_store(test_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "graph.html"
    shutil.copy(test_store, store)
    before = store.read_bytes()
    result = run_kg("view", PRODUCT, "-o", str(store), "--store", str(store))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "is the store" in result.stderr
    assert store.read_bytes() == before


def test_only_html_and_depth_one_or_two(test_store: Path, tmp_path: Path) -> None:
    wrong = run_kg("view", PRODUCT, "-o", str(tmp_path / "v.svg"), "--store", str(test_store))
    assert wrong.returncode == 2 and ".html" in wrong.stderr and not (tmp_path / "v.svg").exists()
    deep = run_kg("view", PRODUCT, "--depth", "3", "-o", str(tmp_path / "v.html"), "--store", str(test_store))
    assert deep.returncode == 2 and deep.stderr.count("\n") == 1


def test_the_same_store_writes_the_same_page(test_store: Path, tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        assert run_kg("view", PRODUCT, "-o", str(tmp_path / name), "--store", str(test_store)).returncode == 0
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_missing_vis_network_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from importlib.machinery import ModuleSpec

    script, style = view.library()
    assert "vis-network" in script[:200] and ".vis-network" in style
    empty = ModuleSpec("pyvis", None, is_package=True)
    empty.submodule_search_locations = [str(tmp_path)]  # pyvis installed without its lib/ folder
    for spec in (None, empty):
        monkeypatch.setattr(view, "find_spec", lambda name, spec=spec: spec)
        with pytest.raises(ExportError, match=r"vis-network is missing.*pip install 'pyvis>=0.3'"):
            view.library()


def test_every_class_has_its_own_colour() -> None:
    assert set(COLOURS) == CLASSES
    assert len(set(COLOURS.values()) | {DEFAULT}) == len(CLASSES) + 1
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in [*COLOURS.values(), DEFAULT])


def test_rings_give_each_neighbour_its_own_place_and_drop_crowded_edge_labels() -> None:
    places = view.rings([(f"neighbour number {i} with a long name", "TARGETS") for i in range(40)], "focus")
    assert len({(p.x, p.y) for p in places}) == 40
    assert min((p.x ** 2 + p.y ** 2) ** 0.5 for p in places) >= view.RADIUS - 0.1
    assert places[0].labelled and not all(p.labelled for p in places)
    assert view.rings([]) == []
