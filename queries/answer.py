"""Answering a named question on a backend, and showing its Cypher for the Neo4j Browser.

Parameters are resolved to node ids first (through the store's name index, or the server's when
there is no store), so the question's Cypher anchors on an indexed id on every backend; then the
rows are put in the question's order, nulls last, as Cypher sorts them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.core.steps import Step, quiet
from kg.errors import NotFound, UsageError
from kg.queries.question import Param, Question, Row


def check_params(question: Question, params: Mapping[str, str]) -> None:
    expected = {p.name for p in question.params}
    unknown = sorted(set(params) - expected)
    missing = sorted(expected - set(params))
    usage = " ".join(f"--param {p.name}=<{p.description}>" for p in question.params) or "no parameters"
    if unknown:
        raise UsageError(f"{question.name} has no parameter '{unknown[0]}' (usage: {usage})")
    if missing:
        raise UsageError(f"{question.name} needs --param {missing[0]}=... (usage: {usage})")


def _pick(param: Param, term: str, found: list[tuple[str, str]]) -> str:
    if not found:
        raise NotFound(f"no {param.node_class} is called '{term}' (try `kg lookup {term}`)")
    if len(found) > 1:
        names = "; ".join(f"{i} ({n})" for i, n in found[:5])
        raise UsageError(f"'{term}' names several {param.node_class} nodes: {names}; give an id")
    return found[0][0]


def resolve(question: Question, params: Mapping[str, str], store: Path | None, backend: Any = None) -> dict[str, str]:
    """The question's parameters as node ids, looked up in the store (or on ``backend``)."""
    check_params(question, params)
    if store is not None and store.is_file():
        from kg.core.store import Store

        with Store(store) as db:
            schema = db.schema()
            return {p.name: _pick(p, params[p.name], [(n.id, n.name) for n in db.find(params[p.name], exact=True)
                                                       if schema.is_a(n.label, p.node_class)])
                    for p in question.params}
    if backend is None:
        raise NotFound(f"no store at {store}: run `kg build` first (or pass --store)")
    return {p.name: _pick(p, params[p.name], backend.resolve(p.node_class, params[p.name])) for p in question.params}


def _key(row: Row, order: tuple[tuple[str, bool], ...]) -> list[Any]:
    key = []
    for column, descending in order:
        value = row.get(column)
        if isinstance(value, list):
            value = json.dumps(value, sort_keys=True)
        rank = (value is None, value if value is not None else "")
        if descending and value is not None:
            rank = (False, _Reverse(value))
        key.append(rank)
    return key


class _Reverse:
    """Sorts its value in descending order (for ORDER BY ... DESC)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reverse) -> bool:
        return bool(self.value > other.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.value == other.value


def sort_rows(question: Question, rows: list[Row]) -> list[Row]:
    """The question's ORDER BY (then every column, so ties never depend on the engine)."""
    order = question.order + tuple((c, False) for c in question.columns if c not in dict(question.order))
    return sorted(rows, key=lambda row: _key(row, order))


def answer(question: Question, params: Mapping[str, str], backend_name: str, store: Path,
           progress: Step = quiet, **backend_options: Any) -> list[Row]:
    """Resolve the parameters, run the question on the backend, and order the rows. ``progress``
    hears of the embedded engine's file being derived, when it has to be."""
    from kg.backends import open_backend

    check_params(question, params)
    options = {"store": store, "progress": progress} if backend_name == "embedded" else backend_options
    with open_backend(backend_name, **options) as backend:
        return answer_on(backend, question, params, store)


def answer_on(backend: Any, question: Question, params: Mapping[str, str], store: Path) -> list[Row]:
    """:func:`answer` on an open backend, for callers that ask many questions at once."""
    check_params(question, params)
    return sort_rows(question, backend.ask(question, resolve(question, params, store, backend)))


def _literal(value: str) -> str:
    """A Cypher string literal (JSON's escapes are all Cypher escapes)."""
    return json.dumps(value, ensure_ascii=False)


def pasteable(question: Question, params: Mapping[str, str]) -> str:
    """The question as one statement to paste whole into the Neo4j Browser: its Cypher with each
    resolved parameter written as a literal in its one place (the anchor match), so the plan is the
    same index seek. The Browser runs a pasted ``:param`` line and a query as two statements and
    shows neither result, hence no ``:param`` lines."""
    text = question.cypher.strip()
    if params:
        names = "|".join(re.escape(name) for name in params)
        text = re.sub(rf"\$({names})\b", lambda match: _literal(params[match.group(1)]), text)
    said = ", ".join(f"${name} = {_literal(value)}" for name, value in params.items())
    return (f"// parameters, written in place below: {said}\n" if said else "") + text + ";"


#: Where `kg ask --browser` points when NEO4J_BROWSER_URL is not set (scripts/neo4j-local's port).
BROWSER_URL = "http://127.0.0.1:7474/browser/"


def browser_url(text: str, base: str | None = None) -> str:
    """A Neo4j Browser address that opens with ``text`` in its editor (the Browser's cmd=edit)."""
    from urllib.parse import urlencode

    return (base or BROWSER_URL).rstrip("/") + "/?" + urlencode({"cmd": "edit", "arg": text})
