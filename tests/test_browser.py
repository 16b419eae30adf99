"""The Neo4j Browser as a user meets it: the tests' own server (scripts/neo4j-local) with the
curated graph loaded, opened in a real headless Chromium.

After connecting, the server's post-connect command applies cellkg's style and opens its guide;
the guide's first query draws every node with a caption and its class's colour; a question opened
by `kg ask --browser` runs whole and shows the rows of `kg ask`. Screenshots go to
$CELLKG_SCREENSHOTS (default: the test's temporary folder).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_HOME, open_page, run_kg

from kg.queries import all_questions
from kg.views.palette import COLOURS

pytestmark = pytest.mark.neo4j


@pytest.fixture()
def browser_page(empty_neo4j: dict[str, str], curated_store: Path, chromium: Any) -> Any:
    """Chromium at the tests' Browser, the curated graph loaded and the guide written."""
    if os.environ.get("CELLKG_TEST_NEO4J_URI"):
        pytest.skip("the Browser test needs the tests' own server (its guide is served by scripts/neo4j-local)")
    assert run_kg("load", "--store", str(curated_store)).returncode == 0
    written = run_kg("export", "browser", "-o", str(TEST_HOME / "browser"), "--store", str(curated_store))
    assert written.returncode == 0, written.stderr
    return empty_neo4j


def _connect(chromium: Any, settings: dict[str, str], url: str, errors: list[str]) -> Any:
    page = open_page(chromium, url, errors, width=1600, height=1000)
    page.fetched = []  # (url, status) of every response after the page loaded
    page.on("response", lambda response: page.fetched.append((response.url, response.status)))
    page.wait_for_selector("input[data-testid='password']", timeout=60_000)
    page.fill("input[data-testid='username']", settings.get("NEO4J_USERNAME", "neo4j"))
    page.fill("input[data-testid='password']", settings["NEO4J_PASSWORD"])
    page.click("button[data-testid='connect']")
    return page


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CELLKG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _http_port() -> str:
    return os.environ.get("NEO4J_LOCAL_HTTP_PORT", "7484")


def test_the_guide_opens_on_connect_and_its_first_query_names_every_node(
        browser_page: dict[str, str], chromium: Any, tmp_path: Path) -> None:
    errors: list[str] = []
    page = _connect(chromium, browser_page, f"http://127.0.0.1:{_http_port()}/browser/", errors)
    page.get_by_text("cellkg: cell therapies in autoimmune disease").first.wait_for(timeout=60_000)
    carousel = page.locator("[data-testid='carousel']").first
    total = int(carousel.get_by_text(re.compile(r"^1 / \d+$")).first.inner_text().split("/")[1])
    titles = []
    for _ in range(total):  # the Browser shows one card at a time
        titles.append(carousel.locator("h3").first.inner_text())
        if len(titles) < total:
            carousel.get_by_test_id("nextSlide").click()
    assert titles[1:-1] == [q.name for q in all_questions()], "the guide's cards are not the named questions"
    carousel.locator("li[aria-label='1']").click()  # back to the first card

    page.locator("pre.runnable").first.click()  # puts the first query into the editor
    page.click("button[data-testid='editor-Run']")
    nodes = page.locator("svg g.node")
    nodes.first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # the force layout settles
    page.locator("button[title='Fullscreen']").first.click()  # the result frame, as a reader would
    page.locator("button[aria-label='Collapse the node properties display']").first.click()
    page.locator("button[aria-label='zoom-to-fit']").first.click()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(_shots(tmp_path) / "browser.png"))

    drawn = page.evaluate("""() => [...document.querySelectorAll('svg g.node')].map(g => ({
        caption: [...g.querySelectorAll('text')].map(t => t.textContent).join(' ').trim(),
        fill: (g.querySelector('circle.b-outline') || g.querySelector('circle')).getAttribute('fill')}))""")
    assert len(drawn) >= 20
    blank = [d for d in drawn if not d["caption"]]
    assert not blank, f"{len(blank)} of {len(drawn)} nodes have no caption"
    palette = {c.lower() for c in COLOURS.values()}
    fills = {str(d["fill"]).lower() for d in drawn}
    assert fills <= palette and COLOURS["Evidence"].lower() in fills, fills
    guide_port = os.environ.get("NEO4J_LOCAL_GUIDE_PORT", "7486")
    fetched = {r.split("/")[-1]: status for r, status in page.fetched if f"127.0.0.1:{guide_port}/" in r}
    assert fetched == {"cellkg.grass": 200, "guide.html": 200}, fetched


def test_a_question_opened_by_kg_ask_browser_runs_whole(browser_page: dict[str, str], chromium: Any,
                                                         curated_store: Path, tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_http_port()}/browser/"
    ask = ("ask", "products-for-target", "-p", "target=BCMA", "--store", str(curated_store))
    url = run_kg(*ask, "--browser", env={"NEO4J_BROWSER_URL": base})
    assert url.returncode == 0 and url.stdout.startswith(base + "?cmd=edit&arg="), url.stderr
    rows = json.loads(run_kg(*ask, "-f", "json").stdout)

    errors: list[str] = []
    page = _connect(chromium, browser_page, url.stdout.strip(), errors)
    page.get_by_text("cellkg: cell therapies in autoimmune disease").first.wait_for(timeout=60_000)
    page.click("button[data-testid='editor-Run']")
    status = page.get_by_text(re.compile(r"Started streaming \d+ records?")).first
    status.wait_for(timeout=60_000)
    page.screenshot(path=str(_shots(tmp_path) / "browser-question.png"))
    streamed = re.search(r"Started streaming (\d+) record", status.inner_text())
    assert streamed is not None and int(streamed.group(1)) == len(rows) > 0
