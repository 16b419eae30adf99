"""`kg export kgx`: KGX TSV (nodes.tsv, edges.tsv) that Biolink's tools read as cellkg means it.

* Categories and predicates come from the ontology's Biolink mappings (skos:exactMatch or closeMatch
  to biolink:, read into ``ClassDef.biolink`` / ``RelationshipDef.biolink``); a class without one
  takes its nearest mapped superclass, a relationship without one is ``biolink:related_to``. The
  cellkg predicate travels in ``original_predicate``.
* Identifiers use Biolink's prefixes (PMID, CLINICALTRIALS, DRUGBANK, UniProtKB, ...:
  ``BIOLINK_PREFIXES``, which tests/test_kgx_biolink.py derives again from the biolink-model
  package's prefix map). ``cellkg:`` stays: no registry lists it, so kgx validate must be told its
  IRI (``scripts/kgx --prefix``). kgx reads a CURIE's local part as free of '/', ':' and ' ', so
  those are percent-encoded (a DOI's '/' is %2F). A value whose prefix Biolink lacks is written as
  its IRI; an identifier with such a prefix is an ExportError. An edge's id is the IRI of its
  rdf:Statement in the RDF export.
* Edges out of a finding the source says did not happen (``present: false``) are ``negated``;
  every edge has ``primary_knowledge_source`` (``aggregator_knowledge_source`` when cellkg passed
  a registry's record on), ``knowledge_level`` and ``agent_type``.
* kgx reads TSV unquoted and splits every cell on '|', with no escape: lists are joined with '|',
  a '|' inside a value is written '¦' (U+00A6) and tabs and line breaks a space (kgx does the same
  to them). kgx reads any non-empty ``negated`` as true, so only true is written.
* Biolink slots keep their names; a column of cellkg's own is named by its property's IRI, the
  predicate of kg's RDF export (provenance: dcterms:source, cellkgv:loader, cellkgv:location). kgx
  takes a plain name it does not know for a Biolink slot it resembles (``phase`` became
  biolink:phase, ``evidence`` the class biolink:Evidence) or puts it under example.org/UNKNOWN/,
  and one cellkg key may name two properties (``grading`` of a finding and of an outcome).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kg.core.model import Edge, Node
from kg.core.schema import PropertyDef, Schema
from kg.core.steps import Step, quiet
from kg.core.validate import BAD_IRI_CHAR
from kg.errors import ExportError
from kg.export.iri import LOADER, LOCAL_PREFIX, LOCATION, SOURCE, IriMinter

NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "iri", "provided_by")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "category", "negated", "primary_knowledge_source",
                "aggregator_knowledge_source", "knowledge_level", "agent_type", "publications", "original_predicate")
#: cellkg keys that are Biolink slots, and the slot's column
BIOLINK_KEYS = {"name": "name", "description": "description", "synonyms": "synonym", "xrefs": "xref"}
RELATED_TO = "biolink:related_to"
NAMED_THING = "biolink:NamedThing"
DELIMITER, IN_VALUE = "|", "\u00a6"
ABSENCE = "present"  # a Finding's field; false: the source says the event did not happen

#: Biolink's prefix for each external prefix the ontology declares (Biolink has none for ror).
BIOLINK_PREFIXES = {"MONDO": "MONDO", "HGNC": "HGNC", "UniProt": "UniProtKB", "CHEBI": "CHEBI", "NCIT": "NCIT",
                    "drugbank": "DRUGBANK", "pubmed": "PMID", "doi": "doi", "clinicaltrials": "CLINICALTRIALS"}
#: The dataset the RDF export describes (kg.export.dataset): the Biolink information-resource
#: registry has no infores for cellkg, and knowledge sources are strings in Biolink.
CELLKG = f"{LOCAL_PREFIX}:dataset"
#: loader -> infores of the registry it reads (seen in biolink/information-resource-registry)
REGISTRIES = {"clinicaltrials": "infores:clinicaltrials"}
#: loader -> (knowledge_level, agent_type): curated by hand, derived by rule, read from a registry by code
LEVELS = {"curated": ("knowledge_assertion", "manual_agent"), "derived": ("logical_entailment", "automated_agent"),
          **dict.fromkeys(REGISTRIES, ("knowledge_assertion", "automated_agent"))}

_NOT_IN_LOCAL = str.maketrans({"%": "%25", "/": "%2F", ":": "%3A", " ": "%20"})
_NOT_IN_CELL = str.maketrans({DELIMITER: IN_VALUE, "\t": " ", "\n": " ", "\r": " "})


def category(schema: Schema, label: str) -> str:
    """The Biolink category of a class: its own mapping, else its nearest mapped superclass's."""
    for name in schema.ancestors(label):
        mapped = schema.classes[name].biolink
        if mapped:
            return mapped
    return NAMED_THING


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return DELIMITER.join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).translate(_NOT_IN_CELL)


