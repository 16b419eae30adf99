"""The shape of a named question: its parameters and its Cypher, one text for every backend.

A question is a module in this package (its docstring says what it answers and why) and a
``<module>.cypher`` file beside it: exactly what runs on Neo4j, on the embedded engine, and what a
Browser user pastes. The text keeps to the Cypher both engines speak (no list comprehensions,
``COLLECT {}``, ``CALL {}`` or ``toString``; ``EXISTS {}`` and ``COUNT {}`` are fine); the
parity tests run every question on both.

Parameters that name a node are resolved to its id before the question runs (an id, a name, a
synonym, a code name or a brand all work), so every question anchors on an indexed id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from typing import Any

Row = dict[str, Any]

#: Columns that only identify; people see them in JSON and CSV, not in tables.
ID_COLUMNS = ("evidence", "disease_id")


@dataclass(frozen=True)
class Param:
    name: str
    node_class: str  # the class a value must name (by id, name or synonym)
    description: str
    example: str


@dataclass(frozen=True)
class Question:
    name: str
    description: str
    params: tuple[Param, ...] = ()
    hidden: tuple[str, ...] = field(default=ID_COLUMNS)

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")

    @cached_property
    def cypher(self) -> str:
        """The Cypher text exactly as it runs (the file beside the module)."""
        return files("kg.queries").joinpath(f"{self.module}.cypher").read_text(encoding="utf-8")

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The answer's columns: the aliases of the last RETURN clause, in order."""
        return tuple(_alias(item) for item in _split(_last_clause(_code(self.cypher), "RETURN")))

    @cached_property
    def order(self) -> tuple[tuple[str, bool], ...]:
        """(column, descending) keys of the final ORDER BY; all columns when there is none."""
        text = _code(self.cypher)
        final = text.rsplit("RETURN", 1)[-1]
        match = re.search(r"\bORDER\s+BY\b(.*?)(?:\bSKIP\b|\bLIMIT\b|$)", final, re.DOTALL | re.IGNORECASE)
        if match is None:
            return tuple((c, False) for c in self.columns)
        keys = []
        for item in _split(match.group(1)):
            descending = bool(re.search(r"\bDESC(?:ENDING)?\s*$", item, re.IGNORECASE))
            keys.append((re.sub(r"\s+(?:ASC|DESC)(?:ENDING)?\s*$", "", item, flags=re.IGNORECASE).strip(), descending))
        return tuple(keys)

    @property
    def table_columns(self) -> tuple[str, ...]:
        """The columns people see in a table: identifiers for machines stay in JSON and CSV."""
        return tuple(c for c in self.columns if c not in self.hidden)


def _code(text: str) -> str:
    """The Cypher without its // comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def _last_clause(text: str, keyword: str) -> str:
    tail = re.split(rf"\b{keyword}\b(?:\s+DISTINCT\b)?", text)[-1]
    return re.split(r"\bORDER\s+BY\b|\bSKIP\b|\bLIMIT\b|;", tail)[0]


def _split(text: str) -> list[str]:
    """Split on commas outside brackets, braces, parentheses and strings."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _alias(item: str) -> str:
    match = re.search(r"\bAS\s+`?(\w+)`?\s*$", item, re.IGNORECASE)
    return match.group(1) if match else item.strip().strip("`")
