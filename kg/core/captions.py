"""Captions: one short readable line per node, the same in the Neo4j Browser, `kg view` and reports.

Most nodes have a name, but Evidence, Source, Cohort and Study nodes have none or a long title, so
a viewer would show blank circles or cut sentences. Their captions are built from their own fields
and, for Evidence, from the product, disease and source the record links to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.core.model import Node

#: Longest caption part; longer names are cut with an ellipsis.
PART = 40
SEPARATOR = " · "
#: The links an Evidence caption reads, by relationship type.
EVIDENCE_LINKS = ("ABOUT_PRODUCT", "IN_DISEASE", "REPORTED_IN")


@dataclass(frozen=True)
class EvidenceContext:
    """What an Evidence caption needs from its neighbours."""

    product: str = ""
    disease: str = ""
    year: str = ""


def cut(text: str, limit: int = PART) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _year(node: Node) -> str:
    year = node.properties.get("year")
    if year is not None:
        return str(year)
    date = node.properties.get("date")
    return str(date)[:4] if date else ""


def _source(node: Node) -> str:
    prefix, _, local = node.id.partition(":")
    if prefix == "pubmed":
        short = f"PMID {local}"
    elif prefix == "doi":
        short = f"doi:{local}"
    else:
        short = cut(str(node.properties.get("title") or node.properties.get("name") or local), 32)
    year = _year(node)
    return f"{short} ({year})" if year else short


def _study(node: Node) -> str:
    prefix, _, local = node.id.partition(":")
    acronym = node.properties.get("acronym")
    parts = [local] if prefix == "clinicaltrials" else []
    if acronym:
        parts.append(str(acronym))
    if not parts:
        parts.append(cut(node.name))
    return SEPARATOR.join(parts)


def caption(node: Node, context: EvidenceContext | None = None) -> str:
    """The node's caption; ``context`` completes an Evidence caption (product · disease · level · year)."""
    props = node.properties
    if node.label == "Evidence":
        ctx = context or EvidenceContext()
        parts = [cut(ctx.product, 28), cut(ctx.disease, 28), str(props.get("level", "")), ctx.year]
        return SEPARATOR.join(p for p in parts if p) or node.id
    if node.label == "Source":
        return _source(node)
    if node.label == "Study":
        return _study(node)
    if node.label == "Cohort" and "patients" in props:
        count = props["patients"]
        return f"cohort{SEPARATOR}{count} patient{'' if count == 1 else 's'}"
    return cut(node.name)


def evidence_contexts(links: Iterable[tuple[str, str, Node]]) -> dict[str, EvidenceContext]:
    """Evidence id -> context, from (evidence id, relationship type, linked node) triples of
    EVIDENCE_LINKS; with several sources the earliest year counts (when it was first reported)."""
    found: dict[str, dict[str, str]] = {}
    for evidence, predicate, other in links:
        parts = found.setdefault(evidence, {})
        if predicate == "ABOUT_PRODUCT":
            parts["product"] = min(parts.get("product", other.name), other.name)
        elif predicate == "IN_DISEASE":
            parts["disease"] = min(parts.get("disease", other.name), other.name)
        elif predicate == "REPORTED_IN" and (year := _year(other)):
            parts["year"] = min(parts.get("year", year), year)
    return {evidence: EvidenceContext(**parts) for evidence, parts in found.items()}


def captions(nodes: Iterable[Node], contexts: Mapping[str, EvidenceContext]) -> dict[str, str]:
    return {node.id: caption(node, contexts.get(node.id)) for node in nodes}
