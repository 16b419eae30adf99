"""Check records against the schema derived from the ontology, and merge duplicates.

Everything a curator can get wrong is reported here with the record's provenance (file, line,
record, field): unknown classes or relationships, wrong property types, values outside an
enumeration, unknown CURIE prefixes, dangling references, and conflicting duplicates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from kg.core.model import Edge, Node, Provenance, Record, Value
from kg.core.schema import Cardinality, PropertyDef, Schema
from kg.errors import ConflictError, DataError, SchemaViolation

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):(\S+)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # text holds no control characters but \t \n \r
BAD_IRI_CHAR = re.compile(r'[\x00-\x20<>"{}|^`\\]')  # what an IRI cannot hold (kg.export.iri too)


def _fail(message: str, prov: Provenance | None, field: str | None = None,
          cls: type[DataError] = SchemaViolation) -> DataError:
    if prov is None:
        return cls(message, field=field)
    return cls(message, file=prov.file, line=prov.line, record=prov.record, field=field or prov.field)


def check_curie(schema: Schema, value: str, prov: Provenance | None, field: str) -> None:
    match = _CURIE.match(value)
    if not match:
        raise _fail(f"'{value}' is not a CURIE (prefix:identifier)", prov, field)
    prefix, local = match.groups()
    if prefix not in schema.prefixes:
        known = ", ".join(schema.prefixes)
        raise _fail(f"unknown prefix '{prefix}' in '{value}' (declared: {known})", prov, field)
    pattern = schema.patterns.get(prefix)
    if pattern is not None and not re.match(pattern, local):
        raise _fail(f"'{value}' is not a {prefix} identifier (the pattern is {pattern})", prov, field)
    if BAD_IRI_CHAR.search(local):
        raise _fail(f"'{value}' holds a character that cannot appear in an IRI", prov, field)


def merge(records: Iterable[Record]) -> tuple[dict[str, Node], dict[tuple[str, str, str], Edge]]:
    """Index records by identity; identical duplicates merge, conflicting ones are errors."""
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str, str], Edge] = {}
    for record in records:
        if isinstance(record, Node):
            seen = nodes.get(record.id)
            if seen is None:
                nodes[record.id] = record
            elif seen != record:
                raise _conflict(record.id, seen.provenance, record.provenance, _diff(seen, record))
        else:
            seen_edge = edges.get(record.key)
            if seen_edge is None:
                edges[record.key] = record
            elif seen_edge != record:
                what = f"{record.source} -[{record.predicate}]-> {record.target}"
                raise _conflict(what, seen_edge.provenance, record.provenance, _diff(seen_edge, record))
    return nodes, edges


def _diff(a: Node | Edge, b: Node | Edge) -> str:
    if isinstance(a, Node) and isinstance(b, Node) and a.label != b.label:
        return f"class {a.label} vs {b.label}"
    keys = sorted(set(a.properties) | set(b.properties))
    differing = [k for k in keys if a.properties.get(k) != b.properties.get(k)]
    return "differs in " + ", ".join(f"'{k}'" for k in differing)


def _conflict(what: str, first: Provenance | None, second: Provenance | None, diff: str) -> ConflictError:
    earlier = first.location if first else "an earlier record"
    message = f"conflicting duplicate of {what}: {diff} (first defined at {earlier})"
    error = _fail(message, second, "id", ConflictError)
    assert isinstance(error, ConflictError)
    return error


def _type_ok(prop: PropertyDef, value: Any) -> bool:
    kind = prop.datatype
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "nonNegativeInteger"):
        return isinstance(value, int) and not isinstance(value, bool) and (kind == "integer" or value >= 0)
    if kind == "decimal":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    if kind == "anyURI":
        return isinstance(value, str) and value.startswith(("http://", "https://")) and not BAD_IRI_CHAR.search(value)
    return isinstance(value, str) and value.strip() != "" and not _CONTROL.search(value)


_TYPE_WORDS = {"boolean": "true or false", "integer": "a whole number",
               "nonNegativeInteger": "a whole number >= 0", "decimal": "a number >= 0",
               "anyURI": "an http(s) URL", "string": "non-empty text without control characters"}


def check_properties(schema: Schema, owner: str, properties: Mapping[str, Value],
                     prov: Provenance | None, *, edge: bool = False) -> None:
    for key, value in properties.items():
        prop = schema.property_for(owner, key, edge=edge)
        if prop is None:
            raise _fail(f"unknown field '{key}' for {owner}", prov, key)
        values = value if isinstance(value, tuple) else (value,)
        if isinstance(value, tuple) != prop.is_list:
            shape = "a list" if prop.is_list else "a single value"
            raise _fail(f"'{key}' must be {shape}", prov, key)
        for item in values:
            if not _type_ok(prop, item):
                raise _fail(f"'{key}' must be {_TYPE_WORDS.get(prop.datatype, prop.datatype)}, got {item!r}",
                            prov, key)
            if prop.is_list and isinstance(item, str) and "|" in item:
                raise _fail(f"'{key}' item {item!r} holds '|', which separates list items in KGX and "
                            "cannot be escaped there", prov, key)
            if prop.allowed is not None and item not in prop.allowed:
                raise _fail(f"'{key}' is '{item}', expected one of: {', '.join(prop.allowed)}", prov, key)
            if prop.is_curie:
                check_curie(schema, str(item), prov, key)


def validate(schema: Schema, nodes: Mapping[str, Node], edges: Iterable[Edge]) -> None:
    """Raise the first SchemaViolation found; return quietly if the graph fits the ontology."""
    classes = set(schema.node_classes)
    for node in nodes.values():
        prov = node.provenance
        if node.label not in classes:
            raise _fail(f"unknown class '{node.label}'", prov, "id")
        check_curie(schema, node.id, prov, "id")
        check_properties(schema, node.label, node.properties, prov)
        if prov and prov.source is not None and prov.source not in nodes:
            raise _fail(f"source '{prov.source}' is not defined in any sources section", prov, "source")
    for edge in edges:
        prov = edge.provenance
        rel = schema.relationships.get(edge.predicate)
        if rel is None:
            raise _fail(f"unknown relationship '{edge.predicate}'", prov)
        for end, role, allowed in ((edge.source, "source", rel.domain), (edge.target, "target", rel.range)):
            linked = nodes.get(end)
            if linked is None:
                raise _fail(f"'{end}' is not defined (dangling reference)", prov)
            if not any(schema.is_a(linked.label, cls) for cls in allowed):
                raise _fail(f"{edge.predicate} needs a {' or '.join(allowed)} as its {role}, "
                            f"but '{end}' is a {linked.label}", prov)
        check_properties(schema, edge.predicate, edge.properties, prov, edge=True)
    check_cardinalities(schema, nodes, edges)


def check_cardinalities(schema: Schema, nodes: Mapping[str, Node], edges: Iterable[Edge]) -> None:
    """The minimum and maximum counts of ontology/shapes.ttl: a required field or link that is
    missing (evidence without a product or level), or one too many."""
    links: Counter[tuple[str, str, str]] = Counter()
    for edge in edges:
        links["out", edge.source, edge.predicate] += 1
        links["in", edge.target, edge.predicate] += 1
    rules: dict[str, list[Cardinality]] = {}
    for node in nodes.values():
        if node.label not in rules:
            rules[node.label] = [r for r in schema.cardinalities if schema.is_a(node.label, r.owner)]
        for rule in rules[node.label]:
            if rule.kind == "property":
                value = node.properties.get(rule.name)
                count = 0 if value is None else len(value) if isinstance(value, tuple) else 1
            else:
                count = links[rule.kind, node.id, rule.name]
            if count < rule.min or (rule.max is not None and count > rule.max):
                bounds = f"exactly {rule.min}" if rule.min == rule.max else \
                    f"at least {rule.min}" if count < rule.min else f"at most {rule.max}"
                what = f"'{rule.name}'" if rule.kind == "property" else f"{rule.name} relationship"
                message = rule.message or f"a {rule.owner} has {bounds} {what}"
                prov = node.provenance
                field = rule.name if rule.kind == "property" else None  # a link: the message names it
                raise SchemaViolation(f"{message} (found {count})", file=prov.file if prov else None,
                                      line=prov.line if prov else None, record=node.id, field=field)
