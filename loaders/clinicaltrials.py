"""ClinicalTrials.gov API v2 JSON (data/clinicaltrials/*.json): registry records as Study nodes.

Each file holds either one study (``GET /api/v2/studies/NCT…``) or one search page
(``GET /api/v2/studies?…``: ``{"studies": [...], "nextPageToken": "…"}``), exactly as the API
returned it; ``kg fetch clinicaltrials`` (kg.loaders.clinicaltrials_fetch) saves such pages here.

A study becomes a ``clinicaltrials:NCT…`` Study node whose provenance source is the registry
record itself, linked to

* products (STUDIES_PRODUCT): each intervention's name and other names are matched against known
  Products, exactly and then after light normalisation (case, spaces, hyphens: CT-103A = CT103A).
  An unmatched intervention that looks like a cell therapy becomes a candidate Product
  ``cellkg:candidate-<slug>`` with ``needs_review`` and a note naming the NCT id and the verbatim
  name. Every intervention, matched or not (lymphodepletion drugs, placebo, procedures), is kept
  verbatim in the Study's ``description`` as "Type: Name", the registry's own display form;
* diseases (STUDIES_CONDITION): conditions matched to known Diseases by name or synonym. All
  conditions stay verbatim in the Study's ``conditions``; unmatched ones are not turned into
  Disease nodes (free-text registry conditions are not MONDO diseases), the Study is flagged
  ``needs_review`` with a note listing them instead;
* organisations (SPONSORED_BY): the lead sponsor and collaborators, matched to known
  Organizations, else a new ``cellkg:org-<slug>`` flagged ``needs_review``.

A study that a curated file already defines keeps its curated node (hand-checked); the registry
record then adds only its links. Loading is all-or-nothing: every file is read and checked before
the first record is yielded.

Schema verified (2025) against public material that mirrors live API responses: the API's Phase
enum (NA, EARLY_PHASE1, PHASE1…PHASE4, from ``/api/v2/studies/enums`` as recorded in public test
fixtures); recorded search pages ``{"totalCount", "studies", "nextPageToken"}`` and full records
(identificationModule.nctId/briefTitle/officialTitle, statusModule.overallStatus and
startDateStruct {date, type}, designModule.phases and enrollmentInfo {count, type},
conditionsModule.conditions, armsInterventionsModule.interventions [{type, name, description,
otherNames, armGroupLabels}], sponsorCollaboratorsModule.leadSponsor/collaborators [{name,
class}], hasResults); the NCT id format "NCT followed by an 8-digit number" (API field metadata,
quoted at dev.to/odeeb "ClinicalTrials.gov API: Look Up a Study by NCT Number").
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core.model import Edge, Node, Provenance, Record
from kg.core.names import NameIndex
from kg.errors import DataError
from kg.loaders.clinicaltrials_fields import (
    F_COLLABORATORS,
    F_CONDITIONS,
    F_ENROLLMENT,
    F_ID,
    F_INTERVENTIONS,
    F_LEAD,
    M_ARMS,
    M_CONDITIONS,
    M_DESIGN,
    M_ID,
    M_SPONSORS,
    _date,
    _get,
    _phase,
    _status,
    _strings,
    study_id,
)

SOURCE = "clinicaltrials"
INPUT = "clinicaltrials"  # the folder under the data directory
STUDY_URL = "https://clinicaltrials.gov/study/"

MAX_MENTIONS = 20  # registry records named in one candidate's review note

# Text that marks an intervention as a cell therapy (name, other names or description).
CELL_THERAPY = re.compile(
    r"(?-i:\bCA{1,2}R(?:[\s-]?(?:T|NK|Treg|M))?\b|\bCART\d*\b)|chimeric (?:auto)?antigen receptor|"
    r"leucel\b|\w-cel\b|\b(?:T|NK|Treg)[\s-]cells?\b|\bcell therap|\bcells? (?:injection|infusion)",
    re.IGNORECASE)



@functools.lru_cache(maxsize=8192)
def looks_like_cell_therapy(text: str) -> bool:
    return CELL_THERAPY.search(text) is not None


@functools.lru_cache(maxsize=8192)
def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


class Matcher:
    """Find known nodes by a registry term: exactly, then loosely (kg.core.names); memoised."""

    def __init__(self, known: NameIndex) -> None:
        self.known = known
        self._found: dict[tuple[str, str], frozenset[str]] = {}  # registry terms repeat a lot

    def find(self, label: str, term: str) -> set[str]:
        found = self._found.get((label, term))
        if found is None:
            found = frozenset(self.known.find(label, term) or self.known.find(label, term, loose=True))
            self._found[(label, term)] = found
        return set(found)


@dataclass
class _Candidate:
    """A node the registry implies but no curated record defines; built once per load."""

    id: str
    label: str
    name: str
    what: str  # "intervention" or "sponsor"
    properties: dict[str, Any]
    synonyms: list[str] = field(default_factory=list)
    mentions: dict[str, None] = field(default_factory=dict)  # "'<verbatim>' (<role>) in NCT…", in order
    provenance: Provenance | None = None

    def absorb(self, other: _Candidate) -> None:
        for name in (other.name, *other.synonyms):
            if name != self.name and name not in self.synonyms:
                self.synonyms.append(name)
        self.mentions.update(other.mentions)

    def node(self) -> Node:
        curated = "product" if self.label == "Product" else "organization"
        mentions = list(self.mentions)
        more = f"; and {len(mentions) - MAX_MENTIONS} more records" if len(mentions) > MAX_MENTIONS else ""
        note = (f"Unmatched ClinicalTrials.gov {self.what}: {'; '.join(mentions[:MAX_MENTIONS])}{more}. "
                f"Map it to a curated {curated} or confirm it.")
        properties = {**self.properties, "name": self.name, "needs_review": True, "review_note": note,
                      "synonyms": self.synonyms or None}
        return Node(self.id, self.label, properties, self.provenance)


@dataclass
class _Parsed:
    nct_id: str
    records: list[Record]
    candidates: list[_Candidate]


# ---------------------------------------------------------------- parsing


@dataclass
class _Links:
    """What one study links to, collected while its modules are read."""

    matcher: Matcher
    file: str
    nct: str
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)  # one each, first kept
    candidates: list[_Candidate] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    _provenance: dict[str, Provenance] = field(default_factory=dict)

    @property
    def sid(self) -> str:
        return f"clinicaltrials:{self.nct}"

    def prov(self, path: str) -> Provenance:
        found = self._provenance.get(path)
        if found is None:
            found = self._provenance[path] = Provenance(self.sid, SOURCE, self.file, None, self.sid, path)
        return found

    def link(self, predicate: str, target: str, path: str) -> None:
        self.edges.setdefault((self.sid, predicate, target), Edge(self.sid, predicate, target, {}, self.prov(path)))

    def conditions(self, conditions: list[str]) -> None:
        for condition in conditions:
            found = self.matcher.find("Disease", condition)
            if len(found) == 1:  # a condition and its abbreviation name one disease: one edge
                self.link("STUDIES_CONDITION", found.pop(), F_CONDITIONS)
            elif found:
                self.review.append(f"condition '{condition}' matches several diseases ({', '.join(sorted(found))})")
            else:
                self.review.append(f"condition '{condition}' matches no curated disease")

    def interventions(self, interventions: list[Any]) -> list[str]:
        """Link products; return every intervention verbatim as "Type: Name"."""
        nct, file = self.nct, self.file
        verbatim: list[str] = []
        for i, item in enumerate(interventions):
            path = f"{F_INTERVENTIONS}[{i}]"
            if not isinstance(item, dict):
                raise DataError(f"must be an object, got {item!r}", file=file, record=nct, field=path)
            name = _get(item, "name", nct, file, str, required=True, within=path).strip()
            kind = _get(item, "type", nct, file, str, within=path) or "OTHER"
            others = _strings(item, "otherNames", nct, file, within=path)
            description = _get(item, "description", nct, file, str, within=path) or ""
            verbatim.append(f"{kind.replace('_', ' ').title()}: {name}")
            found = set().union(*(self.matcher.find("Product", term) for term in (name, *others)))
            if len(found) == 1:
                self.link("STUDIES_PRODUCT", found.pop(), path)
            elif found:
                self.review.append(f"intervention '{name}' matches several products ({', '.join(sorted(found))})")
            elif any(looks_like_cell_therapy(text) for text in (name, *others, description)):
                cid = f"cellkg:candidate-{slug(name)}"
                if not self.matcher.known.find("Product", cid):  # not yet promoted by a curator
                    self.candidates.append(_Candidate(cid, "Product", name, "intervention", {}, list(others),
                                                      {f"'{name}' ({kind.lower()}) in {nct}": None},
                                                      self.prov(path)))
                self.link("STUDIES_PRODUCT", cid, path)
        return verbatim

    def sponsors(self, module: dict[str, Any]) -> None:
        nct, file = self.nct, self.file
        sponsors: list[tuple[Any, str, str]] = []
        lead = _get(module, "leadSponsor", nct, file, dict, within=M_SPONSORS)
        if lead is not None:
            sponsors.append((lead, F_LEAD, "lead sponsor"))
        for i, item in enumerate(_get(module, "collaborators", nct, file, list, within=M_SPONSORS) or []):
            sponsors.append((item, f"{F_COLLABORATORS}[{i}]", "collaborator"))
        for item, path, role in sponsors:
            if not isinstance(item, dict):
                raise DataError(f"must be an object, got {item!r}", file=file, record=nct, field=path)
            name = _get(item, "name", nct, file, str, required=True, within=path).strip()
            agency = _get(item, "class", nct, file, str, within=path)
            found = self.matcher.find("Organization", name)
            if len(found) > 1:
                self.review.append(f"{role} '{name}' matches several organizations ({', '.join(sorted(found))})")
                continue
            matched = bool(found)
            target = found.pop() if matched else f"cellkg:org-{slug(name)}"
            if not matched and not self.matcher.known.find("Organization", target):  # else: known up to punctuation
                extra = {"kind": "company"} if agency == "INDUSTRY" else {}
                mention = f"'{name}' ({role}{', class ' + agency if agency else ''}) of {nct}"
                self.candidates.append(_Candidate(target, "Organization", name, "sponsor", extra, [],
                                                  {mention: None}, self.prov(path + ".name")))
            self.link("SPONSORED_BY", target, path)


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
    phase, state, start = _phase(design, nct, file), _status(status, nct, file), _date(status, nct, file)
    conditions = _strings(module("conditionsModule"), "conditions", nct, file, M_CONDITIONS)

    links = _Links(matcher, file, nct)
    links.conditions(conditions)
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
            "start_date": start,
            "enrollment": enrollment,
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


def read_json(path: Path, name: str) -> Any:
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


def load(path: Path, known: NameIndex | None = None) -> Iterator[Record]:
    """Read a file, or every ``*.json`` under a directory (sorted), and yield its records.

    Everything is parsed and checked before the first record is yielded. Files are named relative
    to the data directory (``clinicaltrials/x.json``), as the curated loader does.
    """
    if path.is_dir():
        files = sorted(path.rglob("*.json"), key=str)
        base = path.parent
    elif path.is_file():
        files, base = [path], path.parent.parent
    else:
        raise DataError("ClinicalTrials.gov input not found", file=str(path))
    names = [str(p.relative_to(base)) for p in files]
    documents = ((name, read_json(p, name)) for p, name in zip(files, names, strict=True))
    records = _parse_all(documents, Matcher(known or NameIndex()))
    yield from records
