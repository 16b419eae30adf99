"""Dictionary matching and sentence / clause splitting for `kg extract` (kg.loaders.articles).

Kept apart from the field rules (articles_rules.py) because it is the part that knows the store:
the dictionary is the built store's own names, synonyms and abbreviations (``Dictionary``), plus a
small built-in clinical lexicon for adverse events the store may not name (``OUTCOME_FIELDS``).
Matching walks two character tries (no regex to compile: a cold start stays fast) from every word
start, longest term first, ending on a word boundary; hyphens and spaces are interchangeable. Short
all-caps abbreviations (``CRS``, ``MG``, ``SLE``: at most four characters) match case-sensitively,
so ``10 mg`` is no myasthenia gravis; a few curated abbreviations that prose uses for something
else (``AE``, ``IA``) are left out (``AMBIGUOUS``). Sentences and clauses bound every rule that
reads context, so their splitting lives here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core.model import Edge, Node
from kg.core.names import terms_of

ENTITY_FIELDS = {"Product": "product", "Target": "target", "Disease": "disease",
                 "Autoantibody": "autoantibody", "Therapy": "prior_therapy"}
# Built-in lexicon: outcome field -> terms. Store outcomes whose names meet these terms lend their
# ids (and their other synonyms) to the field; a field without a store node keeps id None.
OUTCOME_FIELDS: dict[str, tuple[str, ...]] = {
    "crs": ("cytokine release syndrome", "CRS"),
    "icans": ("immune effector cell-associated neurotoxicity syndrome", "ICANS", "neurotoxicity"),
    "cytopenia": ("cytopenia", "hemocytopenia", "haemocytopenia", "neutropenia", "thrombocytopenia",
                  "leukopenia", "lymphopenia", "pancytopenia"),
    "infection": ("infection", "pneumonia", "sepsis", "bacteremia", "bacteraemia", "herpes zoster", "cellulitis"),
    "hypogammaglobulinemia": ("hypogammaglobulinemia", "hypogammaglobulinaemia"),
}
IMPROVEMENT = "clinical improvement"  # its store node (if any) receives the time to improvement
# Abbreviations in the curated data that clinical prose uses for something else.
AMBIGUOUS = frozenset({"AE", "AEs", "IA", "MRA", "B1", "B4", "T10", "BCM", "MPA"})

# Matching runs on a copy of the text with quotes, hyphens and white space made plain one character
# for one (offsets stay valid), so that "TA-101", "TA\u2011101" and "TA 101" are one term.
_SEP_RE = re.compile(r"[\s\-\u2010\u2011]+")
_CLEAN = str.maketrans({"\u2019": "'", "\u2018": "'", "-": " ", "\u2010": " ", "\u2011": " ", "\u00a0": " ",
                        "\n": " ", "\t": " ", "\r": " "})


def _key(term: str) -> str:
    return _SEP_RE.sub(" ", term.strip())


def _lower(text: str) -> str:
    """Lower case, one character for one (the rare letter whose lower case is longer stays as it is)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _sensitive(term: str) -> bool:
    return len(term) <= 4 and term.upper() == term and any(c.isalpha() for c in term)


def _plurals(term: str) -> Iterator[str]:
    yield term
    if term[-1:].isalpha() and term[-1] != "s" and not _sensitive(term):
        yield term[:-1] + "ies" if term.endswith("y") else term + "s"


_END = ""  # marks the end of a term in a trie node


def _trie(terms: Iterable[str]) -> dict[str, Any]:
    """Nested dicts, one level per character; a space stands for any run of spaces."""
    root: dict[str, Any] = {}
    for term in terms:
        node = root
        for ch in term:
            node = node.setdefault(ch, {})
        node[_END] = True
    return root


def _longest(haystack: str, start: int, trie: dict[str, Any]) -> int:
    """End of the longest term that starts at ``start`` and ends on a word boundary, else -1."""
    node: dict[str, Any] | None = trie
    j, n, best = start, len(haystack), -1
    while j < n and node is not None:
        node = node.get(haystack[j])
        if node is None:
            break
        j += 1
        if haystack[j - 1] == " ":
            while j < n and haystack[j] == " ":
                j += 1
        elif _END in node and (j == n or not (haystack[j].isalnum() or haystack[j] == "_")):
            best = j
    return best


_WORD_START = re.compile(r"(?<!\w)\w")


