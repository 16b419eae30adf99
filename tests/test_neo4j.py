"""The Neo4j backend against a real Neo4j 5 Community server over Bolt (see conftest.neo4j_server)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import neo4j
import pytest
from conftest import run_kg

from kg.backends import open_backend
from kg.backends.memory import MemoryBackend
from kg.backends.neo4j import Neo4jBackend
from kg.core.store import Store
from kg.errors import BackendError, ReadOnlyViolation
from kg.queries import all_questions

pytestmark = pytest.mark.neo4j


def snapshot(settings: dict[str, str]) -> tuple[list[Any], list[Any]]:
    """Every node (labels, properties) and relationship in the database, sorted."""
    auth = (settings.get("NEO4J_USERNAME", "neo4j"), settings["NEO4J_PASSWORD"])
    with neo4j.GraphDatabase.driver(settings["NEO4J_URI"], auth=auth) as driver:
        nodes, _, _ = driver.execute_query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
        rels, _, _ = driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p")
    return (sorted(repr((sorted(r["l"]), sorted(r["p"].items()))) for r in nodes),
            sorted(repr((r["a"], r["t"], r["b"], sorted(r["p"].items()))) for r in rels))





def test_load_matches_the_store_and_is_idempotent(empty_neo4j: dict[str, str], test_store: Path) -> None:
    result = run_kg("load", "--store", str(test_store))
    assert result.returncode == 0, result.stderr
    with Store(test_store) as store:
        counts = store.counts()
    with Neo4jBackend() as backend:
        assert backend.count() == (sum(counts["nodes"].values()), sum(counts["relationships"].values()))
    first = snapshot(empty_neo4j)
    again = run_kg("load", "--store", str(test_store))
    assert again.returncode == 0, again.stderr
    assert snapshot(empty_neo4j) == first


def test_load_replaces_an_earlier_load(empty_neo4j: dict[str, str], test_store: Path, curated_store: Path) -> None:
    assert run_kg("load", "--store", str(curated_store)).returncode == 0
    assert run_kg("load", "--store", str(test_store)).returncode == 0
    with Neo4jBackend() as backend, Store(test_store) as store:
        counts = store.counts()
        assert backend.count() == (sum(counts["nodes"].values()), sum(counts["relationships"].values()))


def _parameter_values(store_path: Path, node_class: str, limit: int = 6) -> list[str]:
    """Several real parameter values per class: ids, names and a synonym, taken from the store."""
    with Store(store_path) as store:
        schema = store.schema()
        nodes = [n for n in store.nodes() if schema.is_a(n.label, node_class)]
    values = [n.name for n in nodes[:limit]] + [nodes[-1].id]
    values += [str(n.properties["synonyms"][0]).upper() for n in nodes if n.properties.get("synonyms")][:2]
    return values


@pytest.mark.parametrize("which", ["test", "curated"])
def test_every_question_gives_the_same_rows_on_both_backends(
        which: str, empty_neo4j: dict[str, str], test_store: Path, curated_store: Path) -> None:
    store = test_store if which == "test" else curated_store
    assert run_kg("load", "--store", str(store)).returncode == 0
    memory = MemoryBackend(store)
    compared = nonempty = 0
    with Neo4jBackend() as graph_db:
        for question in all_questions():
            (param,) = question.params
            for value in _parameter_values(store, param.node_class):
                params = {param.name: value}
                expected = memory.ask(question, params)
                actual = graph_db.ask(question, params)
                assert actual == expected, f"{question.name} {params}"
                compared += 1
                nonempty += bool(expected)
    assert compared >= 20 and nonempty >= 5


def test_ask_with_neo4j_backend_from_the_cli(empty_neo4j: dict[str, str], test_store: Path) -> None:
    assert run_kg("load", "--store", str(test_store)).returncode == 0
    args = ("ask", "safety-of-product", "-p", "product=Testafix", "-f", "json", "--store", str(test_store))
    assert run_kg(*args, "--backend", "neo4j").stdout == run_kg(*args).stdout


def test_cypher_is_read_only(empty_neo4j: dict[str, str], test_store: Path) -> None:
    assert run_kg("load", "--store", str(test_store)).returncode == 0
    before = snapshot(empty_neo4j)
    ok = run_kg("cypher", "MATCH (p:Product {id: $id}) RETURN p.name AS name", "-p", "id=cellkg:t-prod-a", "-f", "json")
    assert ok.returncode == 0, ok.stderr
    assert '"testacabtagene autoleucel"' in ok.stdout
    refused = run_kg("cypher", "CREATE (n:Product {id: 'x'}) RETURN n")
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1 and "read-only" in refused.stderr
    with Neo4jBackend() as backend, pytest.raises(ReadOnlyViolation):
        backend.cypher("MATCH (n:Product) SET n.name = 'x'")
    assert snapshot(empty_neo4j) == before


def test_routing_uri_works(neo4j_server: dict[str, str]) -> None:
    uri = neo4j_server["NEO4J_URI"].replace("bolt://", "neo4j://")
    with open_backend("neo4j", uri=uri) as backend:
        assert backend.cypher("RETURN 1 AS one") == [{"one": 1}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("case", ["unreachable", "wrong-password", "wrong-database", "bad-uri"])
def test_connection_failures_are_one_line(case: str, neo4j_server: dict[str, str], test_store: Path) -> None:
    env: dict[str, str] = {}
    args = ["load", "--store", str(test_store)]
    if case == "unreachable":
        args += ["--uri", f"bolt://127.0.0.1:{_free_port()}"]
        expected = "cannot reach Neo4j"
    elif case == "wrong-password":
        env["NEO4J_PASSWORD"] = neo4j_server["NEO4J_PASSWORD"] + "-wrong"
        expected = "refused the credentials"
    elif case == "wrong-database":
        args += ["--database", "nosuchdb"]
        expected = "no database 'nosuchdb'"
    else:
        args += ["--uri", "http://127.0.0.1:7474"]
        expected = "Neo4j URI"
    result = run_kg(*args, env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_old_server_versions_are_refused() -> None:
    backend = Neo4jBackend.__new__(Neo4jBackend)
    backend.uri = "bolt://example"
    with pytest.raises(BackendError, match="needs Neo4j 5"):
        backend._check_version("Neo4j/4.4.30")
    backend._check_version("Neo4j/5.26.31")
    backend._check_version("Neo4j/2025.10.1")


def test_password_is_never_a_cli_option() -> None:
    result = run_kg("load", "--help")
    assert "--password" not in result.stdout
    assert "NEO4J_PASSWORD" in result.stdout


# ---- faults during a load: the database stays as it was before that load

import subprocess
import sys
import time
from dataclasses import dataclass

from conftest import LOCAL_SCRIPT

from kg.core.synthetic import replicate


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory, curated_store: Path) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.sqlite"
    replicate(curated_store, path, 60)
    return path


def _start_load(store: Path, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "load", "--store", str(store),
                             "--batch-size", "200", *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _wait_until_writing(proc: subprocess.Popen[str], settings: dict[str, str]) -> None:
    """Until the loader's transaction holds locks (visible in SHOW TRANSACTIONS), then a little more."""
    auth = (settings.get("NEO4J_USERNAME", "neo4j"), settings["NEO4J_PASSWORD"])
    deadline = time.monotonic() + 60
    with neo4j.GraphDatabase.driver(settings["NEO4J_URI"], auth=auth) as driver:
        while time.monotonic() < deadline and proc.poll() is None:
            rows, _, _ = driver.execute_query(
                "SHOW TRANSACTIONS YIELD currentQuery, status WHERE currentQuery CONTAINS 'UNWIND' "
                "RETURN count(*) AS n", database_="neo4j")
            if rows[0]["n"]:
                time.sleep(1.0)
                return
            time.sleep(0.1)
    pytest.fail("the load never started writing")


