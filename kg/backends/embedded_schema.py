"""The embedded engine's tables, derived from the ontology's schema; pure (no engine import).

The engine (LadybugDB, a Kùzu fork) stores each node in exactly one table and each relationship
in a table whose FROM/TO pairs are declared up front. So every class directly under ``Entity``
becomes a node table, and its subclasses live in it too (an AdverseEvent is a row of ``Outcome``):
the named questions match on those classes only, which Neo4j, where a node carries the labels of
all its superclasses, answers the same way. Columns are the properties the ontology gives the
class, its subclasses or ``Entity``, plus the provenance columns of the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.core.schema import ROOT_CLASS, PropertyDef, Schema

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
PROVENANCE = ("prov_source", "prov_loader", "prov_location")
_TYPES = {"string": "STRING", "anyURI": "STRING", "boolean": "BOOLEAN", "integer": "INT64",
          "nonNegativeInteger": "INT64", "decimal": "DOUBLE"}


def safe(name: str) -> str:
    """A table or column name written into DDL and Cypher: only ever a plain identifier."""
    if not _NAME.match(name):
        raise ValueError(f"refusing to put '{name}' into Cypher: not a plain identifier")
    return name


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # STRING, BOOLEAN, INT64, DOUBLE, STRING[]

    @property
    def ddl(self) -> str:
        return f"`{safe(self.name)}` {self.type}"


@dataclass(frozen=True)
class Tables:
    """Node tables with their columns, relationship tables with their end pairs and columns."""

    nodes: dict[str, tuple[Column, ...]]
    relationships: dict[str, tuple[tuple[tuple[str, str], ...], tuple[Column, ...]]]
    table_of: dict[str, str]  # class name -> its node table

    def ddl(self) -> list[str]:
        statements = []
        for table, columns in self.nodes.items():
            body = ", ".join(c.ddl for c in columns)
            statements.append(f"CREATE NODE TABLE `{safe(table)}`({body}, PRIMARY KEY(id))")
        for rel, (pairs, columns) in self.relationships.items():
            ends = ", ".join(f"FROM `{safe(a)}` TO `{safe(b)}`" for a, b in pairs)
            extra = "".join(f", {c.ddl}" for c in columns)
            statements.append(f"CREATE REL TABLE `{safe(rel)}`({ends}{extra})")
        return statements


def _column(prop: PropertyDef) -> Column:
    kind = _TYPES.get(prop.datatype, "STRING")
    return Column(prop.key, f"{kind}[]" if prop.is_list else kind)


def tables(schema: Schema) -> Tables:
    """The engine's tables for ``schema``."""
    table_of: dict[str, str] = {}
    for cls in schema.node_classes:
        chain = schema.ancestors(cls)  # cls first, ROOT_CLASS last
        top = chain[-2] if len(chain) > 1 and chain[-1] == ROOT_CLASS else cls
        table_of[cls] = top
    nodes: dict[str, tuple[Column, ...]] = {}
    for table in sorted(set(table_of.values())):
        members = {ROOT_CLASS, *(cls for cls, top in table_of.items() if top == table)}
        columns: dict[str, Column] = {"id": Column("id", "STRING")}
        for prop in schema.properties:
            if members & set(prop.domain) and prop.key not in columns:
                columns[prop.key] = _column(prop)
        for name in PROVENANCE:
            columns[name] = Column(name, "STRING")
        nodes[table] = tuple(columns.values())

    def tables_for(classes: tuple[str, ...]) -> list[str]:
        if ROOT_CLASS in classes:
            return sorted(nodes)
        return sorted({table_of[c] for c in classes})

    relationships: dict[str, tuple[tuple[tuple[str, str], ...], tuple[Column, ...]]] = {}
    for rel in schema.relationships.values():
        pairs = tuple((a, b) for a in tables_for(rel.domain) for b in tables_for(rel.range))
        by_key = {p.key: _column(p) for p in schema.properties if rel.type in p.domain}
        relationships[rel.type] = (pairs, (*by_key.values(), *(Column(n, "STRING") for n in PROVENANCE)))
    return Tables(nodes, relationships, table_of)