class KgxWriter:
    """Rows of KGX TSV for one schema; node rows must come first (they name the absent findings)."""

    def __init__(self, schema: Schema, minter: IriMinter) -> None:
        self.schema = schema
        self.minter = minter
        self.absent: set[str] = set()
        own = [p for p in schema.properties if p.key not in BIOLINK_KEYS]
        on_nodes = {p.iri for p in own if any(d in schema.classes for d in p.domain)}
        on_edges = {p.iri for p in own if any(d in schema.relationships for d in p.domain)}
        self.node_header = [*NODE_COLUMNS, *sorted(on_nodes), SOURCE, LOADER, LOCATION]
        self.edge_header = [*EDGE_COLUMNS, *sorted(on_edges), LOADER, LOCATION]

    def _iri(self, curie: str, record: str) -> str:
        """The IRI kg's RDF export gives ``curie``: a declared prefix, its pattern, IRI characters."""
        try:
            return self.minter.iri(curie)
        except ExportError as exc:
            raise ExportError(f"{record}: {str(exc).removeprefix(f'node {curie}: ')}") from None

    def ident(self, curie: str, record: str) -> str:
        """A node identifier as a Biolink CURIE (kgx's id, subject and object)."""
        prefix, _, local = curie.partition(":")
        self._iri(curie, record)
        if prefix == LOCAL_PREFIX:
            return curie
        if prefix not in BIOLINK_PREFIXES:
            raise ExportError(f"{record}: Biolink has no prefix for '{prefix}' ('{curie}'); KGX identifiers need one")
        return f"{BIOLINK_PREFIXES[prefix]}:{local.translate(_NOT_IN_LOCAL)}"

    def reference(self, value: str, record: str) -> str:
        """A value naming a thing: a Biolink CURIE, else its IRI (an http(s) URL stays as it is)."""
        if value.startswith(("http://", "https://")):
            if BAD_IRI_CHAR.search(value):
                raise ExportError(f"{record}: '{value}' holds a character that cannot appear in an IRI")
            return value
        prefix = value.partition(":")[0]
        if prefix == LOCAL_PREFIX or prefix in BIOLINK_PREFIXES:
            return self.ident(value, record)
        return self._iri(value, record)

    def _value(self, prop: PropertyDef, value: Any, record: str) -> str:
        if prop.is_curie:
            items = value if isinstance(value, (list, tuple)) else [value]
            return _cell([self.reference(str(v), record) for v in items])
        return _cell(value)

    def _fields(self, props: Mapping[str, Any], owner: str, record: str, edge: bool = False) -> dict[str, str]:
        cells: dict[str, str] = {}
        for key, value in props.items():
            prop = self.schema.property_for(owner, key, edge=edge)
            if prop is None:
                raise ExportError(f"{record}: property {key} is not in the ontology for {owner}")
            cells[BIOLINK_KEYS.get(key) or prop.iri] = self._value(prop, value, record)
        return cells

    @staticmethod
    def _sources(loader: str, record: str) -> tuple[str, str, str, str]:
        """(primary, aggregator, knowledge_level, agent_type) of a record read by ``loader``."""
        if loader not in LEVELS:
            raise ExportError(f"{record}: loader '{loader}' has no knowledge source (known: {', '.join(LEVELS)})")
        registry = REGISTRIES.get(loader)
        return (registry or CELLKG, CELLKG if registry else "", *LEVELS[loader])

    def node_row(self, node: Node) -> list[str]:
        record = f"node {node.id}"
        if node.label not in self.schema.classes:
            raise ExportError(f"{record}: class {node.label} is not in the ontology")
        prov = node.provenance
        primary, aggregator, _, _ = self._sources(prov.loader if prov else "", record)
        if node.properties.get(ABSENCE) is False:
            self.absent.add(node.id)
        cells = self._fields(node.properties, node.label, record)
        cells.update(id=self.ident(node.id, record), category=category(self.schema, node.label),
                     iri=self.minter.iri(node.id), provided_by=_cell([s for s in (primary, aggregator) if s]))
        if prov:
            cells.update({SOURCE: self.reference(prov.source, record) if prov.source else "",
                          LOADER: prov.loader, LOCATION: _cell(prov.location)})
        return [cells.get(name, "") for name in self.node_header]

    def edge_row(self, edge: Edge) -> list[str]:
        record = f"relationship {edge.source} -[{edge.predicate}]-> {edge.target}"
        rel = self.schema.relationships.get(edge.predicate)
        if rel is None:
            raise ExportError(f"{record}: type {edge.predicate} is not in the ontology")
        prov = edge.provenance
        primary, aggregator, level, agent = self._sources(prov.loader if prov else "", record)
        cells = self._fields(edge.properties, edge.predicate, record, edge=True)
        cells.update(id=self.minter.statement_iri(edge.source, edge.predicate, edge.target),
                     subject=self.ident(edge.source, record), predicate=rel.biolink or RELATED_TO,
                     object=self.ident(edge.target, record), category="biolink:Association",
                     negated="True" if edge.source in self.absent else "",
                     primary_knowledge_source=primary, aggregator_knowledge_source=aggregator,
                     knowledge_level=level, agent_type=agent, original_predicate=rel.iri)
        if prov:
            cells.update({"publications": self.reference(prov.source, record) if prov.source else "",
                          LOADER: prov.loader, LOCATION: _cell(prov.location)})
        return [cells.get(name, "") for name in self.edge_header]


