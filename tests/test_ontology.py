"""The schema is derived from ontology/cellkg.ttl, never from a second list."""

from kg.core import resources
from kg.core.owl import load_schema
from kg.core.schema import Schema

DESIGN_CLASSES = {"Target", "Product", "Modality", "Disease", "Autoantibody", "Therapy", "Study", "Evidence",
                  "Outcome", "AdverseEvent", "Organization", "Source"}


def test_design_classes_are_in_the_ontology_with_definitions_and_biolink() -> None:
    schema = load_schema(resources.ontology_file())
    assert set(schema.node_classes) >= DESIGN_CLASSES
    for name in DESIGN_CLASSES:
        cls = schema.classes[name]
        assert cls.definition, name
        assert cls.biolink and cls.biolink.startswith("biolink:"), name


def test_every_relationship_has_domain_range_and_definition() -> None:
    schema = load_schema(resources.ontology_file())
    assert "HAS_PRIOR_THERAPY" in schema.relationships
    for rel in schema.relationships.values():
        assert rel.domain and rel.range and rel.definition, rel.type
        assert set(rel.domain) | set(rel.range) <= set(schema.classes)


def test_adverse_event_is_an_outcome() -> None:
    schema = load_schema(resources.ontology_file())
    assert schema.labels("AdverseEvent") == ["AdverseEvent", "Outcome", "Entity"]


def test_schema_survives_json() -> None:
    schema = load_schema(resources.ontology_file())
    assert Schema.from_json(schema.to_json()) == schema
