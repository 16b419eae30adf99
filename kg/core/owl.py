"""Read the OWL ontology (``ontology/cellkg.ttl``) into a Schema. The only place that parses OWL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.core.schema import Cardinality, ClassDef, PropertyDef, RelationshipDef, Schema, property_key, relationship_type
from kg.errors import OntologyError

if TYPE_CHECKING:
    from rdflib.term import Node

VOCAB = "https://w3id.org/cellkg/vocab/"
#: The class of relationships as things with fields (not a node class): the domain of the fields that
#: relationships carry, each naming its relationships with cellkgv:onRelationship (OWL 2 DL allows no
#: object property as a domain).
RELATIONSHIP = VOCAB + "Relationship"
BIOLINK = "https://w3id.org/biolink/vocab/"


def load_schema(path: Path, shapes: Path | None = None) -> Schema:
    """Parse the ontology and derive classes, relationship types, properties and prefixes; with
    ``shapes`` (default: shapes.ttl beside the ontology, if there), also the cardinalities that
    `kg build` checks, so that build and SHACL hold the same rules."""
    from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    cellkg = Namespace(VOCAB)
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many types for bad Turtle
        raise OntologyError(f"{path}: cannot parse ontology: {exc}") from exc

    def local(iri: object) -> str:
        text = str(iri)
        if not text.startswith(VOCAB):
            raise OntologyError(f"{path}: {text} is outside the cellkg vocabulary")
        return text[len(VOCAB):]

    def text(subject: Node, predicate: URIRef) -> str:
        value = graph.value(subject, predicate)
        return str(value) if value is not None else ""

    def biolink(subject: Node) -> str | None:
        for predicate in (SKOS.exactMatch, SKOS.closeMatch):
            for obj in graph.objects(subject, predicate):
                if str(obj).startswith(BIOLINK):
                    return "biolink:" + str(obj)[len(BIOLINK):]
        return None

    def members(node: Node) -> list[Node]:
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return list(Collection(graph, union))
        return [node]

    def flag(subject: Node, predicate: URIRef) -> bool:
        return bool(graph.value(subject, predicate) == Literal(True))

    ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
    if len(ontologies) != 1:
        raise OntologyError(f"{path}: expected one owl:Ontology, found {len(ontologies)}")
    onto = ontologies[0]

    classes = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        if not isinstance(cls, URIRef) or str(cls) == RELATIONSHIP:
            continue
        name = local(cls)
        parents = tuple(sorted(local(p) for p in graph.objects(cls, RDFS.subClassOf)))
        classes[name] = ClassDef(name, str(cls), parents, text(cls, SKOS.definition), biolink(cls))

    def class_names(node: Node, where: str) -> tuple[str, ...]:
        names = tuple(sorted(local(m) for m in members(node)))
        for name in names:
            if name not in classes:
                raise OntologyError(f"{path}: {where} names unknown class {name}")
        return names

    relationships = {}
    rel_by_iri: dict[str, str] = {}
    links = {prop for prop in graph.subjects(RDF.type, OWL.ObjectProperty) if flag(prop, cellkg.curie)}
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        if prop in links:  # a field whose values are identifiers (cellkg:curie), read below
            continue
        name = local(prop)
        domain, range_ = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        if domain is None or range_ is None:
            raise OntologyError(f"{path}: relationship {name} needs rdfs:domain and rdfs:range")
        rel = RelationshipDef(
            relationship_type(name), str(prop), class_names(domain, name), class_names(range_, name),
            text(prop, SKOS.definition), flag(prop, cellkg.derived), biolink(prop),
        )
        relationships[rel.type] = rel
        rel_by_iri[str(prop)] = rel.type

    properties = []
    for prop in [*graph.subjects(RDF.type, OWL.DatatypeProperty), *sorted(links, key=str)]:
        name = local(prop)
        domain, range_ = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        if prop in links:  # CURIE strings in the store, IRIs in RDF (kg.export)
            range_ = XSD.string
        if domain is None or range_ is None:
            raise OntologyError(f"{path}: property {name} needs rdfs:domain and rdfs:range")
        on = []
        for carrier in graph.objects(prop, cellkg.onRelationship):
            if str(carrier) not in rel_by_iri:
                raise OntologyError(f"{path}: property {name} is on {carrier}, which is not a relationship")
            on.append(rel_by_iri[str(carrier)])
        nodes = [m for m in members(domain) if str(m) != RELATIONSHIP]
        if bool(on) != (len(nodes) < len(members(domain))):  # on relationships <=> Relationship in the domain
            raise OntologyError(f"{path}: property {name}: a field of relationships has the domain Relationship "
                                "and names them with cellkgv:onRelationship")
        owners = on + [owner for member in nodes for owner in class_names(member, name)]
        allowed = None
        one_of = graph.value(range_, OWL.oneOf)
        if one_of is not None:
            allowed = tuple(str(v) for v in Collection(graph, one_of))
            datatype = "string"
        else:
            datatype = str(range_).rsplit("#", 1)[-1]
        key = text(prop, cellkg.key) or property_key(name)
        properties.append(PropertyDef(key, str(prop), tuple(sorted(owners)), datatype,
                                      flag(prop, cellkg.list), flag(prop, cellkg.curie), allowed))

    prefixes, patterns = {}, {}
    for decl in graph.objects(onto, SH.declare):
        prefix = str(graph.value(decl, SH.prefix))
        prefixes[prefix] = str(graph.value(decl, SH.namespace))
        if (pattern := graph.value(decl, cellkg.identifierPattern)) is not None:
            patterns[prefix] = str(pattern)
    shapes = shapes or path.with_name("shapes.ttl")
    cardinalities = read_cardinalities(shapes, relationships, properties) if shapes.exists() else ()

    return Schema(
        ontology_iri=str(onto),
        version_iri=text(onto, OWL.versionIRI),
        version=text(onto, OWL.versionInfo),
        classes=dict(sorted(classes.items())),
        relationships=dict(sorted(relationships.items())),
        properties=tuple(sorted(properties, key=lambda p: (p.key, p.iri))),
        prefixes=dict(sorted(prefixes.items())),
        patterns=dict(sorted(patterns.items())),
        cardinalities=cardinalities,
    )


def read_cardinalities(path: Path, relationships: dict[str, RelationshipDef],
                       properties: list[PropertyDef]) -> tuple[Cardinality, ...]:
    """sh:minCount / sh:maxCount of each node shape's direct property shapes whose path is a field
    or a relationship of the ontology (or the inverse of one)."""
    from rdflib import Graph, Literal
    from rdflib.namespace import SH

    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:
        raise OntologyError(f"{path}: cannot parse shapes: {exc}") from exc
    by_iri = {rel.iri: ("out", rel.type) for rel in relationships.values()}
    by_iri.update({prop.iri: ("property", prop.key) for prop in properties})
    rules = []
    for shape, target in graph.subject_objects(SH.targetClass):
        owner = str(target).removeprefix(VOCAB)
        if owner == str(target):
            continue  # rdf:Statement: a relationship's own fields, checked as properties
        for prop in graph.objects(shape, SH.property):
            low, high = graph.value(prop, SH.minCount), graph.value(prop, SH.maxCount)
            if low is None and high is None:
                continue
            path_node = graph.value(prop, SH.path)
            inverse = graph.value(path_node, SH.inversePath)
            kind, name = by_iri.get(str(inverse if inverse is not None else path_node), (None, ""))
            if kind is None:
                continue  # dcterms:source, rdf:subject, ...: checked by the loaders and the export
            kind = "in" if inverse is not None else kind
            message = graph.value(prop, SH.message)
            rules.append(Cardinality(owner, kind, name, int(low.toPython()) if isinstance(low, Literal) else 0,
                                     int(high.toPython()) if isinstance(high, Literal) else None,
                                     str(message) if message is not None else ""))
    return tuple(sorted(rules, key=lambda r: (r.owner, r.kind, r.name)))
