"""Curated YAML (data/curated/*.yaml): hand-checked records, every fact with its source.

The format is documented in docs/curated-format.md. ``parse_document`` is pure (text in, records
out); ``load`` reads the files. Schema checks (classes, types, domain and range, dangling
references) happen later, once all sources are in, in kg.core.validate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core.model import Edge, Node, Provenance, Record
from kg.core.names import NameIndex
from kg.errors import DataError
from kg.loaders.yaml_lines import LineDict, load_yaml

SOURCE = "curated"
INPUT = "curated"  # the folder under the data directory


@dataclass(frozen=True)
class Section:
    """How one top-level YAML section maps to nodes and edges."""

    label: str
    links: dict[str, tuple[str, bool]] = field(default_factory=dict)  # field -> (predicate, is_list)
    source_is_edge: bool = False  # evidence: `source` is also a REPORTED_IN edge


SECTIONS: dict[str, Section] = {
    "sources": Section("Source"),
    "targets": Section("Target"),
    "modalities": Section("Modality"),
    "products": Section("Product", {"targets": ("TARGETS", True), "modality": ("HAS_MODALITY", False),
                                    "developers": ("DEVELOPED_BY", True)}),
    "diseases": Section("Disease", {"parents": ("IS_A", True)}),
    "autoantibodies": Section("Autoantibody", {"diseases": ("ASSOCIATED_WITH", True)}),
    "therapies": Section("Therapy", {"parents": ("IS_A", True)}),
    "organizations": Section("Organization"),
    "people": Section("Person", {"affiliations": ("AFFILIATED_WITH", True)}),
    "outcomes": Section("Outcome"),
    "studies": Section("Study", {"products": ("STUDIES_PRODUCT", True), "diseases": ("STUDIES_CONDITION", True),
                                 "sponsors": ("SPONSORED_BY", True)}),
    "cohorts": Section("Cohort", {"part_of": ("PART_OF", True)}),
    "evidence": Section("Evidence", {"product": ("ABOUT_PRODUCT", False), "disease": ("IN_DISEASE", False),
                                     "cohort": ("REPORTS_COHORT", False),
                                     "prior_therapies": ("HAS_PRIOR_THERAPY", True),
                                     "autoantibodies": ("HAS_AUTOANTIBODY", True),
                                     "study": ("FROM_STUDY", False), "sites": ("AT_SITE", True),
                                     "investigators": ("HAS_INVESTIGATOR", True)},
                        source_is_edge=True),
}
#: What an outcome item of an evidence record may say; each item becomes a Finding node.
FINDING_FIELDS = ("present", "grade", "max_grade", "from_grade", "grading", "affected", "treated",
                  "timepoint_months", "measure", "baseline", "value", "note")
#: A link written as a mapping: the target id and how the curator knows it.
LINK_FIELDS = ("id", "inferred", "reason", "basis")


def parse_document(text: str, file: str) -> Iterator[Record]:
    """Turn one curated YAML document into nodes and edges with provenance."""
    document = load_yaml(text, file)
    if document is None:
        return
    if not isinstance(document, dict):
        raise DataError("a curated file must be a mapping of sections", file=file, line=1)
    for section_name, records in document.items():
        line = document.line_of(section_name) if isinstance(document, LineDict) else None
        section = SECTIONS.get(section_name)
        if section is None:
            raise DataError(f"unknown section '{section_name}' (expected one of {', '.join(SECTIONS)})",
                            file=file, line=line, field=section_name)
        if not isinstance(records, list):
            raise DataError(f"section '{section_name}' must be a list of records", file=file, line=line)
        for raw in records:
            if not isinstance(raw, LineDict):
                raise DataError(f"each entry of '{section_name}' must be a record", file=file, line=line)
            yield from _parse_record(section, raw, file)


def _parse_record(section: Section, raw: LineDict, file: str) -> Iterator[Record]:
    record_id = raw.get("id")
    if not isinstance(record_id, str) or not record_id.strip():
        raise DataError("missing or empty 'id'", file=file, line=raw.line, field="id")

    def where(key: str) -> Provenance:
        return Provenance(source_id, SOURCE, file, raw.line_of(key), record_id, key)

    source_id = raw.get("source")
    if source_id is not None and not isinstance(source_id, str):
        raise DataError("'source' must be one source id", file=file, line=raw.line_of("source"),
                        record=record_id, field="source")
    if section.label == "Source":
        source_id = record_id

    label = section.label
    properties: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("id", "source") or key in section.links:
            continue
        if key == "outcomes" and section.label == "Evidence":
            continue
        properties[key] = value
    if label == "Outcome" and properties.get("category") == "safety":
        label = "AdverseEvent"
    yield Node(record_id, label, properties, where("id"))

    for key, (predicate, many) in section.links.items():
        if key not in raw:
            continue
        for target, qualifiers in _links(raw, key, many, file, record_id):
            yield Edge(record_id, predicate, target, qualifiers, where(key))
    if section.source_is_edge:
        if source_id is None:
            raise DataError("missing 'source'", file=file, line=raw.line, record=record_id, field="source")
        yield Edge(record_id, "REPORTED_IN", source_id, {}, where("source"))
    if section.label == "Evidence":
        yield from _outcomes(raw, file, record_id, source_id)


def _links(raw: LineDict, key: str, many: bool, file: str, record_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(target id, qualifiers) of a link field: ids, or mappings {id, inferred, reason, basis}."""
    value = raw[key]
    if not many and isinstance(value, list):
        raise DataError(f"'{key}' takes one id, not a list", file=file, line=raw.line_of(key),
                        record=record_id, field=key)
    links = []
    for item in value if isinstance(value, list) else [value]:
        line = item.line if isinstance(item, LineDict) else raw.line_of(key)
        qualifiers: dict[str, Any] = {}
        if isinstance(item, dict):
            unknown = sorted(str(k) for k in item if k not in LINK_FIELDS)
            if unknown:
                raise DataError(f"a link takes {', '.join(LINK_FIELDS)}, not '{unknown[0]}'", file=file, line=line,
                                record=record_id, field=f"{key}.{unknown[0]}")
            qualifiers = {k: v for k, v in item.items() if k != "id"}
            if qualifiers.get("inferred") is True and not qualifiers.get("reason"):
                raise DataError("an inferred link needs a 'reason'", file=file, line=line, record=record_id,
                                field=f"{key}.reason")
            if "reason" in qualifiers and qualifiers.get("inferred") is not True:
                raise DataError("'reason' explains an inferred link: add 'inferred: true' or drop it", file=file,
                                line=line, record=record_id, field=f"{key}.inferred")
            item = item.get("id")
        if not isinstance(item, str) or not item:
            raise DataError(f"'{key}' must hold ids (strings), got {item!r}", file=file, line=line,
                            record=record_id, field=key)
        links.append((item, qualifiers))
    return links


