"""The Neo4j backend against a real Neo4j 5 Community server over Bolt (see conftest.neo4j_server)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import neo4j
import pytest
from conftest import run_kg, store_with

from kg.backends import open_backend
from kg.backends.neo4j import Neo4jBackend
from kg.core.model import Node, Provenance
from kg.core.store import Store
from kg.errors import BackendError, ReadOnlyViolation
from kg.queries import all_questions
from kg.queries.answer import answer, resolve

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


def _runs(store: Path) -> list[tuple[str, dict[str, str]]]:
    """Every question with several real parameter values, and every case file's parameters."""
    from test_cases import case_params

    runs: list[tuple[str, dict[str, str]]] = []
    for question in all_questions():
        if not question.params:
            runs.append((question.name, {}))
        for param in question.params:
            runs += [(question.name, {param.name: v}) for v in _parameter_values(store, param.node_class)]
    return runs + case_params()


@pytest.mark.parametrize("which", ["test", "curated"])
def test_every_question_gives_the_same_rows_on_both_backends(
        which: str, empty_neo4j: dict[str, str], test_store: Path, curated_store: Path) -> None:
    from kg.errors import NotFound, UsageError
    from kg.queries import get_question

    store = test_store if which == "test" else curated_store
    assert run_kg("load", "--store", str(store)).returncode == 0
    compared = nonempty = 0
    for name, params in _runs(store):
        question = get_question(name)
        try:
            expected = answer(question, params, "embedded", store)
        except (NotFound, UsageError):  # a case file's value that only the curated graph holds
            continue
        assert answer(question, params, "neo4j", store) == expected, f"{name} {params}"
        compared += 1
        nonempty += bool(expected)
    assert compared >= 40 and nonempty >= 20


def test_questions_anchor_on_an_index_seek(empty_neo4j: dict[str, str], curated_store: Path) -> None:
    """PROFILE shows each question starting from the id index, not a scan of a label."""
    assert run_kg("load", "--store", str(curated_store)).returncode == 0
    auth = (empty_neo4j.get("NEO4J_USERNAME", "neo4j"), empty_neo4j["NEO4J_PASSWORD"])
    with neo4j.GraphDatabase.driver(empty_neo4j["NEO4J_URI"], auth=auth) as driver, driver.session() as session:
        # Plans are cached by query text: without this, plans made earlier for the tiny test graph
        # (where scanning a few nodes costs the same as a seek) would be reused here.
        session.run("CALL db.clearQueryCaches()").consume()
        for question in all_questions():
            if not question.params:
                continue
            (param,) = question.params
            params = resolve(question, {param.name: param.example}, curated_store)
            summary = session.run("PROFILE " + question.cypher, params).consume()
            operators = _operators(summary.profile)
            assert any("IndexSeek" in op for op in operators), f"{question.name}: {operators}"
            assert not any(op.startswith("NodeByLabelScan") or op == "AllNodesScan" for op in operators), \
                f"{question.name} scans: {operators}"
            start = summary.profile  # where execution starts: the leaf reached through each first input
            while start.get("children"):
                start = start["children"][0]
            assert "IndexSeek" in start["operatorType"], \
                f"{question.name} starts from {start['operatorType']}: {operators}"


def _operators(plan: dict[str, Any]) -> list[str]:
    found = [str(plan["operatorType"]).split("@")[0]]
    for child in plan.get("children", []):
        found += _operators(child)
    return found


def test_ask_with_neo4j_backend_from_the_cli(empty_neo4j: dict[str, str], test_store: Path) -> None:
    assert run_kg("load", "--store", str(test_store)).returncode == 0
    args = ("ask", "safety-of-product", "-p", "product=Testafix", "-f", "json", "--store", str(test_store))
    assert run_kg(*args, "--backend", "neo4j").stdout == run_kg(*args).stdout


def test_cypher_is_read_only(empty_neo4j: dict[str, str], test_store: Path) -> None:
    assert run_kg("load", "--store", str(test_store)).returncode == 0
    before = snapshot(empty_neo4j)
    ok = run_kg("cypher", "MATCH (p:Product {id: $id}) RETURN p.name AS name", "-p", "id=cellkg:t-prod-a", "-f", "json",
                "--backend", "neo4j")
    assert ok.returncode == 0, ok.stderr
    assert '"testacabtagene autoleucel"' in ok.stdout
    refused = run_kg("cypher", "CREATE (n:Product {id: 'x'}) RETURN n", "--backend", "neo4j")
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1 and "read-only" in refused.stderr
    with Neo4jBackend() as backend, pytest.raises(ReadOnlyViolation):
        backend.cypher("MATCH (n:Product) SET n.name = 'x'")
    assert snapshot(empty_neo4j) == before


def test_readme_queries_give_the_same_rows_on_both_backends(empty_neo4j: dict[str, str], curated_store: Path) -> None:
    from test_docs import readme_queries

    assert run_kg("load", "--store", str(curated_store)).returncode == 0
    queries = readme_queries()
    assert len(queries) >= 3
    for query in queries:
        rows = {}
        for backend in ("embedded", "neo4j"):
            result = run_kg("cypher", query, "--backend", backend, "--store", str(curated_store), "-f", "json")
            assert result.returncode == 0, (backend, query, result.stderr)
            rows[backend] = sorted(json.dumps(r, sort_keys=True) for r in json.loads(result.stdout))
        assert rows["embedded"] == rows["neo4j"] and rows["embedded"], query


