"""ClinicalTrials.gov API v2 JSON (data/clinicaltrials/*.json): registry records as Study nodes.

Each file holds one study (``GET /api/v2/studies/NCT…``) or one search page (``{"studies": [...],
"nextPageToken": "…"}``), exactly as the API returned it (``kg fetch clinicaltrials`` saves them).
A study becomes a ``clinicaltrials:NCT…`` Study node, sourced to the registry record itself, with
what researchers filter on: phase, status, study type, start and completion dates and enrolment,
each with its ACTUAL/ESTIMATED type, the conditions verbatim and the registry's MeSH terms; linked to

* products (STUDIES_PRODUCT): each intervention's name and other names (code names) matched to
  known Products, exactly, then loosely (kg.core.names: CT-103A = CT103A). An unmatched one that
  looks like a cell therapy becomes a candidate ``cellkg:candidate-<slug>`` with ``needs_review``.
  Every intervention is kept verbatim as "Type: Name (other names: …)"; no type is invented;
* diseases (STUDIES_CONDITION): conditions and MeSH terms matched by name or synonym, also in
  natural order for catalogue order ("Scleroderma, Systemic"); an unmatched condition flags the
  Study ``needs_review`` (registry free text is not made into Disease nodes);
* sponsors (SPONSORED_BY): lead sponsor and collaborators matched to known Organizations, or to
  People when the registry's agency class is INDIV; else a new node flagged ``needs_review``.

A study that a curated file already defines keeps its curated node; the registry adds only links.
Loading is all-or-nothing. Field names and enums were checked against public material mirroring
live API responses (recorded records and search pages; the Phase, DateType and AgencyClass enums;
derivedSection.conditionBrowseModule.meshes [{id, term}]).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.core.model import Node, Record
from kg.core.names import NameIndex
from kg.errors import DataError
from kg.loaders.clinicaltrials_fields import (
    F_ENROLLMENT,
    F_ID,
    M_ARMS,
    M_CONDITIONS,
    M_DESIGN,
    M_ID,
    _actual_or_estimated,
    _date,
    _get,
    _mesh_terms,
    _phase,
    _status,
    _strings,
    _study_type,
    study_id,
)
from kg.loaders.clinicaltrials_links import Matcher, _Candidate, _Links

SOURCE = "clinicaltrials"
INPUT = "clinicaltrials"  # the folder under the data directory
FETCHED = True  # `kg fetch clinicaltrials` saves pages beside the store, and `kg build` reads them there too
STUDY_URL = "https://clinicaltrials.gov/study/"


@dataclass
class _Parsed:
    nct_id: str
    records: list[Record]
    candidates: list[_Candidate]


# ---------------------------------------------------------------- parsing


def _parse(raw: dict[str, Any], matcher: Matcher, file: str, nct: str) -> _Parsed:
    protocol = raw["protocolSection"]  # study_id checked that it is an object

    def module(name: str) -> dict[str, Any]:
        found: dict[str, Any] = _get(protocol, name, nct, file, dict, within="protocolSection") or {}
        return found

    ident, status, design = module("identificationModule"), module("statusModule"), module("designModule")
    title = _get(ident, "briefTitle", nct, file, str, required=True, within=M_ID).strip()
    official = _get(ident, "officialTitle", nct, file, str, within=M_ID)
    enrollment = _get(design, "enrollmentInfo.count", nct, file, int, within=M_DESIGN)
    if enrollment is not None and enrollment < 0:
        raise DataError(f"must be a whole number >= 0, got {enrollment}", file=file, record=nct, field=F_ENROLLMENT)
    phase, state = _phase(design, nct, file), _status(status, nct, file)
    start, start_type = _date(status, nct, file)
    completion, completion_type = _date(status, nct, file, "completionDateStruct")
    conditions = _strings(module("conditionsModule"), "conditions", nct, file, M_CONDITIONS)
    mesh_terms = _mesh_terms(raw, nct, file)

    links = _Links(matcher, file, nct)
    links.conditions(conditions, mesh_terms)
    verbatim = links.interventions(
        _get(module("armsInterventionsModule"), "interventions", nct, file, list, within=M_ARMS) or [])
    links.sponsors(module("sponsorCollaboratorsModule"))

    records: list[Record] = []
    if not matcher.known.find("Study", links.sid):  # a curated study keeps its hand-checked node
        properties: dict[str, Any] = {
            "name": title,
            "title": official.strip() if official else None,
            "phase": phase,
            "status": state,
            "url": STUDY_URL + nct,
            "conditions": conditions or None,
            "study_type": _study_type(design, nct, file),
            "start_date": start,
            "start_date_type": start_type,
            "completion_date": completion,
            "completion_date_type": completion_type,
            "enrollment": enrollment,
            "enrollment_type": _actual_or_estimated(design, "enrollmentInfo.type", nct, file),
            "mesh_terms": mesh_terms or None,
            "interventions": verbatim or None,
        }
        if links.review:
            properties["needs_review"] = True
            properties["review_note"] = f"ClinicalTrials.gov record {nct}: " + "; ".join(links.review) + "."
        records.append(Node(links.sid, "Study", properties, links.prov(F_ID)))
    records.extend(links.edges.values())
    return _Parsed(nct, records, links.candidates)


def _with_candidates(parsed: Iterable[_Parsed]) -> list[Record]:
    """Study records first, then each candidate once, merged over every study that names it."""
    records: list[Record] = []
    merged: dict[str, _Candidate] = {}
    for item in parsed:
        records.extend(item.records)
        for candidate in item.candidates:
            if candidate.id in merged:
                merged[candidate.id].absorb(candidate)
            else:
                merged[candidate.id] = candidate
    records.extend(candidate.node() for candidate in merged.values())
    return records


def parse_study(raw: dict[str, Any], known: NameIndex, file: str) -> list[Record]:
    """One API v2 study object -> its Study node, candidate nodes and edges (pure)."""
    return _with_candidates([_parse(raw, Matcher(known), file, study_id(raw, file))])


def _studies(doc: Any, file: str) -> list[Any]:
    if isinstance(doc, dict) and "studies" in doc:  # a search page
        studies = doc["studies"]
        if not isinstance(studies, list):
            raise DataError("'studies' must be a list of study objects", file=file, field="studies")
        return studies
    if isinstance(doc, dict) and "protocolSection" in doc:  # a single study
        return [doc]
    raise DataError("not a ClinicalTrials.gov API v2 document (expected a study with 'protocolSection' "
                    "or a search page with 'studies')", file=file)


def parse_document(doc: Any, known: NameIndex, file: str) -> list[Record]:
    """A single study or a search page -> records; duplicate NCT ids within it are errors."""
    return _parse_all([(file, doc)], Matcher(known))


def _facts(item: _Parsed) -> tuple[Any, ...]:
    """What a parsed study contributes to the graph (records compare without their provenance)."""
    return (item.records, [(c.id, c.label, c.name, c.synonyms, c.properties, list(c.mentions))
                           for c in item.candidates])


def _parse_all(documents: Iterable[tuple[str, Any]], matcher: Matcher) -> list[Record]:
    """Parse every study; the same NCT id twice is one study if both give the same facts, else an error.

    Comparing parsed facts rather than raw JSON lets overlapping searches saved on different days
    (same record, new ``lastUpdatePostDateStruct``) load, and frees each raw document once parsed.
    """
    seen: dict[str, tuple[str, _Parsed]] = {}
    for file, doc in documents:
        for raw in _studies(doc, file):
            nct = study_id(raw, file)
            item = _parse(raw, matcher, file, nct)
            if nct in seen:
                first_file, first = seen[nct]
                if _facts(first) != _facts(item):
                    raise DataError(f"duplicate NCT id {nct} with different content (also in {first_file})",
                                    file=file, record=nct, field=F_ID)
                continue
            seen[nct] = (file, item)
    return _with_candidates(item for _, item in seen.values())


MAX_FILE_BYTES = 512 << 20  # a registry page of 1,000 studies is a few MB


def read_json(path: Path, name: str) -> Any:
    if not path.is_file():
        raise DataError("not a regular file", file=name)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DataError(f"larger than {MAX_FILE_BYTES >> 20} MB: not a registry page", file=name)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=name) from None
    except OSError as exc:
        raise DataError(f"cannot read file ({exc.strerror})", file=name) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=name, line=exc.lineno) from None
    except RecursionError:
        raise DataError("JSON nested too deeply to be a registry record", file=name) from None


def _check_fetches(directory: Path) -> None:
    """A search whose fetch stopped part-way would be half a search: refuse it, naming the command."""
    for state_file in sorted(directory.glob("*.state")):
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise DataError("unreadable fetch state", file=str(state_file)) from None
        if isinstance(state, dict) and state.get("complete") is False:
            params = state.get("params") or {}
            how = " ".join(f"--{k.removeprefix('query.').replace('cond', 'condition').replace('intr', 'intervention')} "
                           f"'{v}'" for k, v in params.items() if k.startswith("query."))
            raise DataError(f"the fetch of this search stopped after {state.get('pages')} pages: finish it with "
                            f"`kg fetch clinicaltrials {how}`, or delete its pages", file=str(state_file))


def load(path: Path, known: NameIndex | None = None) -> Iterator[Record]:
    """Read a file, or every ``*.json`` under a directory (sorted; hidden folders, where unfinished
    fetches gather, are skipped), and yield its records.

    Everything is parsed and checked before the first record is yielded. Files are named relative
    to the data directory (``clinicaltrials/x.json``), as the curated loader does.
    """
    if path.is_dir():
        _check_fetches(path)
        files = sorted((p for p in path.rglob("*.json")
                        if not any(part.startswith(".") for part in p.relative_to(path).parts)), key=str)
        base = path.parent
    elif path.is_file():
        files, base = [path], path.parent.parent
    else:
        raise DataError("ClinicalTrials.gov input not found", file=str(path))
    names = [str(p.relative_to(base)) for p in files]
    documents = ((name, read_json(p, name)) for p, name in zip(files, names, strict=True))
    records = _parse_all(documents, Matcher(known or NameIndex()))
    yield from records
