"""`kg fetch clinicaltrials` against a local server that replays recorded API v2 pages; no network."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import links, nodes, run_kg, run_kg_on_terminal

from kg.core.names import NameIndex
from kg.errors import FetchError, UsageError
from kg.loaders import clinicaltrials as ct
from kg.loaders.clinicaltrials_fetch import fetch, query_name

PAGES = [Path(__file__).parent / "data_ctgov" / "server" / "page-1.json",
         Path(__file__).parent / "data_ctgov" / "server" / "page-2.json"]


# ---------------------------------------------------------------- fetching


class Recorded(BaseHTTPRequestHandler):
    """Serves the two recorded pages like /api/v2/studies; ``fail`` makes page 2 answer 503."""

    pages: ClassVar[list[bytes]] = [p.read_bytes() for p in PAGES]
    token = json.loads(pages[0])["nextPageToken"]
    log: ClassVar[list[dict[str, Any]]] = []
    fail_page_2 = 0  # how many times page 2 answers 503 before it works (-1: always)
    throttle_once = False
    loop = False  # page 2 hands out page 1's token again

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).log.append({"path": url.path, "query": query, "agent": self.headers.get("User-Agent", "")})
        if url.path != "/api/v2/studies":
            return self._send(404, b"Not Found", "text/plain")
        if query.get("format") != "json":
            return self._send(400, b"Parameter format is required", "text/plain")
        if type(self).throttle_once:
            type(self).throttle_once = False
            return self._send(429, b"Too many requests", "text/plain", {"Retry-After": "0"})
        if "pageToken" not in query:
            return self._send(200, self.pages[0])
        if query["pageToken"] != self.token:
            return self._send(400, b"Parameter pageToken is invalid", "text/plain")
        if type(self).fail_page_2:
            type(self).fail_page_2 -= 1 if type(self).fail_page_2 > 0 else 0
            return self._send(503, b"Service Unavailable", "text/plain")
        if type(self).loop:
            return self._send(200, self.pages[0])
        return self._send(200, self.pages[1])

    def _send(self, status: int, body: bytes, kind: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A recorded API on the loopback interface only; CELLKG_CTGOV_URL points the fetcher at it."""
    Recorded.log, Recorded.fail_page_2, Recorded.throttle_once, Recorded.loop = [], 0, False, False
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/api/v2/studies"
    monkeypatch.setenv("CELLKG_CTGOV_URL", url)
    yield url
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def saved(data: Path) -> list[Path]:
    return sorted((data / "clinicaltrials").glob("*.json"))


def test_fetch_two_pages_saves_raw_json_that_loads(server: str, tmp_path: Path, known: NameIndex) -> None:
    waits: list[float] = []
    report = fetch("test lupus", "CAR-T", tmp_path, page_size=2, delay=0.25, sleep=waits.append)
    assert (report.pages, report.studies, report.complete) == (2, 3, True)
    files = saved(tmp_path)
    stem = query_name("test lupus", "CAR-T")
    assert stem.startswith("cond-test-lupus_intr-car-t-") and query_name("test lupus", "CAR T") != stem
    assert [f.name for f in files] == [f"{stem}-page-0001.json", f"{stem}-page-0002.json"]
    assert [f.read_bytes() for f in files] == Recorded.pages  # exactly as received
    assert waits == [0.25]  # a pause between pages, none before the first
    first, second = Recorded.log
    assert first["query"] == {"format": "json", "pageSize": "2", "query.cond": "test lupus", "query.intr": "CAR-T"}
    assert second["query"]["pageToken"] == Recorded.token
    assert first["agent"].startswith("cellkg/")
    state = json.loads(report.state.read_text(encoding="utf-8"))
    assert state["complete"] is True and state["next_page_token"] is None

    records = list(ct.load(tmp_path / "clinicaltrials", known))
    studies = {n.id for n in nodes(records).values() if n.label == "Study"}
    assert studies == {"clinicaltrials:NCT99000011", "clinicaltrials:NCT99000012", "clinicaltrials:NCT99000013"}
    assert links(records, "STUDIES_PRODUCT", "clinicaltrials:NCT99000011") == {"cellkg:t-prod-c"}
    observational = nodes(records)["clinicaltrials:NCT99000012"]
    assert "phase" not in observational.properties and "interventions" not in observational.properties

    again = fetch("test lupus", "CAR-T", tmp_path, page_size=2, delay=0, sleep=waits.append)
    assert (again.pages, again.total_pages, again.complete) == (2, 2, True)  # a finished search is refreshed
    assert len(Recorded.log) == 4 and [f.read_bytes() for f in saved(tmp_path)] == Recorded.pages


