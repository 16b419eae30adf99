"""The curated graph's KGX against the real kgx 2.7.0 and Biolink 4.4.3, offline (scripts/kgx):
`kgx validate` finds no error, the negated edges are exactly the absences the store states, every
edge names its knowledge source, level and agent, and kgx's round trip to N-Triples keeps every IRI.

scripts/kgx makes kgx's own environment with pip on first use (about 75 s, once). Without it these
tests skip on a developer's machine and fail under CI.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import bioregistry
import pytest
import yaml
from conftest import ToolRun as Run
from conftest import store_with, tool_runner
from rdflib import DCTERMS, RDF, RDFS, Graph, URIRef

from kg.core.model import Node, Provenance
from kg.core.owl import VOCAB
from kg.core.schema import Schema
from kg.core.store import Store
from kg.export.iri import LOADER, LOCAL_PREFIX, LOCATION, SOURCE, IriMinter
from kg.export.kgx import BIOLINK_PREFIXES, CELLKG, IN_VALUE, REGISTRIES, export_kgx

ROOT = Path(__file__).resolve().parents[1]
KGX = ROOT / "scripts" / "kgx"
BIOLINK = "https://w3id.org/biolink/vocab/"


@dataclass(frozen=True)
class Kgx:
    run: Run
    biolink: Path  # the biolink-model package kgx reads

    def prefix_map(self) -> dict[str, str]:
        return dict(json.loads((self.biolink / "prefixmaps" / "biolink-model-prefix-map.json").read_text()))

    def enum(self, name: str) -> set[str]:
        schema = yaml.safe_load((self.biolink / "schema" / "biolink_model.yaml").read_text())
        return set(schema["enums"][name]["permissible_values"])


@dataclass(frozen=True)
class Exported:
    folder: Path
    schema: Schema
    minter: IriMinter
    nodes: list[Node]
    store: Path

    @property
    def files(self) -> list[str]:
        return [str(self.folder / "nodes.tsv"), str(self.folder / "edges.tsv")]

    @property
    def cellkg(self) -> list[str]:
        """What kgx must be told: the IRI of cellkg's own identifiers, which no registry lists."""
        return ["--prefix", f"{LOCAL_PREFIX}={self.minter.base}"]


@pytest.fixture(scope="module")
def kgx() -> Kgx:
    """scripts/kgx with the given arguments, once its environment is made."""
    run = tool_runner("kgx", KGX)
    where = run("biolink-model")
    assert where.returncode == 0, where.stderr
    return Kgx(run, Path(where.stdout.strip()))


