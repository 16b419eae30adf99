"""`kg export kgx`: KGX TSV (nodes.tsv, edges.tsv) for Translator tools.

Categories and predicates come from the ontology's Biolink mappings (skos:exactMatch or
closeMatch to biolink:, read into ``ClassDef.biolink`` / ``RelationshipDef.biolink``); a class
without one takes its nearest mapped superclass, a relationship without one is
``biolink:related_to``. The original cellkg predicate travels in ``original_predicate``.
Multi-valued fields are joined with ``|`` as KGX expects; rows are streamed, never held whole.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.core.model import Edge, Node
from kg.core.schema import Schema
from kg.core.steps import Step, quiet
from kg.errors import ExportError

NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "iri")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "category", "knowledge_level", "agent_type",
                "publications", "original_predicate")
PROVENANCE_COLUMNS = ("source", "loader", "location")
RENAMED = {"name": "name", "description": "description", "synonyms": "synonym", "xrefs": "xref"}
RELATED_TO = "biolink:related_to"
NAMED_THING = "biolink:NamedThing"
DELIMITER = "|"


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
    return str(value)


def _levels(loader: str) -> tuple[str, str]:
    """(knowledge_level, agent_type) from the loader: curated by hand, derived by rule, or read by code."""
    if loader == "curated":
        return "knowledge_assertion", "manual_agent"
    if loader == "derived":
        return "logical_entailment", "automated_agent"
    return "knowledge_assertion", "automated_agent"


class KgxWriter:
    def __init__(self, schema: Schema, minter: Any) -> None:
        self.schema = schema
        self.minter = minter
        node_keys = sorted({p.key for p in schema.properties if any(d in schema.classes for d in p.domain)})
        edge_keys = sorted({p.key for p in schema.properties if any(d in schema.relationships for d in p.domain)})
        self.node_extra = [k for k in node_keys if k not in RENAMED]
        self.edge_extra = edge_keys
        # a cellkg property named like a KGX column (an outcome's category) keeps its own column
        self.node_header = [*NODE_COLUMNS, *(f"cellkg_{k}" if k in NODE_COLUMNS else k for k in self.node_extra),
                            *PROVENANCE_COLUMNS]
        self.edge_header = [*EDGE_COLUMNS, *(f"cellkg_{k}" if k in EDGE_COLUMNS else k for k in self.edge_extra),
                            "loader", "location"]

    def node_row(self, node: Node) -> list[str]:
        if node.label not in self.schema.classes:
            raise ExportError(f"node {node.id}: class {node.label} is not in the ontology")
        props = node.properties
        prov = node.provenance
        row = [node.id, category(self.schema, node.label)]
        row += [_cell(props.get(k, "")) for k in ("name", "description", "synonyms", "xrefs")]
        row.append(self.minter.iri(node.id))
        row += [_cell(props.get(k, "")) for k in self.node_extra]
        row += [prov.source or "", prov.loader, prov.location] if prov else ["", "", ""]
        unknown = set(props) - set(RENAMED) - set(self.node_extra)
        if unknown:
            raise ExportError(f"node {node.id}: properties {', '.join(sorted(unknown))} are not in the ontology")
        return row

    def edge_row(self, edge: Edge) -> list[str]:
        rel = self.schema.relationships.get(edge.predicate)
        if rel is None:
            raise ExportError(f"relationship {edge.source} -[{edge.predicate}]-> {edge.target}: "
                              f"type {edge.predicate} is not in the ontology")
        prov = edge.provenance
        loader = prov.loader if prov else ""
        level, agent = _levels(loader)
        statement = self.minter.statement_iri(edge.source, edge.predicate, edge.target)
        row = [self.minter.curie(statement), edge.source, rel.biolink or RELATED_TO, edge.target,
               "biolink:Association", level, agent, (prov.source or "") if prov else "", rel.iri]
        row += [_cell(edge.properties.get(k, "")) for k in self.edge_extra]
        row += [loader, (prov.location if prov else "")]
        return row


def _write_tsv(path: Path, header: list[str], rows: Iterable[list[str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def export_kgx(store_path: Path, output: Path, base: str | None = None, progress: Step = quiet) -> tuple[int, int]:
    """Write ``output``/nodes.tsv and edges.tsv; both appear together or neither changes."""
    from kg.core.files import refuse_overwriting, temporary_folder
    from kg.core.store import Store
    from kg.export.rdf import IriMinter

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