def test_fetch_resumes_after_an_interruption_and_shows_only_whole_searches(server: str, tmp_path: Path) -> None:
    Recorded.fail_page_2 = -1  # the API goes down after page 1
    waits: list[float] = []
    with pytest.raises(FetchError, match="unreachable after 3 attempts \\(HTTP 503\\)"):
        fetch("test lupus", None, tmp_path, delay=0, retries=2, backoff=0.5, sleep=waits.append)
    assert waits == [0, 0.5, 1.0]  # the page delay, then exponential backoff
    assert saved(tmp_path) == []  # half a search stays out of the loader's way
    stem = query_name("test lupus", None)
    state = json.loads((tmp_path / "clinicaltrials" / f".{stem}.partial" / f"{stem}.state").read_text())
    assert (state["pages"], state["next_page_token"], state["complete"]) == (1, Recorded.token, False)

    Recorded.fail_page_2, Recorded.log = 0, []
    report = fetch("test lupus", None, tmp_path, delay=0, sleep=waits.append)
    assert (report.pages, report.total_pages, report.complete) == (1, 2, True)
    assert [r["query"].get("pageToken") for r in Recorded.log] == [Recorded.token]  # page 2 only
    assert [f.read_bytes() for f in saved(tmp_path)] == Recorded.pages


def test_a_failed_refresh_keeps_the_finished_set(server: str, tmp_path: Path) -> None:
    fetch("test lupus", None, tmp_path, delay=0)
    before = [f.read_bytes() for f in saved(tmp_path)]
    Recorded.fail_page_2 = -1
    with pytest.raises(FetchError):
        fetch("test lupus", None, tmp_path, delay=0, retries=0, restart=True)
    assert [f.read_bytes() for f in saved(tmp_path)] == before == Recorded.pages


def test_max_pages_then_rerun_continues_and_restart_drops_only_the_unfinished_run(server: str, tmp_path: Path) -> None:
    first = fetch("test lupus", None, tmp_path, max_pages=1, delay=0)
    assert (first.pages, first.complete) == (1, False)
    with pytest.raises(UsageError, match="different page size"):
        fetch("test lupus", None, tmp_path, page_size=50, delay=0)
    second = fetch("test lupus", None, tmp_path, max_pages=1, delay=0)
    assert (second.pages, second.total_pages, second.complete) == (1, 2, True)
    Recorded.log = []
    again = fetch("test lupus", None, tmp_path, page_size=50, delay=0, restart=True)
    assert (again.pages, again.total_pages) == (2, 2) and "pageToken" not in Recorded.log[0]["query"]


def test_a_repeated_page_token_is_an_error(server: str, tmp_path: Path) -> None:
    Recorded.loop = True
    with pytest.raises(FetchError, match="repeated the page token"):
        fetch("test lupus", None, tmp_path, delay=0)
    assert len(Recorded.log) == 2 and saved(tmp_path) == []


def test_fetch_retries_when_throttled(server: str, tmp_path: Path) -> None:
    Recorded.throttle_once = True
    waits: list[float] = []
    report = fetch(None, "CAR-T", tmp_path, delay=0, backoff=5, sleep=waits.append)
    assert report.complete and waits[0] == 0.0  # Retry-After: 0 wins over the 5 s backoff


def test_fetch_reports_a_refused_request(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CELLKG_CTGOV_URL", server.replace("/studies", "/nothing"))
    with pytest.raises(FetchError, match="answered HTTP 404 for http://127.0.0.1:.*/api/v2/nothing.*: Not Found"):
        fetch("test lupus", None, tmp_path, delay=0)
    assert not saved(tmp_path)


def test_fetch_needs_a_query(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--condition, --intervention or both"):
        fetch(None, None, tmp_path)


def test_kg_fetch_clinicaltrials_command(server: str, tmp_path: Path) -> None:
    result = run_kg("fetch", "clinicaltrials", "--condition", "test lupus", "--data", str(tmp_path), "--delay", "0",
                    env={"CELLKG_CTGOV_URL": server})
    assert result.returncode == 0, result.stderr
    assert "fetched 2 pages (3 studies)" in result.stdout and "complete" in result.stdout
    assert result.stderr == ""  # piped: no progress
    refused = run_kg("fetch", "clinicaltrials", "--data", str(tmp_path))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1  # a usage error
    assert "give --condition, --intervention or both" in refused.stderr


def test_kg_fetch_shows_each_page_on_a_terminal(server: str, tmp_path: Path) -> None:
    code, out, terminal = run_kg_on_terminal("fetch", "clinicaltrials", "--condition", "test lupus", "--data",
                                             str(tmp_path), "--delay", "0", env={"CELLKG_CTGOV_URL": server})
    assert code == 0, terminal
    assert "kg fetch clinicaltrials: page 1 (0 studies so far in this run)" in terminal
    assert "kg fetch clinicaltrials: page 2 (2 studies so far in this run)" in terminal
    assert "fetched 2 pages (3 studies)" in out