@pytest.fixture(scope="module")
def exported(curated_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    folder = tmp_path_factory.mktemp("kgx-curated")
    export_kgx(curated_store, folder)
    with Store(curated_store) as store:
        schema = store.schema()
        return Exported(folder, schema, IriMinter(schema), list(store.nodes()), curated_store)


@pytest.fixture(scope="module")
def ntriples(kgx: Kgx, exported: Exported) -> tuple[str, Graph]:
    """kgx's own TSV -> N-Triples, told cellkg's namespace as validate is."""
    out = exported.folder / "kgx.nt"
    done = kgx.run(*exported.cellkg, "transform", "-i", "tsv", "-f", "nt", "-o", out, *exported.files)
    assert done.returncode == 0 and out.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    text = out.read_text(encoding="ascii")
    return text, Graph().parse(data=text, format="nt")


def _report(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """kgx validate's report: JSON on stderr, {level: {error type: {message: [record, ...]}}}."""
    start = done.stderr.find("{")
    assert start >= 0, done.stdout[-2000:] + done.stderr[-2000:]
    report, _ = json.JSONDecoder().raw_decode(done.stderr[start:])
    return dict(report)


def test_kgx_validate_finds_no_error(kgx: Kgx, exported: Exported) -> None:
    done = kgx.run(*exported.cellkg, "validate", "-i", "tsv", *exported.files)
    assert _report(done) == {} and done.returncode == 0, json.dumps(_report(done), indent=1)[:4000]


def test_untold_kgx_objects_only_to_cellkg_ids(kgx: Kgx, exported: Exported) -> None:
    """The one thing Biolink's registry lacks is cellkg's own namespace: every other id is Biolink's."""
    report = _report(kgx.run("validate", "-i", "tsv", *exported.files))
    assert set(report) == {"ERROR"}
    messages = [m for by_message in report["ERROR"].values() for m in by_message]
    assert all(f"CURIE prefix '{LOCAL_PREFIX}'" in m for m in messages), [m for m in messages if "cellkg" not in m]
    node_messages = report["ERROR"]["INVALID_NODE_PROPERTY_VALUE"]
    assert len(node_messages) == sum(n.id.startswith(f"{LOCAL_PREFIX}:") for n in exported.nodes)


def test_negated_edges_are_the_stated_absences(exported: Exported, ntriples: tuple[str, Graph]) -> None:
    absent = {n.id for n in exported.nodes if n.label == "Finding" and n.properties.get("present") is False}
    with Store(exported.store) as store:
        stated = {exported.minter.statement_iri(*e.key) for e in store.edges() if e.source in absent}
    rows = _tsv(exported.folder / "edges.tsv")
    assert {r["id"] for r in rows if r["negated"]} == stated
    assert len(stated) == len(absent) > 0  # one finding, one outcome
    graph = ntriples[1]
    read = {str(s) for s, o in graph.subject_objects(URIRef(BIOLINK + "negated")) if o.toPython() is True}
    assert read == stated and len(set(graph.objects(None, URIRef(BIOLINK + "negated")))) == 1


def test_every_edge_names_its_source_level_and_agent(kgx: Kgx, exported: Exported,
                                                     ntriples: tuple[str, Graph]) -> None:
    levels, agents = kgx.enum("KnowledgeLevelEnum"), kgx.enum("AgentTypeEnum")
    rows = _tsv(exported.folder / "edges.tsv")
    for row in rows:
        assert row["primary_knowledge_source"] in {CELLKG, *REGISTRIES.values()}, row
        assert row["knowledge_level"] in levels and row["agent_type"] in agents, row
    graph = ntriples[1]
    statements = set(graph.subjects(RDF.type, URIRef(BIOLINK + "Association")))
    assert len(statements) == len(rows)
    for slot in ("primary_knowledge_source", "knowledge_level", "agent_type"):
        assert set(graph.subjects(URIRef(BIOLINK + slot), None)) == statements, slot


def test_round_trip_keeps_every_iri(exported: Exported, ntriples: tuple[str, Graph], kgx: Kgx) -> None:
    """Subjects: a cellkg node's IRI is kg's own (IriMinter); any other node's is Biolink's expansion of
    its KGX id, which names the same identifier; a relationship's is its rdf:Statement's in kg's RDF."""
    text, graph = ntriples
    assert "example.org" not in text  # kgx's namespace for what it cannot name
    biolink, minter = kgx.prefix_map(), exported.minter
    expected: dict[str, str] = {}
    for node in exported.nodes:
        prefix, _, local = node.id.partition(":")
        if prefix == LOCAL_PREFIX:
            expected[node.id] = minter.iri(node.id)
            continue
        encoded = local.replace("%", "%25").replace("/", "%2F").replace(":", "%3A")
        expected[node.id] = iri = biolink[BIOLINK_PREFIXES[prefix]] + encoded
        same = (bioregistry.normalize_prefix(prefix), local)
        assert bioregistry.parse_iri(unquote(iri)) == same == bioregistry.parse_iri(minter.iri(node.id)), node.id
    with Store(exported.store) as store:
        statements = {minter.statement_iri(*e.key): e for e in store.edges()}
    assert {str(s) for s in graph.subjects()} == set(expected.values()) | set(statements)
    for iri, edge in statements.items():
        assert str(graph.value(URIRef(iri), RDF.subject)) == expected[edge.source]
        assert str(graph.value(URIRef(iri), RDF.object)) == expected[edge.target]
    predicates = {str(p) for p in graph.predicates()}
    own = {p for p in predicates if p.startswith(VOCAB)}  # cellkg's columns: kg's RDF predicates
    assert own - {p.iri for p in exported.schema.properties} == {LOADER, LOCATION}
    assert {VOCAB + "present", VOCAB + "findingGrading", VOCAB + "grading"} <= own
    known = {str(RDF.type), str(RDF.subject), str(RDF.predicate), str(RDF.object), str(RDFS.label),
             str(DCTERMS.description), SOURCE}  # Biolink's name and description, and the cited source
    assert {p for p in predicates - own if not p.startswith(BIOLINK)} == known


def test_biolink_prefixes_are_biolinks_own(kgx: Kgx, exported: Exported) -> None:
    """BIOLINK_PREFIXES is what biolink-model's prefix map and the Bioregistry give for each prefix
    the ontology declares (none for ror, whose values are written as IRIs)."""
    biolink = kgx.prefix_map()
    derived = {}
    for prefix in exported.schema.prefixes.keys() - {LOCAL_PREFIX}:
        norm = bioregistry.normalize_prefix(prefix)
        names = [name for name in biolink if bioregistry.normalize_prefix(name) == norm]
        assert len(names) <= 1, (prefix, names)
        if names:
            derived[prefix] = names[0]
    assert derived == BIOLINK_PREFIXES


def test_kgx_reads_one_value_where_the_export_wrote_one(kgx: Kgx, tmp_path: Path, test_store: Path) -> None:
    """A '|' inside a value is written '¦': kgx splits every cell on '|', whatever its column."""
    prov = Provenance("doi:10.1000/j.x", "curated", "curated/x.yaml", 3)
    node = Node("doi:10.1000/j.x", "Source", {"title": "A | B", "synonyms": ("x|y", "z")}, prov)
    export_kgx(store_with(tmp_path, test_store, [node]), tmp_path / "kgx")
    out = tmp_path / "graph"
    done = kgx.run("transform", "-i", "tsv", "-f", "jsonl", "-o", out,
                   tmp_path / "kgx" / "nodes.tsv", tmp_path / "kgx" / "edges.tsv")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    read = [json.loads(line) for line in Path(f"{out}_nodes.jsonl").read_text().splitlines()]
    doi = next(r for r in read if r["id"].startswith("doi:"))
    assert doi["id"] == "doi:10.1000%2Fj.x" and doi[VOCAB + "title"] == f"A {IN_VALUE} B"
    assert sorted(doi["synonym"]) == [f"x{IN_VALUE}y", "z"]


def _tsv(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