def finding_id(evidence_id: str, item: dict[str, Any]) -> str:
    """``<evidence>--<outcome>[-g<grade>][-m<timepoint>][-<measure>][-<key>]`` (docs/curated-format.md)."""
    parts = [_slug(str(item.get("outcome", "")).partition(":")[2].removeprefix("outcome-"))]
    if item.get("grade") is not None:
        parts.append(f"g{item['grade']}")
    if item.get("timepoint_months") is not None:
        parts.append(_slug(f"m{item['timepoint_months']}".replace(".", "p")))
    for extra in (item.get("measure"), item.get("key")):
        if extra is not None:
            parts.append(_slug(str(extra)))
    return f"{evidence_id}--{'-'.join(parts)}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _outcomes(raw: LineDict, file: str, record_id: str, source_id: str | None) -> Iterator[Record]:
    """Each outcome item as a Finding node, linked from the evidence and to its outcome."""
    outcomes = raw.get("outcomes", [])
    if not isinstance(outcomes, list):
        raise DataError("'outcomes' must be a list", file=file, line=raw.line_of("outcomes"),
                        record=record_id, field="outcomes")
    seen: dict[str, int] = {}
    for item in outcomes:
        if not isinstance(item, LineDict) or not isinstance(item.get("outcome"), str):
            line = item.line if isinstance(item, LineDict) else raw.line_of("outcomes")
            raise DataError("each outcome needs 'outcome: <outcome id>'", file=file, line=line,
                            record=record_id, field="outcomes.outcome")
        unknown = sorted(str(k) for k in item if k not in ("outcome", "key", *FINDING_FIELDS))
        if unknown:
            raise DataError(f"unknown field '{unknown[0]}' in an outcome (expected {', '.join(FINDING_FIELDS)})",
                            file=file, line=item.line_of(unknown[0]), record=record_id,
                            field=f"outcomes.{unknown[0]}")
        node_id = finding_id(record_id, item)
        if node_id in seen:
            raise DataError(f"two findings of {item['outcome']} with the same grade, timepoint and measure "
                            f"(the other at line {seen[node_id]}): add 'key: <word>' to tell them apart",
                            file=file, line=item.line, record=record_id, field="outcomes")
        seen[node_id] = item.line
        prov = Provenance(source_id, SOURCE, file, item.line, record_id, "outcomes")
        yield Node(node_id, "Finding", {k: item[k] for k in FINDING_FIELDS if k in item}, prov)
        yield Edge(record_id, "HAS_FINDING", node_id, {}, prov)
        yield Edge(node_id, "OF_OUTCOME", item["outcome"], {}, prov)


MAX_FILE_BYTES = 64 << 20  # the whole curated data is a few hundred kilobytes


def load(directory: Path, known: NameIndex | None = None) -> Iterator[Record]:
    """Read every ``*.yaml`` file under ``directory`` in a stable order.

    A ``*.yml`` file, or something that is not a regular file, is an error rather than skipped.
    Provenance names files relative to the data directory (``curated/x.yaml``) so that the store
    does not depend on where the data lives; kg.core.build turns them back into full paths in errors.
    """
    if not directory.is_dir():
        raise DataError("curated data directory not found", file=str(directory))
    for path in sorted(directory.rglob("*.yml")):
        raise DataError("curated files end in .yaml: rename it, or it would be silently left out",
                        file=str(path.relative_to(directory.parent)))
    for path in sorted(directory.rglob("*.yaml")):
        name = str(path.relative_to(directory.parent))
        if not path.is_file():
            what = "a broken link" if path.is_symlink() and not path.exists() else "not a regular file"
            raise DataError(f"{what}: a curated file must be a YAML file", file=name)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DataError(f"larger than {MAX_FILE_BYTES >> 20} MB: not a curated file", file=name)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=name) from None
        except OSError as exc:
            raise DataError(f"cannot read file ({exc.strerror})", file=name) from None
        yield from parse_document(text, name)