@dataclass
class Interrupted:
    """A database holding a finished load, and a second, larger load caught in the middle of writing."""

    before: tuple[list[Any], list[Any]]  # snapshot() of the database before the second load
    proc: subprocess.Popen[str]


def _interrupt(settings: dict[str, str], first: Path, second: Path, *options: str) -> Interrupted:
    assert run_kg("load", "--store", str(first), *options).returncode == 0
    before = snapshot(settings)
    proc = _start_load(second, *options)
    _wait_until_writing(proc, settings)
    assert proc.poll() is None, "the load finished before it could be interrupted; make big_store bigger"
    return Interrupted(before, proc)


def test_killing_the_loader_mid_load_leaves_the_database_as_it_was(
        empty_neo4j: dict[str, str], test_store: Path, big_store: Path) -> None:
    load = _interrupt(empty_neo4j, test_store, big_store)
    load.proc.kill()
    load.proc.communicate()
    time.sleep(1)
    assert snapshot(empty_neo4j) == load.before


def test_stopping_the_server_mid_load_leaves_the_database_as_it_was(
        empty_neo4j: dict[str, str], test_store: Path, big_store: Path) -> None:
    load = _interrupt(empty_neo4j, test_store, big_store)
    subprocess.run([sys.executable, str(LOCAL_SCRIPT), "kill"], check=True, capture_output=True)
    _, stderr = load.proc.communicate(timeout=120)
    assert load.proc.returncode == 1
    assert len(stderr.strip().splitlines()) == 1 and "Neo4j" in stderr, stderr
    restart = subprocess.run([sys.executable, str(LOCAL_SCRIPT), "start"], capture_output=True, text=True,
                             timeout=600, check=False)
    assert restart.returncode == 0, restart.stdout + restart.stderr
    assert snapshot(empty_neo4j) == load.before
    # and rerunning the same command completes the load
    assert run_kg("load", "--store", str(big_store)).returncode == 0


def test_commit_every_batch_load_is_recovered_by_rerunning(
        empty_neo4j: dict[str, str], test_store: Path, big_store: Path) -> None:
    assert run_kg("load", "--store", str(big_store), "--commit-every-batch").returncode == 0
    clean = snapshot(empty_neo4j)
    load = _interrupt(empty_neo4j, test_store, big_store, "--commit-every-batch")
    load.proc.kill()
    load.proc.communicate()
    partial = snapshot(empty_neo4j)
    assert partial != clean  # part of the load was committed ...
    rerun = run_kg("load", "--store", str(big_store), "--commit-every-batch")
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(empty_neo4j) == clean  # ... and rerunning the same command completes it
