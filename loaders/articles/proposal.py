"""An extraction as a curated record (docs/curated-format.md) and as JSON, each value with its sentence.

Pure: an Extraction and the Dictionary it was read with in, text out. `kg extract` shows these.
"""

from __future__ import annotations

import json
from typing import Any

from kg.loaders.articles import Dictionary, Extraction

TODO = "TODO"
_ID_FIELDS = {"autoantibody": "autoantibodies", "prior_therapy": "prior_therapies"}


def _quote(sentence: str, at: int, width: int = 110) -> str:
    """The sentence on one line; a long one is cut to a window around the proposal's words."""
    flat = " ".join(sentence.split())
    if len(flat) <= width:
        return flat
    at = max(0, min(len(flat) - width, at - width // 3))
    return ("..." if at else "") + flat[at:at + width].strip() + ("..." if at + width < len(flat) else "")


def _sentence(extraction: Extraction, fld: str, node_id: str | None = None) -> str:
    for p in extraction.proposals:
        if p.field == fld and (node_id is None or p.id == node_id):
            return _quote(p.sentence, p.at, 100)
    return ""


def build_record(extraction: Extraction, dictionary: Dictionary) -> tuple[dict[str, Any], list[str]]:
    """The curated `evidence:` record (TODO where a human must decide) and notes on what it leaves out."""
    values = extraction.values
    notes: list[str] = []
    record: dict[str, Any] = {"id": TODO}
    for fld in ("product", "disease"):
        ids = values.get(fld, [])
        ambiguous = any(p.get("ambiguous") for p in extraction.proposals if p.field == fld and p.id == (ids or [None])[0])
        record[fld] = ids[0] if ids and not ambiguous else TODO
        if len(ids) > 1 or ambiguous:
            notes.append(f"{fld}: the text names {', '.join(f'{dictionary.name(i)} ({i})' for i in ids)}; "
                         "one record per product and disease")
    record["source"] = TODO
    record["level"] = values.get("level") or TODO
    for fld, key in (("patients", "patients"), ("follow_up_months", "follow_up_months")):
        if values.get(fld) is not None:
            record[key] = values[fld]
    for fld, key in _ID_FIELDS.items():
        if values.get(fld):
            record[key] = list(values[fld])
    outcomes: list[dict[str, Any]] = []
    from kg.loaders.articles import OUTCOME_FIELDS

    for fld in OUTCOME_FIELDS:
        status = values.get(fld)
        if status is None:
            continue
        item = {k: status[k] for k in ("present", "grade", "max_grade") if k in status}
        if status.get("patients") is not None and status.get("present") is not False:
            item["affected"] = status["patients"]  # an absence has no count of affected patients
        if status.get("id"):
            outcomes.append({"outcome": status["id"], **item})
        else:
            notes.append(f"{fld} ({'present' if status['present'] else 'absent'}): no outcome node in the store")
    if values.get("improvement_months") is not None:
        if values.get("improvement_id"):
            outcomes.append({"outcome": values["improvement_id"], "present": True,
                             "timepoint_months": values["improvement_months"]})
        else:
            notes.append(f"clinical improvement at {values['improvement_months']:g} months: "
                         "no outcome node in the store")
    if outcomes:
        record["outcomes"] = outcomes
    targets = values.get("target", [])
    if targets:
        notes.append("targets named or implied: " + ", ".join(f"{dictionary.name(t)} ({t})" for t in targets))
    return record, notes


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain = text.replace(":", "").replace("-", "").replace(".", "").replace("_", "").isalnum() \
        and text.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n") \
        and not text[0].isdigit()
    return text if plain else json.dumps(text, ensure_ascii=False)


def render_yaml(extraction: Extraction, dictionary: Dictionary) -> str:
    """The record as curated YAML, each value with the sentence it came from as a comment."""
    record, notes = build_record(extraction, dictionary)
    lines = [f"# Proposed by `kg extract` from {extraction.file}. Check each value against the quoted",
             "# sentence, replace every TODO (evidence id; source id, and add that source to `sources:`",
             "# with `seen`), then move the record into data/curated/.",
             "evidence:"]
    hints = {"id": "e.g. cellkg:ev-<product>-<disease>-<year>", "source": "pubmed:..., doi:... or cellkg:src-..."}
    first = True
    for key, value in record.items():
        prefix = "  - " if first else "    "
        first = False
        fld = {"autoantibodies": "autoantibody", "prior_therapies": "prior_therapy"}.get(key, key)
        if key == "outcomes":
            lines.append(f"{prefix}outcomes:")
            for item in value:
                quote = _sentence(extraction, _outcome_field(item["outcome"], dictionary))
                if quote:
                    lines.append(f"      # {quote}")
                for i, (k, v) in enumerate(item.items()):
                    lines.append(f"      {'- ' if i == 0 else '  '}{k}: {_scalar(v)}")
            continue
        if isinstance(value, list):
            lines.append(f"{prefix}{key}:")
            for item in value:
                lines.append(f"      - {_scalar(item)}  # {dictionary.name(item)}: {_sentence(extraction, fld, item)}")
            continue
        comment = hints.get(key, "") if value == TODO else _sentence(extraction, fld, value if fld in
                                                                     ("product", "disease") else None)
        if fld in ("product", "disease") and value != TODO:
            comment = f"{dictionary.name(value)}: {comment}"
        lines.append(f"{prefix}{key}: {_scalar(value)}" + (f"  # {comment}" if comment else ""))
    lines += [f"    # note: {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _outcome_field(outcome_id: str, dictionary: Dictionary) -> str:
    return next((f for f, i in dictionary.outcome_ids.items() if i == outcome_id), "improvement_months")


def review_rows(extraction: Extraction) -> list[dict[str, Any]]:
    return [{"field": p.field, "value": p.value, "id": p.id or "", "offset": p.offset,
             "sentence": _quote(p.sentence, p.at)} for p in extraction.proposals]


def render_json(extraction: Extraction, dictionary: Dictionary) -> str:
    record, notes = build_record(extraction, dictionary)
    proposals = [{"field": p.field, "value": p.value, "id": p.id, "sentence": p.sentence, "offset": p.offset,
                  **dict(p.data)} for p in extraction.proposals]
    return json.dumps({"file": extraction.file, "proposals": proposals, "record": record, "notes": notes},
                      indent=2, ensure_ascii=False)
