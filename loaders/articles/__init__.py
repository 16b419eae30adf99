"""Article text (news, press releases, abstracts) -> proposed evidence for a curator to check.

``kg extract FILE`` reads plain text and proposes structured evidence: product, target, disease,
autoantibody, patient count, prior therapies, CRS / ICANS (grade or explicit absence), other adverse
events, follow-up and time to clinical improvement. Every proposal carries its sentence and the
character offset of the words it came from. It is not a build-time loader: nothing enters the
graph until a curator has checked the proposal and saved it as curated YAML.

This module is the pipeline and the public API (``SOURCE``, ``parse_text``, ``extract_file`` and
the names re-exported below). The work is split so each part reads in one sitting:
articles_match.py finds dictionary terms, sentences and clauses; articles_rules.py holds the field
rules (counts, durations, grades, negation, prior-therapy cues, evidence level). ``parse_text`` is
pure; ``extract_file`` does the I/O.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import DataError
from kg.loaders.articles.match import (
    AMBIGUOUS,
    ENTITY_FIELDS,
    IMPROVEMENT,
    OUTCOME_FIELDS,
    Dictionary,
    Entry,
    Mention,
    find_mentions,
    split_clauses,
    split_sentences,
)
from kg.loaders.articles.rules import (
    GRADED,
    NUMBER_WORDS,
    antibody_status,
    car_cued,
    describe,
    evidence_level,
    is_prior,
    outcome_status,
    propose_counts,
    propose_durations,
    to_months,
    to_number,
)

__all__ = ["AMBIGUOUS", "ENTITY_FIELDS", "FIELDS", "GRADED", "IMPROVEMENT", "MAX_BYTES", "NUMBER_WORDS",
           "OUTCOME_FIELDS", "SOURCE", "Dictionary", "Entry", "Extraction", "Mention", "Proposal",
           "extract_file", "find_mentions", "merge", "outcome_status", "parse_text", "read_article",
           "split_sentences", "to_months", "to_number"]

SOURCE = "articles"
MAX_BYTES = 2_000_000  # an article, not a book: larger input is refused before it is read
FIELDS = ("product", "target", "disease", "autoantibody", "patients", "prior_therapy", *OUTCOME_FIELDS,
          "follow_up_months", "improvement_months", "level")


@dataclass(frozen=True)
class Proposal:
    """One proposed value: ``value`` is readable, ``id`` the matched node (None if the store has none)."""

    field: str
    value: str
    id: str | None
    sentence: str
    offset: int                              # character offset of the matched words in the text
    at: int = 0                              # where those words start inside ``sentence``
    data: tuple[tuple[str, Any], ...] = ()   # structured detail: (present, grade, max_grade, patients, months)

    def get(self, key: str) -> Any:
        return dict(self.data).get(key)


@dataclass(frozen=True)
class Extraction:
    file: str
    proposals: tuple[Proposal, ...]
    values: dict[str, Any]  # the merged proposal per field, as the curated record would hold it


def parse_text(text: str, dictionary: Dictionary, file: str) -> Extraction:
    """Propose evidence from an article's text. Pure: the same text and dictionary, the same result."""
    mentions = find_mentions(text, dictionary)
    sentences = split_sentences(text)
    proposals: list[Proposal] = []

    def sentence_of(offset: int) -> tuple[int, int]:
        lo, hi = 0, len(sentences) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if sentences[mid][0] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return sentences[lo] if sentences else (0, len(text))

    def clause_of(offset: int, sentence: tuple[int, int]) -> tuple[int, int]:
        return next((c for c in split_clauses(text, *sentence) if c[0] <= offset <= c[1]), sentence)

    def propose(fld: str, value: str, node_id: str | None, offset: int, **data: Any) -> None:
        s, e = sentence_of(offset)
        proposals.append(Proposal(fld, value, node_id, text[s:e], offset, offset - s,
                                  tuple((k, v) for k, v in data.items() if v is not None)))

    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(sentence_of(mention.start), []).append(mention)
    products = [m for m in mentions if m.entry.label == "Product"]
    product_targets = {t for m in products for i in m.entry.ids for t in dictionary.targets_of.get(i, ())}

    for sentence, in_sentence in by_sentence.items():
        s_text = text[sentence[0]:sentence[1]]
        outcome_mentions = [m for m in in_sentence if m.entry.label == "Outcome"]
        for m in in_sentence:
            entry, ids = m.entry, m.entry.ids
            if entry.label == "Target" and not (car_cued(s_text) or set(ids) & product_targets):
                continue
            if entry.label == "Therapy" and not is_prior(text, m, sentence, clause_of(m.start, sentence)):
                continue
            if entry.label == "Autoantibody":
                polarity = antibody_status(text, m, clause_of(m.start, sentence)[0])
                if polarity is not None:
                    for node_id in ids:
                        propose("autoantibody", f"{dictionary.name(node_id)} ({polarity})", node_id, m.start)
                continue
            if entry.label == "Outcome":
                status = outcome_status(text, m, clause_of(m.start, sentence),
                                        [o for o in outcome_mentions if o is not m], sentence[1])
                if status is not None:
                    propose(entry.field, describe(status), ids[0] if ids else None, m.start, **status)
                continue
            for node_id in ids:
                propose(entry.field, dictionary.name(node_id), node_id, m.start,
                        ambiguous=True if len(ids) > 1 else None)

    named_targets = {p.id for p in proposals if p.field == "target"}
    for m in products:
        for product_id in m.entry.ids:
            for target in dictionary.targets_of.get(product_id, ()):
                if target not in named_targets:
                    named_targets.add(target)
                    propose("target", f"{dictionary.name(target)} (via {dictionary.name(product_id)})",
                            target, m.start)

    propose_counts(text, sentence_of, propose)
    propose_durations(text, sentences, mentions, propose)
    level = evidence_level(text)
    if level is not None:
        propose("level", level[0], None, level[1])
    unique = {(p.field, p.id, p.value, p.sentence): p for p in reversed(proposals)}
    proposals = sorted(unique.values(), key=lambda p: (FIELDS.index(p.field), p.offset))
    if not any(p.field in ("product", "target", "disease") for p in proposals):
        raise DataError(f"no product, target or disease recognised in {file}", file=file)
    return Extraction(file, tuple(proposals), merge(proposals, dictionary))


