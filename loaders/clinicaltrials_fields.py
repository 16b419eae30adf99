"""Reading ClinicalTrials.gov API v2 study records field by field, each value checked for type.

kg.loaders.clinicaltrials turns the values into records; this module knows where the API puts
them (dotted paths such as ``protocolSection.statusModule.startDateStruct.date``) and says which
field of which record is wrong when one is.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from kg.errors import DataError

NCT_ID = re.compile(r"^NCT\d{8}$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# designModule.phases (a set) -> the ontology's phase enumeration
PHASES: dict[frozenset[str], str] = {
    frozenset({"EARLY_PHASE1"}): "early-phase-1",
    frozenset({"PHASE1"}): "phase-1",
    frozenset({"PHASE1", "PHASE2"}): "phase-1-2",
    frozenset({"PHASE2"}): "phase-2",
    frozenset({"PHASE2", "PHASE3"}): "phase-2-3",
    frozenset({"PHASE3"}): "phase-3",
    frozenset({"PHASE4"}): "phase-4",
    frozenset({"NA"}): "not-applicable",
}
KNOWN_PHASES = frozenset().union(*PHASES)

M_ID = "protocolSection.identificationModule"
M_STATUS = "protocolSection.statusModule"
M_DESIGN = "protocolSection.designModule"
M_CONDITIONS = "protocolSection.conditionsModule"
M_ARMS = "protocolSection.armsInterventionsModule"
M_SPONSORS = "protocolSection.sponsorCollaboratorsModule"
F_ID = f"{M_ID}.nctId"
F_TITLE = f"{M_ID}.briefTitle"
F_START = f"{M_STATUS}.startDateStruct.date"
F_MESH = "derivedSection.conditionBrowseModule.meshes"
F_PHASES = f"{M_DESIGN}.phases"
F_ENROLLMENT = f"{M_DESIGN}.enrollmentInfo.count"
F_CONDITIONS = f"{M_CONDITIONS}.conditions"
F_INTERVENTIONS = f"{M_ARMS}.interventions"
F_LEAD = f"{M_SPONSORS}.leadSponsor"
F_COLLABORATORS = f"{M_SPONSORS}.collaborators"



def _get(raw: dict[str, Any], path: str, nct: str | None, file: str, kind: type,
         required: bool = False, within: str = "") -> Any:
    """The value at a dotted ``path`` (None if absent and not required), checked for type.

    ``within`` is the path of ``raw`` itself, for messages about items of a list.
    """
    value: Any = raw
    for part in _PARTS.get(path) or _PARTS.setdefault(path, tuple(path.split("."))):
        if not isinstance(value, dict):
            raise DataError(f"'{part}' must sit in an object", file=file, record=nct, field=_at(within, path))
        value = value.get(part)
        if value is None:
            if required:
                raise DataError("missing required field", file=file, record=nct, field=_at(within, path))
            return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise DataError(f"must be {_JSON_KINDS[kind]}, got {value!r}", file=file, record=nct,
                        field=_at(within, path))
    if isinstance(value, str) and not value.strip():
        if required:
            raise DataError("empty required field", file=file, record=nct, field=_at(within, path))
        return None
    return value


_PARTS: dict[str, tuple[str, ...]] = {}


def _at(within: str, path: str) -> str:
    return f"{within}.{path}" if within else path


_JSON_KINDS = {str: "text", int: "a whole number", list: "a list", dict: "an object"}


def _strings(raw: dict[str, Any], path: str, nct: str, file: str, within: str = "") -> list[str]:
    items = _get(raw, path, nct, file, list, within=within) or []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise DataError(f"must be a list of non-empty text, got {item!r}", file=file, record=nct,
                            field=f"{within}.{path}" if within else path)
    return [item.strip() for item in items]


def _phase(design: dict[str, Any], nct: str, file: str) -> str | None:
    phases = _strings(design, "phases", nct, file, M_DESIGN)
    if not phases:
        return None  # observational studies have no phase
    unknown = [p for p in phases if p not in KNOWN_PHASES]
    if unknown:
        raise DataError(f"unknown phase '{unknown[0]}' (expected {', '.join(sorted(KNOWN_PHASES))})",
                        file=file, record=nct, field=F_PHASES)
    phase = PHASES.get(frozenset(phases))
    if phase is None:
        raise DataError(f"unsupported phase combination {phases}", file=file, record=nct, field=F_PHASES)
    return phase


def _date(status: dict[str, Any], nct: str, file: str, struct: str = "startDateStruct") -> tuple[str | None, str | None]:
    """(date, "actual" | "estimated") of a date struct of the status module."""
    value = _get(status, f"{struct}.date", nct, file, str, within=M_STATUS)
    field = f"{M_STATUS}.{struct}.date"
    if value is None:
        return None, None
    value = str(value).strip()
    match = DATE.match(value)
    try:
        if match is None:
            raise ValueError
        year, month, day = (int(g) if g else 1 for g in match.groups())
        datetime.date(year, month, day)
    except ValueError:
        raise DataError(f"odd date '{value}' (expected YYYY, YYYY-MM or YYYY-MM-DD)",
                        file=file, record=nct, field=field) from None
    return value, _actual_or_estimated(status, f"{struct}.type", nct, file)


def _actual_or_estimated(module: dict[str, Any], path: str, nct: str, file: str) -> str | None:
    """The API's DateType / EnrollmentType: ACTUAL or ESTIMATED (None when absent)."""
    value = _get(module, path, nct, file, str, within=M_STATUS if "Date" in path else M_DESIGN)
    if value is None:
        return None
    if value not in ("ACTUAL", "ESTIMATED"):
        where = f"{M_STATUS if 'Date' in path else M_DESIGN}.{path}"
        raise DataError(f"'{value}' is neither ACTUAL nor ESTIMATED", file=file, record=nct, field=where)
    return str(value).lower()


