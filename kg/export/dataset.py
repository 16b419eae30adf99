"""The dataset's description (dcterms, DCAT, VoID), the last lines of every RDF export.

A consumer who holds only the file learns from it what it is, under which licence, who made it,
when, from which build, and how much it holds. The counts are those of the file itself: the
description is written after everything else, so ``void:triples`` counts every triple of the
file, the description's own included (tests parse each format and compare).

The text is N-Triples, like everything the export renders (kg.export.ntriples); the quads writer
puts it in the default graph. Nothing here reads the store: callers pass the counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kg.core.owl import VOCAB
from kg.core.schema import Schema
from kg.export.iri import DCAT, DCTERMS, FOAF, OWL, RDF_TYPE, RDFS_LABEL, VOID, XSD, nt_literal

TITLE = "cellkg: a knowledge graph of cell therapies in autoimmune disease"
DESCRIPTION = ("Reported uses of CAR-T and other cell therapies in autoimmune disease: targets, products, "
               "diseases, autoantibodies, prior therapies, studies, cohorts, findings and outcomes, each "
               "record with the source it was read from.")
LICENSE = "https://spdx.org/licenses/MIT"
CREATOR = "the cellkg project"
#: The export's formats: key -> (title, IANA media type). Each is a dcat:Distribution of the dataset.
DISTRIBUTIONS = {
    "ntriples": ("N-Triples", "application/n-triples"),
    "turtle": ("Turtle", "text/turtle"),
    "jsonld": ("JSON-LD (compact, @context inline)", "application/ld+json"),
    "nquads": ("N-Quads (a named graph per source)", "application/n-quads"),
    "trig": ("TriG (a named graph per source)", "application/trig"),
    "kgx": ("KGX TSV (Biolink)", "text/tab-separated-values"),
}
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Counts:
    """What a store holds: nodes, and nodes per class (a node counts in its class and every
    superclass, as the export asserts them all)."""

    entities: int
    classes: Mapping[str, int]

    @classmethod
    def of(cls, schema: Schema, per_label: Mapping[str, int]) -> Counts:
        """From the number of nodes whose own class is each label."""
        classes: dict[str, int] = {}
        for label, count in per_label.items():
            for name in schema.ancestors(label):
                classes[name] = classes.get(name, 0) + count
        return cls(sum(per_label.values()), dict(sorted(classes.items())))


def dataset_iri(base: str) -> str:
    return f"{base}dataset"


def description(schema: Schema, base: str, build_id: str, created: str, counts: Counts, triples: int) -> str:
    """N-Triples describing the dataset; ``triples`` is how many the file holds besides these
    lines, ``created`` an xsd:dateTime (the store's build time)."""
    d = f"<{dataset_iri(base)}>"
    creator = f"<{base}agent/cellkg>"

    def line(s: str, p: str, o: str) -> str:
        return f"{s} <{p}> {o} .\n"

    lines = [
        line(d, RDF_TYPE, f"<{VOID}Dataset>"),
        line(d, RDF_TYPE, f"<{DCAT}Dataset>"),
        line(d, RDFS_LABEL, nt_literal("cellkg knowledge graph")),
        line(d, DCTERMS + "title", nt_literal(TITLE)),
        line(d, DCTERMS + "description", nt_literal(DESCRIPTION)),
        line(d, DCTERMS + "license", f"<{LICENSE}>"),
        line(d, DCTERMS + "creator", creator),
        line(d, DCTERMS + "created", nt_literal(created, XSD + "dateTime")),
        line(d, DCTERMS + "conformsTo", f"<{schema.version_iri}>"),
        line(d, VOID + "vocabulary", f"<{VOCAB}>"),
        line(d, VOID + "uriSpace", nt_literal(base)),
        line(d, VOID + "entities", nt_literal(str(counts.entities), XSD + "integer")),
        line(d, VOID + "classes", nt_literal(str(len(counts.classes)), XSD + "integer")),
        line(creator, RDF_TYPE, f"<{FOAF}Organization>"),
        line(creator, FOAF + "name", nt_literal(CREATOR)),
    ]
    if build_id:  # the build: a digest of the store's content, equal for equal stores
        lines += [line(d, OWL + "versionInfo", nt_literal(build_id)), line(d, DCAT + "version", nt_literal(build_id))]
    for name, count in counts.classes.items():
        part = f"<{dataset_iri(base)}/class/{name}>"
        lines += [line(d, VOID + "classPartition", part), line(part, VOID + "class", f"<{schema.classes[name].iri}>"),
                  line(part, VOID + "entities", nt_literal(str(count), XSD + "integer"))]
    for key, (title, media) in DISTRIBUTIONS.items():
        dist = f"<{dataset_iri(base)}/{key}>"
        lines += [line(d, DCAT + "distribution", dist), line(dist, RDF_TYPE, f"<{DCAT}Distribution>"),
                  line(dist, DCTERMS + "title", nt_literal(title)),
                  line(dist, DCAT + "mediaType", f"<{MEDIA_TYPES}{media}>")]
    total = triples + len(lines) + 1  # the void:triples line itself
    lines.append(line(d, VOID + "triples", nt_literal(str(total), XSD + "integer")))
    return "".join(lines)
