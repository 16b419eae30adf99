"""Every named question in SPARQL (queries/sparql/<module>.rq) on the RDF export, row for row with `kg ask`.

Each test graph (the small test graph and the curated one) is exported as N-Triples once per
module and loaded into a pyoxigraph store. Each .rq file is then run for every node its parameter
can name (plus the question's example and its cases' parameters, resolved as `kg ask` resolves
them), and its rows must be exactly the rows `kg ask` gives on the embedded backend:

- the same columns, in the same order (the SPARQL's projection is the question's RETURN);
- the same values: CURIEs as `kg ask` prints them (a query returns ``dcterms:identifier``, never
  an IRI), numbers as numbers, booleans as booleans, unbound as null; a list column is a
  ``GROUP_CONCAT(DISTINCT ...; separator="|")``, compared as the sorted list `kg ask` gives;
- the same order wherever the question's Cypher orders its rows (nulls last, as Cypher sorts).

A parameter is the variable ``?<name>_id`` (``?target_id`` for ``target``; never a column), which
stands for the node's CURIE, a plain literal the query joins to ``dcterms:identifier``. It is bound
as Jena's ParameterizedSparqlString and rdflib's initBindings bind it: every occurrence, subqueries
included, becomes the literal, written in pyoxigraph's own N-Triples serialisation (so no value can
end the string early). Subqueries may therefore anchor on it, which keeps them fast, and no SELECT
clause may name it. (pyoxigraph's ``substitutions`` would need the variable in the projection,
which is the question's columns.) docs/rdf.md carries every .rq verbatim and tells users the same.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph  # the test extra's: a missing one fails the run, never skips it
import pytest
import yaml
from conftest import ROOT

from kg.backends.base import plain
from kg.backends.embedded import EmbeddedBackend
from kg.core.store import Store
from kg.errors import NotFound, UsageError
from kg.export.rdf import export_rdf
from kg.queries import all_questions, get_question
from kg.queries.answer import answer_on, resolve
from kg.queries.question import Question, Row

SPARQL = ROOT / "queries" / "sparql"
DOC = ROOT / "docs" / "rdf.md"
CASES = ROOT / "queries" / "cases"
SEPARATOR = "|"  # GROUP_CONCAT's separator for list columns
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {f"{XSD}{t}" for t in ("integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                  "negativeInteger", "long", "int", "short", "byte", "unsignedLong",
                                  "unsignedInt", "unsignedShort", "unsignedByte")}
NUMBERS = {f"{XSD}{t}" for t in ("decimal", "double", "float")}


def query_files() -> list[Path]:
    return sorted(SPARQL.glob("*.rq"))


def question_of(path: Path) -> Question:
    return get_question(path.stem.replace("_", "-"))


class Graph:
    """One store: its export in pyoxigraph, its embedded backend, and its nodes by class."""

    def __init__(self, store: Path, rdf: pyoxigraph.Store, backend: EmbeddedBackend) -> None:
        self.store, self.rdf, self.backend = store, rdf, backend
        with Store(store) as db:
            schema = db.schema()
            self.nodes = [(n.id, n.label) for n in db.nodes()]
        self.is_a = schema.is_a

    def ids(self, node_class: str) -> list[str]:
        return sorted(i for i, label in self.nodes if self.is_a(label, node_class))


@pytest.fixture(scope="module", params=["test_store", "curated_store"])
def graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    store: Path = request.getfixturevalue(request.param)
    exported = tmp_path_factory.mktemp("sparql") / "graph.nt"
    export_rdf(store, exported, "ntriples")
    rdf = pyoxigraph.Store()  # in memory
    rdf.bulk_load(path=exported, format=pyoxigraph.RdfFormat.N_TRIPLES)
    with EmbeddedBackend(store) as backend:
        yield Graph(store, rdf, backend)


def parameter_sets(question: Question, graph: Graph) -> list[dict[str, str]]:
    """The example, the cases' parameters (as people write them: names, synonyms) and every node
    of each parameter's class (by id)."""
    if not question.params:
        return [{}]
    named = [{p.name: p.example for p in question.params}]
    cases = CASES / f"{question.module}.yaml"
    if cases.is_file():
        named += [{k: str(v) for k, v in (case.get("params") or {}).items()}
                  for case in yaml.safe_load(cases.read_text(encoding="utf-8")) or []]
    found = []
    for params in named:  # a name the smaller graph does not hold is no example there
        try:
            resolve(question, params, graph.store)
        except (NotFound, UsageError):  # a name this graph does not hold, or holds twice
            continue
        found.append(params)
    every = [dict(zip([p.name for p in question.params], ids, strict=True))
             for ids in itertools.product(*(graph.ids(p.node_class) for p in question.params))]
    return found + every


