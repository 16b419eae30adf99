"""Shared fixtures: the test graph built into a temporary store, and a real Neo4j server.

Neo4j: the tests start their own server (scripts/neo4j-local, assembled from Maven Central, in
.neo4j-test/ on ports 7697/7484) when Java and Maven are present, or use the empty server named by
CELLKG_TEST_NEO4J_URI; never the server of NEO4J_URI or a user's .neo4j-local.
Under CI (CI=true) a missing or unreachable server fails the run with the server log's tail;
on a developer machine without Java it skips with the reason shown (-rs).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from kg.core.build import build
from kg.core.model import Edge, Node, Record
from kg.core.names import NameIndex
from kg.core.store import Store, write_store
from kg.loaders import curated
from kg.loaders.articles import Dictionary

if TYPE_CHECKING:
    from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
LOCAL_SCRIPT = ROOT / "scripts" / "neo4j-local"


@pytest.fixture(scope="session")
def test_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "test.sqlite"
    build(path, TEST_DATA)
    return path


@pytest.fixture(scope="session")
def curated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("curated") / "curated.sqlite"
    build(path)
    return path


def store_with(tmp_path: Path, test_store: Path, extra: list[Node | Edge], name: str = "variant.sqlite") -> Path:
    """A copy of the test store with ``extra`` records, written as kg.core.store writes (no validation)."""
    with Store(test_store) as store:
        schema, nodes, edges = store.schema(), list(store.nodes()), list(store.edges())
    nodes += [r for r in extra if isinstance(r, Node)]
    edges += [r for r in extra if isinstance(r, Edge)]
    path = tmp_path / name
    write_store(path, schema, nodes, edges)
    return path


@pytest.fixture(scope="module")
def known() -> NameIndex:
    """The test graph's curated nodes by name, as registry and article loaders see them."""
    index = NameIndex()
    for record in curated.load(TEST_DATA / "curated"):
        if isinstance(record, Node):
            index.add(record)
    return index


def nodes(records: list[Record]) -> dict[str, Node]:
    return {r.id: r for r in records if isinstance(r, Node)}


def links(records: list[Record], predicate: str, source: str | None = None) -> set[str]:
    return {r.target for r in records if isinstance(r, Edge) and r.predicate == predicate
            and (source is None or r.source == source)}


@pytest.fixture(scope="session")
def test_dictionary(test_store: Path) -> Dictionary:
    """`kg extract`'s dictionary over the test graph."""
    return Dictionary.from_store(test_store)


@pytest.fixture(scope="session")
def curated_dictionary(curated_store: Path) -> Dictionary:
    """`kg extract`'s dictionary over the curated graph."""
    return Dictionary.from_store(curated_store)


def run_kg(*args: str, env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `kg` console entry point in a fresh process; ``env`` changes the environment
    (a value of None removes the variable)."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args], capture_output=True,
                          text=True, env={k: v for k, v in environment.items() if v is not None}, timeout=600,
                          check=False)


def run_kg_on_terminal(*args: str, env: Mapping[str, str] | None = None) -> tuple[int, str, str]:
    """Run `kg` with its standard error on a pseudo-terminal, as at an interactive shell.

    Returns the exit code, standard output (a file, not the terminal) and everything the terminal
    received, control sequences and all."""
    import pty
    import tempfile

    master, slave = pty.openpty()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", *args],
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=slave,
                                   env={**os.environ, "COLUMNS": "200", **(env or {})})
        os.close(slave)
        received = bytearray()
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the process closed its side
                break
            if not chunk:
                break
            received += chunk
        os.close(master)
        code = process.wait(timeout=600)
        out.seek(0)
        return code, out.read().decode(), received.decode(errors="replace")


def unavailable(tool: str, reason: str) -> NoReturn:
    """Skip a test whose outside tool (Java, Maven, a server) is missing, but fail it under CI
    (CI set): there a skip would let a run that checked nothing pass."""
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is required under CI: {reason}", pytrace=False)
    pytest.skip(f"{tool} not available: {reason}")


def _unavailable(reason: str) -> NoReturn:
    unavailable("Neo4j", reason)


ToolRun = Callable[..., "subprocess.CompletedProcess[str]"]


def tool_runner(tool: str, script: Path, java: str | None = None) -> ToolRun:
    """Run one of the scripts that assemble an outside tool (scripts/robot, jena, kgx): assemble it
    first (a download on first use), and return a function running it with arguments. ``java``
    says which Java the tool needs, when it needs one."""
    if java and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        unavailable(tool, f"java not found ({tool} needs {java})")
    done = subprocess.run([sys.executable, str(script), "assemble"], capture_output=True, text=True,
                          timeout=1800, check=False)
    if done.returncode != 0:
        unavailable(tool, f"{script.relative_to(ROOT)} assemble failed:\n{done.stdout}{done.stderr}")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True, text=True,
                              timeout=600, check=False)
    return run