STUDY_TYPES = {"INTERVENTIONAL": "interventional", "OBSERVATIONAL": "observational",
               "EXPANDED_ACCESS": "expanded-access"}


def _study_type(design: dict[str, Any], nct: str, file: str) -> str | None:
    value = _get(design, "studyType", nct, file, str, within=M_DESIGN)
    if value is None:
        return None
    if value not in STUDY_TYPES:
        raise DataError(f"unknown study type '{value}' (expected {', '.join(STUDY_TYPES)})", file=file,
                        record=nct, field=f"{M_DESIGN}.studyType")
    return STUDY_TYPES[value]


def _mesh_terms(raw: dict[str, Any], nct: str, file: str) -> list[str]:
    """derivedSection.conditionBrowseModule.meshes[].term: the registry's MeSH condition terms."""
    meshes = _get(raw, "derivedSection.conditionBrowseModule.meshes", nct, file, list) or []
    terms = []
    for i, item in enumerate(meshes):
        path = f"derivedSection.conditionBrowseModule.meshes[{i}]"
        if not isinstance(item, dict):
            raise DataError(f"must be an object, got {item!r}", file=file, record=nct, field=path)
        term = _get(item, "term", nct, file, str, within=path)
        if term:
            terms.append(term.strip())
    return terms


def _status(status: dict[str, Any], nct: str, file: str) -> str | None:
    value = _get(status, "overallStatus", nct, file, str, within=M_STATUS)
    return str(value).strip().lower().replace("_", "-") if value else None  # RECRUITING -> recruiting


def study_id(raw: Any, file: str) -> str:
    """The checked NCT id of one study record."""
    if not isinstance(raw, dict):
        raise DataError(f"a study must be a JSON object, got {type(raw).__name__}", file=file)
    _get(raw, "protocolSection", None, file, dict, required=True)
    nct = str(_get(raw, F_ID, None, file, str, required=True)).strip()
    if not NCT_ID.match(nct):
        raise DataError(f"'{nct}' is not an NCT id (NCT followed by 8 digits)", file=file, record=nct, field=F_ID)
    return nct