def _write_tsv(path: Path, header: list[str], rows: Iterable[list[str]]) -> int:
    """Unquoted, as kgx reads it (pandas with quoting off): no cell holds a tab or a line break."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(header) + "\n")
        for row in rows:
            handle.write("\t".join(row) + "\n")
            count += 1
    return count


def export_kgx(store_path: Path, output: Path, base: str | None = None, progress: Step = quiet) -> tuple[int, int]:
    """Write ``output``/nodes.tsv and edges.tsv; both appear together or neither changes."""
    from kg.core.files import refuse_overwriting, temporary_folder
    from kg.core.store import Store

    for name in ("nodes.tsv", "edges.tsv"):
        refuse_overwriting(output / name, store_path, "KGX output")
    with Store(store_path) as store:
        schema = store.schema()
        writer = KgxWriter(schema, IriMinter(schema, base))
        try:
            output.mkdir(parents=True, exist_ok=True)
            tmp = temporary_folder(output)
        except OSError as exc:
            raise ExportError(f"cannot write {output}: {exc.strerror or exc}") from None
        try:
            progress("writing nodes.tsv")
            nodes = _write_tsv(tmp / "nodes.tsv", writer.node_header, map(writer.node_row, store.nodes()))
            progress("writing edges.tsv")
            edges = _write_tsv(tmp / "edges.tsv", writer.edge_header, map(writer.edge_row, store.edges()))
            for name in ("nodes.tsv", "edges.tsv"):
                os.chmod(tmp / name, 0o644)
                os.replace(tmp / name, output / name)
        except OSError as exc:
            raise ExportError(f"cannot write {output}: {exc.strerror or exc}") from None
        finally:
            for leftover in tmp.iterdir():
                leftover.unlink()
            tmp.rmdir()
    return nodes, edges