_ANTI = re.compile(r"^anti-?(?P<antigen>\S.*?)(?:\s+(?:auto)?antibod(?:y|ies)|[\s-]IgG\d?)?$", re.IGNORECASE)


def _antibody_forms(term: str) -> list[str]:
    """How articles name a patient's antibody status: "anti-AChR antibody" -> AChR-positive,
    AChR-seropositive, AChR antibody, anti-AChR."""
    match = _ANTI.match(term.strip())
    if not match or len(match.group("antigen")) < 2:
        return []
    antigen = match.group("antigen")
    return [f"{antigen}-positive", f"{antigen}-seropositive", f"{antigen} antibody", f"anti-{antigen}"]


@dataclass(frozen=True)
class Entry:
    """What a dictionary term names: an entity class with its ids, or an outcome field."""

    label: str                      # Product, Target, ..., or "Outcome"
    ids: tuple[str, ...]            # node ids (empty for an outcome field the store does not hold)
    field: str                      # proposal field: product, ..., crs, cytopenia, ...


@dataclass
class Dictionary:
    """Terms from the store's nodes, compiled into two tries (case-insensitive / -sensitive)."""

    entries: dict[str, Entry]                       # key (_key; lower-cased unless sensitive) -> entry
    names: dict[str, str]                           # id -> preferred name
    targets_of: dict[str, tuple[str, ...]]          # product id -> target ids (TARGETS edges)
    outcome_ids: dict[str, str]                     # outcome field (and IMPROVEMENT) -> store id
    _loose: dict[str, Any] | None = field(default=None, repr=False)     # lower-case terms
    _strict: dict[str, Any] | None = field(default=None, repr=False)    # case-sensitive abbreviations

    @classmethod
    def from_records(cls, nodes: Iterable[Node], edges: Iterable[Edge]) -> Dictionary:
        terms: dict[str, dict[tuple[str, str], set[str]]] = {}   # key -> (label, field) -> ids
        names: dict[str, str] = {}
        outcome_ids: dict[str, str] = {}
        lexicon = {t.lower(): f for f, ts in OUTCOME_FIELDS.items() for t in ts}

        def add(term: str, label: str, fld: str, node_id: str | None) -> None:
            if not term.strip() or term in AMBIGUOUS:
                return
            for variant in _plurals(term.strip()):
                key = _key(variant) if _sensitive(variant) else _key(variant.lower())
                ids = terms.setdefault(key, {}).setdefault((label, fld), set())
                if node_id:
                    ids.add(node_id)

        for fld, lexicon_terms in OUTCOME_FIELDS.items():
            for term in lexicon_terms:
                add(term, "Outcome", fld, None)
        for node in nodes:
            own = list(terms_of(node, with_id=False))
            if node.properties.get("abbreviation"):
                own.append(str(node.properties["abbreviation"]))
            names[node.id] = node.name
            if node.label == "Autoantibody":
                own += [form for term in own for form in _antibody_forms(term)]
            if node.label in ENTITY_FIELDS:
                for term in own:
                    add(term, node.label, ENTITY_FIELDS[node.label], node.id)
            elif node.label in ("Outcome", "AdverseEvent"):
                lowered = {t.lower() for t in own}
                if IMPROVEMENT in lowered:
                    outcome_ids.setdefault(IMPROVEMENT, node.id)
                outcome = next((lexicon[t] for t in lowered if t in lexicon), None)
                if outcome is not None:
                    outcome_ids.setdefault(outcome, node.id)
                    for term in own:
                        add(term, "Outcome", outcome, node.id)
        targets_of: dict[str, list[str]] = {}
        for edge in edges:
            if edge.predicate == "TARGETS":
                targets_of.setdefault(edge.source, []).append(edge.target)
        entries: dict[str, Entry] = {}
        for key, by_label in terms.items():
            # One term, two classes (rare): the more specific class wins, in ENTITY_FIELDS order.
            order = [*ENTITY_FIELDS, "Outcome"]
            (label, fld), ids = min(by_label.items(), key=lambda item: order.index(item[0][0]))
            if label == "Outcome" and not ids and fld in outcome_ids:
                ids = {outcome_ids[fld]}
            entries[key] = Entry(label, tuple(sorted(ids)), fld)
        return cls(entries, names, {k: tuple(v) for k, v in targets_of.items()}, outcome_ids)

    @classmethod
    def from_store(cls, store_path: Path) -> Dictionary:
        from kg.core.store import Store

        with Store(store_path) as store:
            return cls.from_records(list(store.nodes()), [e for e in store.edges() if e.predicate == "TARGETS"])

    def tries(self) -> tuple[dict[str, Any], dict[str, Any]]:
        if self._loose is None or self._strict is None:
            self._loose = _trie(k for k in self.entries if k == k.lower())
            self._strict = _trie(k for k in self.entries if k != k.lower())
        return self._loose, self._strict

    def lookup(self, surface: str) -> Entry | None:
        key = _key(surface)
        return self.entries.get(key) or self.entries.get(_lower(key))

    def name(self, node_id: str | None) -> str:
        return self.names.get(node_id or "", node_id or "")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    entry: Entry


