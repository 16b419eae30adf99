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


def test_identifier_patterns_are_declared_for_every_prefix_and_agree_with_the_bioregistry() -> None:
    import bioregistry

    schema = load_schema(resources.ontology_file())
    assert set(schema.patterns) == set(schema.prefixes)
    for prefix, pattern in schema.patterns.items():
        if prefix != "cellkg":
            assert pattern == bioregistry.get_pattern(bioregistry.normalize_prefix(prefix)), prefix


def test_build_holds_the_cardinalities_of_the_shapes() -> None:
    """The minimum and maximum counts that SHACL checks on the export come from shapes.ttl, so that
    `kg build` refuses exactly what `kg validate` would."""
    schema = load_schema(resources.ontology_file())
    rules = {(c.owner, c.kind, c.name): (c.min, c.max) for c in schema.cardinalities}
    assert rules[("Evidence", "out", "ABOUT_PRODUCT")] == (1, 1)
    assert rules[("Evidence", "property", "level")] == (1, 1)
    assert rules[("Finding", "in", "HAS_FINDING")] == (1, 1)
    assert all(owner in schema.classes for owner, _, _ in rules)
