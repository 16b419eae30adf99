"""What `kg cypher` lets a user run: reading clauses only, on every backend.

Both backends already open ad-hoc queries read-only (Neo4j's read access mode, the embedded
engine's read-only database), which refuses writes. That is not enough: Neo4j runs
``TERMINATE TRANSACTIONS`` (killing another user's load), ``LOAD CSV FROM 'http://…'`` (the server
fetches any URL) and procedures such as ``db.clearQueryCaches()`` in read mode. So a query is
checked word by word first, outside string literals, comments and quoted names: clauses that write,
administer or read from outside the graph are refused, and ``CALL`` only reaches procedures that
list the schema.
"""

from __future__ import annotations

import re

from kg.errors import ReadOnlyViolation

ALLOWED_PROCEDURES = frozenset({
    # Neo4j: labels, types, keys and the schema
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
    # the embedded engine: tables and their columns
    "show_tables", "table_info",
})
REFUSED = frozenset({
    "create", "merge", "delete", "detach", "set", "remove", "foreach", "drop", "alter", "rename", "grant",
    "deny", "revoke", "terminate", "start", "stop", "enable", "load", "copy", "export", "import", "install",
    "attach", "use", "begin", "commit", "rollback", "checkpoint",
})
SHOWABLE = frozenset({"index", "indexes", "constraint", "constraints"})
_SHOW_KINDS = frozenset({"all", "range", "text", "point", "fulltext", "lookup", "vector", "unique", "existence",
                         "exist", "node", "relationship", "rel", "key", "property", "uniqueness"})

_HIDDEN = re.compile(r"""//[^\n]*|/\*.*?(?:\*/|$)|'(?:\\.|[^'\\])*'?|"(?:\\.|[^"\\])*"?|`(?:``|[^`])*`?""", re.DOTALL)
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*|\S")


def check_read_query(query: str) -> None:
    """Raise ReadOnlyViolation unless ``query`` only reads the graph."""
    tokens = _TOKEN.findall(_HIDDEN.sub(" ", query))
    for i, token in enumerate(tokens):
        word = re.sub(r"\s+", "", token).lower()
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if before in {".", "$", ":"} or after == ":":  # a property, parameter, label or map key
            continue
        if word == "call" and after not in {"{", "("}:  # a subquery's body is checked like the rest
            if re.sub(r"\s+", "", after).lower() not in ALLOWED_PROCEDURES:
                raise ReadOnlyViolation(
                    f"refused: `kg cypher` calls only the schema procedures ({', '.join(sorted(ALLOWED_PROCEDURES))}), "
                    f"not {after}")
        elif word == "show" and not _shows_schema(tokens[i + 1:]):
            raise ReadOnlyViolation(f"refused: `kg cypher` shows only indexes and constraints, not SHOW {after}")
        elif word == "in" and after.lower() == "transactions":
            raise ReadOnlyViolation("refused: `kg cypher` runs one read transaction; CALL … IN TRANSACTIONS writes")
        elif word in REFUSED:
            raise ReadOnlyViolation(f"refused: `kg cypher` runs read-only queries, and {token.upper()} is not "
                                    "a reading clause (use `kg build` and `kg load` to change the graph)")


def _shows_schema(rest: list[str]) -> bool:
    """SHOW [kinds…] INDEXES|CONSTRAINTS: the schema, which is harmless to list."""
    for token in rest:
        word = token.lower()
        if word in SHOWABLE:
            return True
        if word not in _SHOW_KINDS:
            return False
    return False