def merge(proposals: Iterable[Proposal], dictionary: Dictionary) -> dict[str, Any]:
    """One value per field: ids by frequency (then first mention); outcomes present beats absent,
    grades widen to the lowest and highest seen."""
    values: dict[str, Any] = {}
    counts: dict[str, dict[str, tuple[int, int]]] = {}
    for p in proposals:
        if p.field in ENTITY_FIELDS.values() and p.id:
            seen = counts.setdefault(p.field, {})
            n, first = seen.get(p.id, (0, p.offset))
            seen[p.id] = (n + 1, min(first, p.offset))
        elif p.field in OUTCOME_FIELDS:
            current = values.get(p.field)
            status = dict(p.data)
            if current is None or (status["present"] and not current["present"]):
                values[p.field] = {**status, "id": p.id}
            elif status["present"] and current["present"]:
                grades = [g for g in (current.get("grade"), current.get("max_grade"),
                                      status.get("grade"), status.get("max_grade")) if g is not None]
                if grades:
                    current["grade"] = min(grades)
                    current.pop("max_grade", None)
                    if max(grades) != min(grades):
                        current["max_grade"] = max(grades)
                if "patients" not in current and "patients" in status:
                    current["patients"] = status["patients"]
        elif p.field == "patients":
            values["patients"] = p.get("number")
        elif p.field in ("follow_up_months", "improvement_months"):
            values[p.field] = p.get("months")
        elif p.field == "level":
            values["level"] = p.value
    for fld, seen in counts.items():
        values[fld] = [i for i, _ in sorted(seen.items(), key=lambda kv: (-kv[1][0], kv[1][1]))]
    if "improvement_months" in values and IMPROVEMENT in dictionary.outcome_ids:
        values["improvement_id"] = dictionary.outcome_ids[IMPROVEMENT]
    return values


def read_article(path: Path) -> str:
    """The article's text; refuses files over MAX_BYTES and bytes that are not UTF-8."""
    try:
        info = path.stat()
    except OSError as exc:
        raise DataError(f"cannot read article ({exc.strerror})", file=str(path)) from None
    if not stat.S_ISREG(info.st_mode):  # a folder, /dev/zero or a FIFO would never end or block
        raise DataError("not a regular file: `kg extract` reads an article's text file", file=str(path))
    size = info.st_size
    if size > MAX_BYTES:
        raise DataError(f"article is {size:,} bytes, over the {MAX_BYTES:,}-byte limit (2 MB) for `kg extract`",
                        file=str(path))
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise DataError(f"cannot read article ({exc.strerror})", file=str(path)) from None
    if len(data) > MAX_BYTES:
        raise DataError(f"article is over the {MAX_BYTES:,}-byte limit (2 MB) for `kg extract`", file=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte offset {exc.start})", file=str(path)) from None


def extract_file(path: Path, store_path: Path) -> tuple[Extraction, Dictionary]:
    """Read ``path`` and propose evidence, using the store at ``store_path`` as the dictionary."""
    text = read_article(path)
    dictionary = Dictionary.from_store(store_path)
    return parse_text(text, dictionary, str(path)), dictionary