def value(term: Any, column: str) -> Any:
    """A SPARQL result term as `kg ask` shows its value."""
    if term is None:
        return None
    assert isinstance(term, pyoxigraph.Literal), (
        f"column {column} is {term}: return the node's dcterms:identifier (its CURIE), not its IRI")
    datatype = term.datatype.value
    if datatype == f"{XSD}boolean":
        return term.value == "true" or term.value == "1"
    if datatype in INTEGERS:
        return int(term.value)
    if datatype in NUMBERS:
        return plain(float(term.value))
    return term.value


def run(graph: Graph, text: str, question: Question, ids: dict[str, str], list_columns: set[str]) -> list[Row]:
    solutions = graph.rdf.query(bind(text, ids))
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    columns = tuple(v.value for v in solutions.variables)
    assert columns == question.columns, "the SPARQL's projection is not the question's columns"
    rows = []
    for solution in solutions:
        row: Row = {}
        for column in columns:
            cell = value(solution[column], column)
            if column in list_columns:
                cell = sorted(cell.split(SEPARATOR)) if cell else []
            row[column] = cell
        rows.append(row)
    return rows


def bind(text: str, ids: dict[str, str]) -> str:
    """The query with each ``?<name>_id`` (or ``$<name>_id``) of ``ids`` replaced by the CURIE as a
    literal, serialised by pyoxigraph (quotes and backslashes escaped)."""
    def literal(match: re.Match[str]) -> str:
        return str(pyoxigraph.Literal(ids[match.group(1)])) if match.group(1) in ids else match.group(0)

    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for name in ids:
        for clause in re.findall(r"\bSELECT\b(.*?)\bWHERE\b", code, re.DOTALL | re.IGNORECASE):
            assert not re.search(rf"[?$]{name}_id\b", clause), f"a SELECT clause names the parameter ?{name}_id"
    return re.sub(r"[?$](\w+)_id\b", literal, text)


def canonical(row: Row) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def defines_order(question: Question) -> bool:
    code = "\n".join(line for line in question.cypher.splitlines() if not line.lstrip().startswith("//"))
    return re.search(r"\bORDER\s+BY\b", code.rsplit("RETURN", 1)[-1], re.IGNORECASE) is not None


def order_keys(question: Question, rows: list[Row]) -> list[str]:
    return [json.dumps([row.get(column) for column, _ in question.order], ensure_ascii=False) for row in rows]


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_sparql_answers_as_kg_ask(path: Path, graph: Graph) -> None:
    question = question_of(path)
    text = path.read_text(encoding="utf-8")
    answered = 0
    for params in parameter_sets(question, graph):
        expected = answer_on(graph.backend, question, params, graph.store)
        for row in expected:
            for column, cell in row.items():
                if isinstance(cell, list):
                    assert not any(SEPARATOR in str(v) for v in cell), f"{column} holds '{SEPARATOR}': {cell}"
        list_columns = {c for c in question.columns if any(isinstance(r[c], list) for r in expected)}
        ids = resolve(question, params, graph.store)
        got = run(graph, text, question, ids, list_columns)
        assert sorted(map(canonical, got)) == sorted(map(canonical, expected)), (
            f"{question.name} {params}: rows differ\n"
            f"only SPARQL: {sorted(set(map(canonical, got)) - set(map(canonical, expected)))[:5]}\n"
            f"only kg ask: {sorted(set(map(canonical, expected)) - set(map(canonical, got)))[:5]}")
        if defines_order(question):
            assert order_keys(question, got) == order_keys(question, expected), (
                f"{question.name} {params}: rows are not in the question's order")
        answered += bool(expected)
    assert answered, f"{question.name}: no parameter gives a row on this graph, so nothing was compared"


def test_every_question_has_its_sparql() -> None:
    have = {p.stem for p in query_files()}
    missing = sorted(q.module for q in all_questions() if q.module not in have)
    assert not missing, f"no queries/sparql/<name>.rq for: {', '.join(missing)}"
    strays = sorted(have - {q.module for q in all_questions()})
    assert not strays, f"a .rq file for no named question: {', '.join(strays)}"


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_each_query_names_its_question_and_is_in_the_docs(path: Path) -> None:
    question = question_of(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# {question.name}\n"), "a .rq opens with a comment naming its question"
    for p in question.params:
        assert f"{p.name}_id" not in question.columns, f"the parameter's variable ?{p.name}_id is a column"
        assert re.search(rf"\?{p.name}_id\b", text), f"the parameter {p.name} is not ?{p.name}_id"
    assert text.strip() in DOC.read_text(encoding="utf-8"), f"docs/rdf.md does not hold {path.name} verbatim"


@pytest.mark.parametrize("curie", ['MONDO:0009688', 'x" } ?s ?p ?o { "', 'back\\slash "quoted"\nline', "é’ \U0001f9ec"])
def test_a_bound_parameter_is_one_literal_whatever_it_holds(curie: str) -> None:
    """No value can end the literal early or add SPARQL: it comes back as exactly itself."""
    query = "SELECT ?value WHERE { BIND(?target_id AS ?value) }"
    solutions = pyoxigraph.Store().query(bind(query, {"target": curie}))
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    assert [s["value"] for s in solutions] == [pyoxigraph.Literal(curie)]