# --- sentences and clauses -------------------------------------------------------------------------

_ABBREVIATIONS = frozenset({"e.g", "i.e", "dr", "mr", "mrs", "prof", "vs", "approx", "fig", "figs", "al",
                            "inc", "ltd", "corp", "co", "st", "jr", "sr", "etc", "cf", "ref", "vol", "ca", "no"})
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_WORD_BEFORE = re.compile(r"([\w.]+)\.[\"')\]]*\s*$")


MAX_SENTENCE = 1_000  # characters: longer runs without a full stop are cut at a space


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: ends at . ! ? before a capital or digit, or at a blank line; not after
    abbreviations (e.g., Dr., et al.), initials, or inside decimals (1.5). No span is longer than
    MAX_SENTENCE, so the work per sentence (mentions against mentions, cues, clauses) is bounded and
    a text without full stops takes time linear in its length."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[match.start()] == ".":
            before = _WORD_BEFORE.search(text, max(0, match.start() - 20), match.end())
            word = before.group(1).lower() if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        spans.append((start, match.start() + 1))
        start = match.end()
    spans.append((start, len(text)))
    result = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        while e - s > MAX_SENTENCE:
            cut = text.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
            cut = cut if cut > s else s + MAX_SENTENCE
            result.append((s, cut))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            result.append((s, e))
    return result


_CLAUSE_BREAK = re.compile(
    r";|:(?!\d)|,?\s+(?:but|whereas|while|although|though|however|except|apart from|other than|besides|"
    r"aside from)\b|,\s+(?:and|which|who)\b|\s[\u2013\u2014]\s|\.\s", re.IGNORECASE)


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of text[start:end]: negation and durations are read within one clause."""
    spans, s = [], start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        spans.append((s, match.start()))
        s = match.end()
    spans.append((s, end))
    return spans


# --- mentions --------------------------------------------------------------------------------------

def find_mentions(text: str, dictionary: Dictionary) -> list[Mention]:
    """Dictionary terms in ``text``, leftmost-longest, without overlaps (offsets into ``text``)."""
    clean = text.translate(_CLEAN)
    low = _lower(clean)
    loose, strict = dictionary.tries()
    mentions: list[Mention] = []
    last_end = -1
    for match in _WORD_START.finditer(clean):
        start = match.start()
        if start < last_end:
            continue
        end = max(_longest(low, start, loose), _longest(clean, start, strict))
        entry = dictionary.lookup(clean[start:end]) if end > 0 else None
        if entry is not None:
            mentions.append(Mention(start, end, text[start:end], entry))
            last_end = end
    # A longer term may hold an autoantibody ("AQP4-IgG seropositive NMOSD", "AChR-positive MG"):
    # keep that inner mention too, so the disease does not hide the antibody.
    inner: list[Mention] = []
    for outer in mentions:
        if outer.entry.label == "Autoantibody" or outer.end - outer.start < 6:
            continue
        starts = [m.start() for m in re.finditer(r"\b\w", clean[outer.start:outer.end])]
        ends = [m.end() for m in re.finditer(r"\w\b", clean[outer.start:outer.end])]
        for a in starts:
            for b in ends:
                if a < b and (a, b) != (0, outer.end - outer.start):
                    entry = dictionary.lookup(clean[outer.start + a:outer.start + b])
                    if entry is not None and entry.label == "Autoantibody":
                        inner.append(Mention(outer.start + a, outer.start + b, text[outer.start + a:outer.start + b],
                                             entry))
    return sorted(mentions + inner, key=lambda m: m.start)
