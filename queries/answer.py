"""Answering a named question on a backend, and showing its Cypher for the Neo4j Browser."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.errors import NotFound, UsageError
from kg.queries.question import Question, Row


def check_params(question: Question, params: Mapping[str, str]) -> None:
    expected = {p.name for p in question.params}
    unknown = sorted(set(params) - expected)
    missing = sorted(expected - set(params))
    usage = " ".join(f"--param {p.name}=<{p.description}>" for p in question.params)
    if unknown:
        raise UsageError(f"{question.name} has no parameter '{unknown[0]}' (usage: {usage})")
    if missing:
        raise UsageError(f"{question.name} needs --param {missing[0]}=... (usage: {usage})")


def answer(question: Question, params: Mapping[str, str], backend_name: str, store: Path,
           **backend_options: Any) -> list[Row]:
    """Check the parameters name existing nodes, then run the question on the backend."""
    from kg.backends import open_backend

    check_params(question, params)
    options = {"store": store} if backend_name == "memory" else backend_options
    with open_backend(backend_name, **options) as backend:
        for param in question.params:
            if not backend.resolve(param.node_class, params[param.name]):
                raise NotFound(f"no {param.node_class} is called '{params[param.name]}' "
                               f"(try `kg lookup {params[param.name]}`)")
        return backend.ask(question, params)


def browser_script(question: Question, params: Mapping[str, str]) -> str:
    """The question's Cypher preceded by ``:param`` lines, ready to paste into the Neo4j Browser."""
    values = {p.name: params.get(p.name, p.example) for p in question.params}
    lines = [f":param {name} => {json.dumps(value)};" for name, value in values.items()]
    return "\n".join(lines) + "\n\n" + question.cypher.strip() + ";"
