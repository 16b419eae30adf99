"""The schema that code checks data against, derived from the ontology (see kg.ontology).

Plain data, JSON-serialisable, so that the built store carries it and later commands need
neither rdflib nor the ontology file.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

ROOT_CLASS = "Entity"


def relationship_type(local_name: str) -> str:
    """``hasPriorTherapy`` -> ``HAS_PRIOR_THERAPY`` (the Neo4j relationship type)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", local_name).upper()


def property_key(local_name: str) -> str:
    """``followUpMonths`` -> ``follow_up_months`` (the key in data files and in Neo4j)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", local_name).lower()


@dataclass(frozen=True)
class ClassDef:
    name: str
    iri: str
    parents: tuple[str, ...]
    definition: str = ""
    biolink: str | None = None


@dataclass(frozen=True)
class RelationshipDef:
    type: str
    iri: str
    domain: tuple[str, ...]
    range: tuple[str, ...]
    definition: str = ""
    derived: bool = False
    biolink: str | None = None


@dataclass(frozen=True)
class PropertyDef:
    key: str
    iri: str
    domain: tuple[str, ...]  # class names, or relationship types for edge properties
    datatype: str  # xsd local name: string, boolean, integer, nonNegativeInteger, decimal, anyURI
    is_list: bool = False
    is_curie: bool = False
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Cardinality:
    """How many values of ``name`` a node of class ``owner`` has, from a property shape of
    ``ontology/shapes.ttl``: ``kind`` is "property" (a field), "out" or "in" (relationships)."""
    owner: str
    kind: str
    name: str
    min: int
    max: int | None
    message: str


@dataclass(frozen=True)
class Schema:
    ontology_iri: str
    version_iri: str
    version: str
    classes: dict[str, ClassDef]
    relationships: dict[str, RelationshipDef]
    properties: tuple[PropertyDef, ...]
    prefixes: dict[str, str] = field(default_factory=dict)
    #: prefix -> the regular expression every local identifier under it matches (the ontology's
    #: cellkgv:identifierPattern, the same as the Bioregistry's)
    patterns: dict[str, str] = field(default_factory=dict)
    cardinalities: tuple[Cardinality, ...] = ()

    # ---- class hierarchy
    def ancestors(self, name: str) -> list[str]:
        """The class and all its superclasses, nearest first."""
        seen: list[str] = []
        todo = [name]
        while todo:
            current = todo.pop(0)
            if current in seen or current not in self.classes:
                continue
            seen.append(current)
            todo.extend(self.classes[current].parents)
        return seen

    def is_a(self, name: str, cls: str) -> bool:
        return cls in self.ancestors(name)

    def labels(self, name: str) -> list[str]:
        """Neo4j labels for a node of class ``name``: itself, its superclasses and Entity."""
        return self.ancestors(name)

    @property
    def node_classes(self) -> list[str]:
        return sorted(c for c in self.classes if c != ROOT_CLASS)

    # ---- properties
    def property_for(self, owner: str, key: str, *, edge: bool = False) -> PropertyDef | None:
        owners = [owner] if edge else self.ancestors(owner)
        for prop in self.properties:
            if prop.key == key and any(o in prop.domain for o in owners):
                return prop
        return None

    # ---- serialisation
    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Schema:
        raw: dict[str, Any] = json.loads(text)
        return cls(
            ontology_iri=raw["ontology_iri"],
            version_iri=raw["version_iri"],
            version=raw["version"],
            classes={k: ClassDef(**{**v, "parents": tuple(v["parents"])}) for k, v in raw["classes"].items()},
            relationships={
                k: RelationshipDef(**{**v, "domain": tuple(v["domain"]), "range": tuple(v["range"])})
                for k, v in raw["relationships"].items()
            },
            properties=tuple(
                PropertyDef(**{**p, "domain": tuple(p["domain"]),
                               "allowed": tuple(p["allowed"]) if p["allowed"] is not None else None})
                for p in raw["properties"]
            ),
            prefixes=raw["prefixes"],
            patterns=raw.get("patterns", {}),
            cardinalities=tuple(Cardinality(**c) for c in raw.get("cardinalities", ())),
        )