def test_routing_uri_works(neo4j_server: dict[str, str]) -> None:
    uri = neo4j_server["NEO4J_URI"].replace("bolt://", "neo4j://")
    with open_backend("neo4j", uri=uri) as backend:
        assert backend.cypher("RETURN 1 AS one") == [{"one": 1}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The Neo4j part of the bad-input corpus (tests/test_corpus.py): each case exits with its code and
# one line naming the cause, and the database keeps every node, relationship and property.
NEO4J_CASES: dict[str, tuple[tuple[str, ...], dict[str, str | None], int, str]] = {
    # name: (kg arguments, environment changes, exit code, text of the one line)
    "unreachable": (("load", "--uri", "bolt://127.0.0.1:{free}"), {}, 1, "cannot reach Neo4j"),
    "not-a-bolt-uri": (("load", "--uri", "http://127.0.0.1:7474"), {}, 1, "Neo4j URI"),
    "wrong-password": (("load",), {"NEO4J_PASSWORD": "{password}-wrong"}, 1, "refused the credentials"),
    "no-password": (("load",), {"NEO4J_PASSWORD": None}, 1, "set NEO4J_PASSWORD"),
    "no-such-database": (("load", "--database", "nosuchdb"), {}, 1, "no database 'nosuchdb'"),
    "system-database": (("load", "--database", "system"), {}, 2, "'system' database"),
    "batch-size-zero": (("load", "--batch-size", "0"), {}, 2, "--batch-size"),
    "batch-size-negative": (("load", "--batch-size", "-5"), {}, 2, "--batch-size"),
    "missing-store": (("load", "--store", "{tmp}/none.sqlite"), {}, 1, "no store at"),
    "cypher-create": (("cypher", "CREATE (n:Product {id: 'x'})"), {}, 1, "CREATE"),
    "cypher-merge": (("cypher", "MATCH (n:Product) MERGE (n)-[:MY_TAG]->(n)"), {}, 1, "MERGE"),
    "cypher-terminate": (("cypher", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'"), {}, 1, "TERMINATE"),
    "cypher-load-csv": (("cypher", "LOAD CSV FROM 'http://127.0.0.1:7484/' AS line RETURN line"), {}, 1, "LOAD"),
    "cypher-clear-caches": (("cypher", "CALL db.clearQueryCaches()"), {}, 1, "db.clearQueryCaches"),
    "cypher-kill-query": (("cypher", "CALL dbms.killQuery('query-1')"), {}, 1, "dbms.killQuery"),
    "cypher-show-transactions": (("cypher", "SHOW TRANSACTIONS"), {}, 1, "SHOW TRANSACTIONS"),
    "cypher-other-database": (("cypher", "USE system SHOW USERS"), {}, 1, "USE"),
    "cypher-in-transactions": (("cypher", "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS"), {}, 1,
                               "DETACH"),
    "cypher-syntax": (("cypher", "MATCH (n RETURN n"), {}, 1, "Neo4j refused the query"),
}


@pytest.mark.parametrize("case", sorted(NEO4J_CASES))
def test_neo4j_bad_input_is_one_line_and_changes_nothing(case: str, empty_neo4j: dict[str, str], test_store: Path,
                                                          tmp_path: Path) -> None:
    assert run_kg("load", "--store", str(test_store)).returncode == 0
    before = snapshot(empty_neo4j)
    args, env, code, expected = NEO4J_CASES[case]
    fill = {"{free}": str(_free_port()), "{tmp}": str(tmp_path), "{password}": empty_neo4j["NEO4J_PASSWORD"]}

    def filled(text: str) -> str:
        for key, value in fill.items():
            text = text.replace(key, value)
        return text

    argv = [filled(a) for a in args]
    if argv[0] == "cypher":
        argv += ["--backend", "neo4j"]
    elif "--store" not in argv:
        argv += ["--store", str(test_store)]
    result = run_kg(*argv, env={k: None if v is None else filled(v) for k, v in env.items()})
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert snapshot(empty_neo4j) == before


def test_load_removes_only_what_cellkg_wrote(empty_neo4j: dict[str, str], test_store: Path, tmp_path: Path) -> None:
    """An analyst's own relationship between graph nodes, and another graph's nodes that happen to
    use the label Entity, survive a load that replaces the earlier one; what the earlier load wrote
    and this one does not is removed."""
    variant = store_with(tmp_path, test_store, [Node("cellkg:therapy-t-extra", "Therapy", {"name": "extra"},
                                                     Provenance(None, "curated"))])
    assert run_kg("load", "--store", str(variant)).returncode == 0
    auth = (empty_neo4j.get("NEO4J_USERNAME", "neo4j"), empty_neo4j["NEO4J_PASSWORD"])
    with neo4j.GraphDatabase.driver(empty_neo4j["NEO4J_URI"], auth=auth) as driver:
        driver.execute_query("MATCH (p:Product {id: 'cellkg:t-prod-a'}), (d:Disease {id: 'MONDO:9000002'}) "
                             "CREATE (p)-[:MY_TAG {note: 'mine'}]->(d)")
        driver.execute_query("CREATE (:Entity:Other {id: 'other:1'})-[:OTHER_LINK]->(:Entity:Other {id: 'other:2'})")
        assert run_kg("load", "--store", str(test_store)).returncode == 0
        extra, _, _ = driver.execute_query("MATCH (n {id: 'cellkg:therapy-t-extra'}) RETURN count(n) AS n")
        mine, _, _ = driver.execute_query("MATCH (:Product {id: 'cellkg:t-prod-a'})-[r:MY_TAG]->"
                                          "(:Disease {id: 'MONDO:9000002'}) RETURN r.note AS note")
        other, _, _ = driver.execute_query("MATCH (:Other {id: 'other:1'})-[:OTHER_LINK]->(:Other {id: 'other:2'}) "
                                           "RETURN count(*) AS n")
    assert [r["note"] for r in mine] == ["mine"]
    assert other[0]["n"] == 1
    assert extra[0]["n"] == 0
    with Store(test_store) as store, Neo4jBackend() as backend:
        counts = store.counts()
        assert backend.count() == (sum(counts["nodes"].values()), sum(counts["relationships"].values()))


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
    replicate(curated_store, path, 18)
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


def test_pasted_whole_questions_give_the_rows_of_kg_ask(empty_neo4j: dict[str, str], curated_store: Path) -> None:
    """What `kg ask --show-cypher` prints is one statement: run as it is on Neo4j, it answers as `kg ask`."""
    from kg.backends.base import plain_rows
    from kg.queries.answer import pasteable, sort_rows

    assert run_kg("load", "--store", str(curated_store)).returncode == 0
    with Neo4jBackend() as backend:
        for question in all_questions():
            params = {p.name: p.example for p in question.params}
            text = pasteable(question, resolve(question, params, curated_store))
            pasted = sort_rows(question, plain_rows(backend.cypher(text, {}), question.columns))
            assert pasted and pasted == answer(question, params, "neo4j", curated_store), question.name


def test_every_node_has_a_caption_and_bookkeeping_sorts_apart(empty_neo4j: dict[str, str],
                                                              curated_store: Path) -> None:
    """The Browser's property panel sorts keys by code point: bookkeeping ('~…') comes after every
    domain property; no empty list is written; every node has the caption the shipped style shows."""
    from kg.core.captions import EVIDENCE_LINKS, caption, evidence_contexts

    assert run_kg("load", "--store", str(curated_store)).returncode == 0
    auth = (empty_neo4j.get("NEO4J_USERNAME", "neo4j"), empty_neo4j["NEO4J_PASSWORD"])
    with neo4j.GraphDatabase.driver(empty_neo4j["NEO4J_URI"], auth=auth) as driver:
        nodes, _, _ = driver.execute_query("MATCH (n:Entity) RETURN n.id AS id, properties(n) AS p")
        rels, _, _ = driver.execute_query("MATCH (:Entity)-[r]->(:Entity) RETURN properties(r) AS p")
    with Store(curated_store) as store:
        contexts = evidence_contexts(store.links(EVIDENCE_LINKS))
        expected = {n.id: caption(n, contexts.get(n.id)) for n in store.nodes()}
    assert {r["id"]: r["p"]["caption"] for r in nodes} == expected
    assert all(expected.values())
    evidence = [c for i, c in expected.items() if i.startswith("cellkg:ev-") and " · " in c]
    assert evidence and all(c.count(" · ") >= 2 for c in evidence)
    for props in [r["p"] for r in nodes] + [r["p"] for r in rels]:
        assert "~build" in props and not any(k.startswith(("kg_", "prov_")) for k in props)
        assert [] not in props.values()
        keys = sorted(props)
        domain = [k for k in keys if not k.startswith("~")]
        assert keys == domain + sorted(k for k in keys if k.startswith("~"))


def test_a_load_removes_what_a_load_before_the_rename_wrote(empty_neo4j: dict[str, str], test_store: Path) -> None:
    """Databases loaded before the stamp was renamed carry `kg_build`: a load still removes those."""
    auth = (empty_neo4j.get("NEO4J_USERNAME", "neo4j"), empty_neo4j["NEO4J_PASSWORD"])
    with neo4j.GraphDatabase.driver(empty_neo4j["NEO4J_URI"], auth=auth) as driver:
        driver.execute_query("CREATE (:Entity:Product {id: 'cellkg:old-load', kg_build: 'abc'}), "
                             "(:Entity:Product {id: 'cellkg:analyst-own'})")
        assert run_kg("load", "--store", str(test_store)).returncode == 0
        left, _, _ = driver.execute_query("MATCH (n:Product) WHERE n.id IN ['cellkg:old-load', 'cellkg:analyst-own'] "
                                          "RETURN n.id AS id")
    assert [r["id"] for r in left] == ["cellkg:analyst-own"]
