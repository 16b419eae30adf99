"""How one ClinicalTrials.gov study links to what the graph knows: products by intervention and
code name, diseases by condition and MeSH term, sponsors as organisations or people; what no
curated record names becomes a candidate node for a curator to review.

Used by kg.loaders.clinicaltrials, which reads the records; this module only matches.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kg.core.model import Edge, Node, Provenance
from kg.core.names import NameIndex
from kg.errors import DataError
from kg.loaders.clinicaltrials_fields import (
    F_COLLABORATORS,
    F_CONDITIONS,
    F_INTERVENTIONS,
    F_LEAD,
    F_MESH,
    M_SPONSORS,
    _get,
    _strings,
)

SOURCE = "clinicaltrials"
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
        curated = {"Product": "product", "Person": "person"}.get(self.label, "organization")
        mentions = list(self.mentions)
        more = f"; and {len(mentions) - MAX_MENTIONS} more records" if len(mentions) > MAX_MENTIONS else ""
        note = (f"Unmatched ClinicalTrials.gov {self.what}: {'; '.join(mentions[:MAX_MENTIONS])}{more}. "
                f"Map it to a curated {curated} or confirm it.")
        properties = {**self.properties, "name": self.name, "needs_review": True, "review_note": note,
                      "synonyms": self.synonyms or None}
        return Node(self.id, self.label, properties, self.provenance)


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

    def conditions(self, conditions: list[str], mesh_terms: list[str]) -> None:
        """Link diseases by the registry's conditions and MeSH terms. MeSH writes names in catalogue
        order ("Lupus Erythematosus, Systemic"), so the natural order is tried too."""
        for condition, path in [*((c, F_CONDITIONS) for c in conditions), *((m, F_MESH) for m in mesh_terms)]:
            found: set[str] = set()
            for form in _name_forms(condition):
                found = found or self.matcher.find("Disease", form)
            if len(found) == 1:  # a condition and its abbreviation name one disease: one edge
                self.link("STUDIES_CONDITION", found.pop(), path)
            elif path == F_MESH:
                continue  # MeSH terms are broader than the curated diseases: a miss is no news
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
            kind = _get(item, "type", nct, file, str, within=path)
            others = _strings(item, "otherNames", nct, file, within=path)
            description = _get(item, "description", nct, file, str, within=path) or ""
            text = f"{kind.replace('_', ' ').title()}: {name}" if kind else name  # no type: none invented
            verbatim.append(text + (f" (other names: {', '.join(others)})" if others else ""))
            found = set().union(*(self.matcher.find("Product", term) for term in (name, *others)))
            if len(found) == 1:
                self.link("STUDIES_PRODUCT", found.pop(), path)
            elif found:
                self.review.append(f"intervention '{name}' matches several products ({', '.join(sorted(found))})")
            elif any(looks_like_cell_therapy(text) for text in (name, *others, description)):
                cid = f"cellkg:candidate-{slug(name)}"
                if not self.matcher.known.find("Product", cid):  # not yet promoted by a curator
                    role = f" ({kind.lower()})" if kind else ""
                    self.candidates.append(_Candidate(cid, "Product", name, "intervention", {}, list(others),
                                                      {f"'{name}'{role} in {nct}": None}, self.prov(path)))
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
            label, prefix = ("Person", "person") if agency == "INDIV" else ("Organization", "org")  # a person
            found = self.matcher.find(label, name)
            if len(found) > 1:
                self.review.append(f"{role} '{name}' matches several {label.lower()}s ({', '.join(sorted(found))})")
                continue
            matched = bool(found)
            target = found.pop() if matched else f"cellkg:{prefix}-{slug(name)}"
            if not matched and not self.matcher.known.find(label, target):  # else: known up to punctuation
                extra = {"kind": "company"} if agency == "INDUSTRY" else {}
                mention = f"'{name}' ({role}{', class ' + agency if agency else ''}) of {nct}"
                self.candidates.append(_Candidate(target, label, name, "sponsor", extra, [],
                                                  {mention: None}, self.prov(path + ".name")))
            self.link("SPONSORED_BY", target, path)


def _name_forms(term: str) -> list[str]:
    """A registry name as written and, for catalogue order "Scleroderma, Systemic", "Systemic Scleroderma"."""
    head, comma, tail = term.partition(", ")
    return [term, f"{tail} {head}"] if comma and "," not in tail else [term]