TEST_HOME = ROOT / ".neo4j-test"  # the tests' own server: never the user's .neo4j-local
TEST_PORTS = {"NEO4J_LOCAL_BOLT_PORT": "7697", "NEO4J_LOCAL_HTTP_PORT": "7484", "NEO4J_LOCAL_GUIDE_PORT": "7486"}


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[dict[str, str]]:
    """Connection settings (NEO4J_* names) for a Neo4j 5 server that holds only the tests' data.

    The tests start their own server (scripts/neo4j-local in .neo4j-test/, on ports 7697 and
    7484, a fresh database, a random password) and stop it at the end; or, with
    CELLKG_TEST_NEO4J_URI (and CELLKG_TEST_NEO4J_USERNAME, CELLKG_TEST_NEO4J_PASSWORD) set, they
    use that server, which must be empty. NEO4J_URI and the user's own server are never touched.
    """
    uri = os.environ.get("CELLKG_TEST_NEO4J_URI")
    started = False
    if uri:
        settings = {"NEO4J_URI": uri, "NEO4J_USERNAME": os.environ.get("CELLKG_TEST_NEO4J_USERNAME", "neo4j"),
                    "NEO4J_PASSWORD": os.environ.get("CELLKG_TEST_NEO4J_PASSWORD", "")}
    else:
        if not (shutil.which("java") and shutil.which("mvn")):
            _unavailable("CELLKG_TEST_NEO4J_URI is not set and Java/Maven are missing for scripts/neo4j-local")
        ports = {k: os.environ.get(k.replace("NEO4J_LOCAL", "CELLKG_TEST_NEO4J"), v) for k, v in TEST_PORTS.items()}
        settings = {"NEO4J_URI": f"bolt://127.0.0.1:{ports['NEO4J_LOCAL_BOLT_PORT']}", "NEO4J_USERNAME": "neo4j",
                    "NEO4J_PASSWORD": secrets.token_urlsafe(18)}  # in the environment only
        os.environ.update({"NEO4J_LOCAL_HOME": str(TEST_HOME), **ports})
        os.environ["NEO4J_PASSWORD"] = settings["NEO4J_PASSWORD"]
        proc = subprocess.run([sys.executable, str(LOCAL_SCRIPT), "start", "--fresh"], capture_output=True,
                              text=True, timeout=1800, check=False)
        if proc.returncode != 0:
            _unavailable(f"scripts/neo4j-local start failed:\n{proc.stdout}\n{proc.stderr}")
        started = True
    os.environ.update(settings)  # what `kg` run by the tests connects to
    os.environ.pop("NEO4J_DATABASE", None)
    try:
        from kg.backends import open_backend

        with open_backend("neo4j") as backend:
            held = backend.cypher("MATCH (n) RETURN count(n) AS n")[0]["n"]
    except Exception as exc:  # noqa: BLE001 - reported, then fail or skip
        log = subprocess.run([sys.executable, str(LOCAL_SCRIPT), "log"], capture_output=True, text=True,
                             check=False).stdout if started else ""
        _unavailable(f"{exc}\n{log}")
    if held:
        _unavailable(f"the test server {settings['NEO4J_URI']} holds {held} nodes: the tests only use a database "
                     "that holds nothing but their own data")
    yield settings
    if started:
        subprocess.run([sys.executable, str(LOCAL_SCRIPT), "stop"], capture_output=True, text=True, check=False)


@pytest.fixture()
def empty_neo4j(neo4j_server: dict[str, str]) -> Iterator[dict[str, str]]:
    """A Neo4j database with no nodes (Community has one user database; tests share it)."""
    import neo4j

    auth = (neo4j_server.get("NEO4J_USERNAME", "neo4j"), neo4j_server["NEO4J_PASSWORD"])
    with neo4j.GraphDatabase.driver(neo4j_server["NEO4J_URI"], auth=auth) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
    yield neo4j_server


# Chromium: Debian's /usr/bin/chromium (or $CELLKG_TEST_CHROMIUM) driven by Playwright over CDP.
# Playwright's own browser download is never used. Under CI a missing Chromium fails the run.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless Chromium browser (a playwright ``Browser``) for pages the tests open."""
    executable = os.environ.get("CELLKG_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        message = "Chromium is not installed (apt-get install chromium, or set CELLKG_TEST_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required under CI: {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def open_page(chromium: object, url: str, errors: list[str], width: int = 1400, height: int = 900) -> object:
    """A new page at ``url``; console errors and page errors are appended to ``errors``."""
    page = chromium.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page


def parse_rdf(source: Path, fmt: str) -> Graph:
    """An export parsed by rdflib: a Dataset for N-Quads and TriG, else a Graph. rdflib 7.x warns
    about its own deprecated classes from inside its parsers (the JSON-LD parser builds a
    ConjunctiveGraph, Dataset's parsers call default_context and contexts); those warnings, and only
    there, are ignored."""
    from rdflib import Dataset, Graph

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        warnings.filterwarnings("ignore", r"Dataset\.\w+ is deprecated", DeprecationWarning)
        if fmt in ("nquads", "trig"):
            dataset = Dataset()
            dataset.parse(source, format=fmt)
            return dataset
        return Graph().parse(source, format=fmt)
