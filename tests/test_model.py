import dataclasses

import pytest

from kg.core.model import Edge, Node, Provenance


def test_node_is_immutable() -> None:
    node = Node("cellkg:x", "Product", {"synonyms": ["A", "B"]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        node.properties["name"] = "changed"  # type: ignore[index]
    assert node.properties["synonyms"] == ("A", "B")


def test_properties_are_copied_not_shared() -> None:
    source = {"name": "x"}
    node = Node("cellkg:x", "Product", source)
    source["name"] = "changed"
    assert node.name == "x"


def test_equality_ignores_provenance_but_not_properties() -> None:
    a = Edge("a", "TARGETS", "b", {"x": 1}, Provenance("pubmed:1", "curated", "f.yaml", 1))
    b = Edge("a", "TARGETS", "b", {"x": 1}, Provenance("pubmed:2", "curated", "g.yaml", 9))
    c = Edge("a", "TARGETS", "b", {"x": 2})
    assert a == b
    assert a != c
