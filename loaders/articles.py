"""Article text (news, press releases, abstracts) -> proposed evidence for a curator to check.

``kg extract FILE`` reads plain text and proposes structured evidence: product, target, disease,
autoantibody, patient count, prior therapies, CRS / ICANS (grade or explicit absence), other adverse
events, follow-up and time to clinical improvement. Every proposal carries its sentence and the
character offset of the words it came from. It is not a build-time loader: nothing enters the
graph until a curator has checked the proposal and saved it as curated YAML.

The dictionary is the built store's own names, synonyms and abbreviations (``Dictionary``), plus a
small built-in clinical lexicon for adverse events the store may not name (``OUTCOME_FIELDS``).
Matching walks two character tries (no regex to compile: a cold start stays fast) from every word
start, longest term first, ending on a word boundary; hyphens and spaces are interchangeable. Short
all-caps abbreviations (``CRS``, ``MG``, ``SLE``: at most four characters) match case-sensitively,
so ``10 mg`` is no myasthenia gravis; a few curated abbreviations that prose uses for something
else (``AE``, ``IA``) are left out (``AMBIGUOUS``). Negation is read within a clause: forward from
a cue (no, without, neither/nor, did not develop) or backward from "was not observed"; "no grade
>= 3 CRS", "no severe / prolonged ..." and "no infections requiring hospitalisation" say nothing
about milder events and propose nothing. ``parse_text`` is pure; ``extract_file`` does the I/O.

Time rule: durations become months with 1 month = 365.25 / 12 days, 1 week = 7 days and
1 year = 12 months, rounded to one decimal (``week 24`` -> 5.5 months).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import DataError
from kg.model import Edge, Node

SOURCE = "articles"
MAX_BYTES = 2_000_000  # an article, not a book: larger input is refused before it is read

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
GRADED = ("crs", "icans")  # ASTCT grades; other adverse events keep presence only
IMPROVEMENT = "clinical improvement"  # its store node (if any) receives the time to improvement
FIELDS = ("product", "target", "disease", "autoantibody", "patients", "prior_therapy", *OUTCOME_FIELDS,
          "follow_up_months", "improvement_months", "level")
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
    """Terms from the store's nodes, compiled into two regexes (case-insensitive / -sensitive)."""

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
            own = [node.name, *(str(s) for s in node.properties.get("synonyms", ()))]  # type: ignore[union-attr]
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
        from kg.store import Store

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


# --- sentences and clauses -------------------------------------------------------------------------

_ABBREVIATIONS = frozenset({"e.g", "i.e", "dr", "mr", "mrs", "prof", "vs", "approx", "fig", "figs", "al",
                            "inc", "ltd", "corp", "co", "st", "jr", "sr", "etc", "cf", "ref", "vol", "ca", "no"})
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_WORD_BEFORE = re.compile(r"([\w.]+)\.[\"')\]]*\s*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: ends at . ! ? before a capital or digit, or at a blank line; not after
    abbreviations (e.g., Dr., et al.), initials, or inside decimals (1.5)."""
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
        if e > s:
            result.append((s, e))
    return result


_CLAUSE_BREAK = re.compile(
    r";|:(?!\d)|,?\s+(?:but|whereas|while|although|though|however|except|apart from|other than|besides|"
    r"aside from)\b|,\s+(?:and|which|who)\b|\s[\u2013\u2014]\s|\.\s", re.IGNORECASE)


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, s = [], start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        spans.append((s, match.start()))
        s = match.end()
    spans.append((s, end))
    return spans


# --- numbers and durations -------------------------------------------------------------------------

_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS, 1)}
NUMBER_WORDS.update({"a single": 1, "single": 1, "a": 1, "an": 1, "hundred": 100, "a hundred": 100,
                     "one hundred": 100, **_TENS})
NUMBER_WORDS.update({f"{t}{sep}{u}": tv + uv for t, tv in _TENS.items() for u, uv in
                     zip(_UNITS[:9], range(1, 10)) for sep in ("-", " ")})
_NUM = (r"(?:\d+(?:\.\d+)?|(?:a\s+|one\s+)?hundred|(?:a\s+)?single|(?:" + "|".join(_TENS) + r")(?:[\s-](?:"
        + "|".join(_UNITS[:9]) + r"))?|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")")


def to_number(word: str) -> float | None:
    word = word.strip().lower()
    try:
        return float(word)
    except ValueError:
        return NUMBER_WORDS.get(re.sub(r"\s+", " ", word))


_MONTHS_PER = {"day": 12 / 365.25, "week": 7 * 12 / 365.25, "month": 1.0, "mo": 1.0, "year": 12.0}


def to_months(number: float, unit: str) -> float:
    unit = unit.lower().rstrip("s")
    return round(number * _MONTHS_PER[unit], 1)


_DURATION = re.compile(
    rf"\b(?P<n>{_NUM}|an?(?=\s+(?:year|month|week)\b))(?:\s*(?:-|\u2013|to)\s*(?P<n2>{_NUM}))?[\s-]+"
    r"(?P<unit>months?|weeks?|days?|years?|mo)\b"
    r"(?![\s-]+old)"
    r"|\b(?P<unit2>month|week|day|year)\s*(?P<n3>\d+(?:\.\d+)?)\b"
    r"|(?<![\w-])M(?P<n4>\d{1,2})\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"follow(?:ed)?[\s-]*up|followed|last visit|data cut-?off|as of|observation period",
                        re.IGNORECASE)
_SUSTAINED = re.compile(r"\b(?:remain\w*|sustain\w*|durable|maintain\w*|persist\w*|still|through|up to|"
                        r"(?:drug|treatment|medication)[\s-]free)\b", re.IGNORECASE)
_IMPROVED = re.compile(r"\b(?:improv\w*|respon\w*|recover\w*|relie\w*|ameliorat\w*|normali[sz]\w*|"
                       r"decreas\w*|declin\w*|reduc\w*|regain\w*|fell|dropped|eas(?:e|ed|ing)|"
                       r"(?:reach|achiev|attain|enter)\w*\s+(?:\w+\s+)?remission)\b", re.IGNORECASE)
_HISTORY = re.compile(r"\b(?:history|duration|diagnos\w*|ago|past|since|aged?|course|lasting|for \d+ years)\b",
                      re.IGNORECASE)
_NOT_CLINICAL = re.compile(r"\bB[\s-]cells?\b|expan\w*|reconstitut\w*|lymphodeplet\w*|\bCAR[\s-]?T cells\b|"
                           r"hospitali[sz]\w*|discharg\w*|resolv\w*", re.IGNORECASE)

_PEOPLE = r"(?:patients?|participants?|subjects?|individuals?|people|persons|women|men|adults|children|cases)"
_SKIP_WORD = r"(?!(?:weeks?|months?|days?|years?|of|in|with|and|or|to|for|the|at|from|per|had|were|was)\b)"
_COUNT = re.compile(
    rf"\b(?P<n>{_NUM})(?:\s+{_SKIP_WORD}[a-z][\w-]*){{0,2}}\s+{_PEOPLE}\b"
    r"|\b[nN]\s*=\s*(?P<n2>\d+)"
    r"|\b(?P<one>an?)\s+\d+[\s-]year[\s-]old\b"
    r"|\b(?P<weak>an?|the first)\s+(?:single\s+)?patient\b", re.IGNORECASE)
_ENROLLED = re.compile(r"\b(?:treat\w*|enrol\w*|receiv\w*|infus\w*|includ\w*|recruit\w*|dosed|administ\w*|"
                       r"underw\w*|describ\w*|present\w*|report\w*)\b", re.IGNORECASE)


# --- outcomes: presence, absence, grade ------------------------------------------------------------

_NEG_PRE = re.compile(r"\b(?:no|not|without|neither|nor|none|never|absence of|absent|free (?:of|from)|"
                      r"lack of|zero)\b", re.IGNORECASE)
_NEG_VERB = re.compile(r"^\s*(?:\w+\s+)?(?:develop|experienc|observ|show|have|had|report|exhibit|see|seen|"
                       r"detect|present|associated|occur|record)", re.IGNORECASE)
_NEG_POST = re.compile(
    r"^(?:[\s,]*(?:and|or|nor)?\s*\x01+)*\s*(?:(?:was|were|is|are|has been|have been)\s+)?"
    r"(?:(?:not|never)\s+(?:\w+\s+)?(?:observed|seen|reported|detected|noted|documented|experienced|present|"
    r"evident|recorded|found)|did not (?:occur|develop)|(?:was|were) absent|occurred in none|in none\b)",
    re.IGNORECASE)
_SEVERITY = re.compile(r"\b(?:severe|serious|prolonged|persistent|high[\s-]grade|life[\s-]threatening|grade\s*(?:\u2265|>=|>|3|4|iii|iv)\b|"
                       r"(?:higher|greater|worse|more severe) than|above grade|beyond grade|exceed\w*)",
                       re.IGNORECASE)
_QUALIFIER = re.compile(r"[\s(]*(?:requiring|that required|leading to|necessitating|of grade\s*(?:\u2265|>=|>|3|4)|"
                        r"(?:higher|greater|worse|more severe) than|above grade|beyond grade|exceed)", re.IGNORECASE)
_GRADE_NUM = r"(?:[0-4]|iv|i{1,3})"
_GRADE = re.compile(
    rf"\bgrades?\s*(?P<a>{_GRADE_NUM})\b(?:\s*(?:-|\u2013|\u2014|to|or|and|/)\s*(?:grade\s*)?(?P<b>{_GRADE_NUM})\b)?",
    re.IGNORECASE)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_OUTCOME_COUNT = re.compile(rf"\b(?:in\s+)?(?P<n>{_NUM})(?:\s+(?:of|out of)\s+(?:the\s+)?{_NUM})?\s+"
                            rf"(?:{_SKIP_WORD}[a-z]+\s+)?{_PEOPLE}\b|\bin\s+(?P<n2>\d+)\s*/\s*\d+\b", re.IGNORECASE)


def _grades_further_on(text: str, mention: Mention, others: list[Mention], sentence_end: int | None) -> list[int]:
    """Grades given in a later clause of the sentence ("CRS occurred in 8/9 patients; all events were
    grade 1 except one grade 2 event"), up to the next outcome, skipping a grade that names it."""
    stop = min([o.start for o in others if o.start >= mention.end] + [sentence_end or mention.end + 120])
    window = text[mention.end:min(stop, mention.end + 120)]
    grades = []
    for match in _GRADE.finditer(window):
        if mention.end + match.end() + 12 >= stop and stop != sentence_end:
            continue  # "...; 2 had grade 3 neutropenia": the grade belongs to the next outcome
        grades += [_grade(g) for g in (match.group("a"), match.group("b")) if g]
    return grades


def _grade(value: str) -> int:
    return int(value) if value.isdigit() else _ROMAN[value.lower()]


def outcome_status(text: str, mention: Mention, clause: tuple[int, int],
                   others: list[Mention], sentence_end: int | None = None) -> dict[str, Any] | None:
    """present / grade / max_grade / patients for one outcome mention, read within its clause.

    Negation looks forward from a cue (no, without, neither ... nor, did not develop) across a short
    gap in the same clause, or backward from "was not observed"; "no grade >= 3 CRS" or "no severe
    infection" says nothing about milder events and yields None.
    """
    c_start, c_end = clause
    masked = list(text[c_start:c_end])
    for other in others:
        for i in range(max(other.start, c_start), min(other.end, c_end)):
            masked[i - c_start] = "\x01"
    local = "".join(masked)
    before = local[:mention.start - c_start]
    after = local[mention.end - c_start:]
    cue = None
    for cue in _NEG_PRE.finditer(before):
        pass
    negated = False
    if cue is not None:
        gap = before[cue.end():]
        plain = re.sub(r"\x01+\s*,", "\x01", gap)
        words = re.findall(r"[A-Za-z]+", plain.replace("\x01", " "))
        if "," not in plain and len(words) <= 8:
            negated = cue.group().lower() not in ("not", "never") or bool(_NEG_VERB.match(gap))
        if negated and (_SEVERITY.search(gap) or _QUALIFIER.match(after)):
            return None
    if not negated and _NEG_POST.match(after):
        if _SEVERITY.search(before[-25:]):
            return None
        negated = True
    if negated:
        return {"present": False}
    stop = next((o.start for o in sorted(others, key=lambda o: o.start) if o.start >= mention.end), c_end)
    window_after = text[mention.end:min(stop, mention.end + 70)]
    prev_end = max((o.end for o in others if o.end <= mention.start), default=c_start)
    window_before = text[max(prev_end, c_start, mention.start - 40):mention.start]
    grades: list[int] = []
    adjacent = None if mention.entry.field not in GRADED else re.search(_GRADE.pattern + r"[\s(),]*(?:(?:mild|transient|low[\s-]grade|ASTCT)\s+)?$",
                         window_before, re.IGNORECASE)
    after_grades = list(_GRADE.finditer(window_after)) if mention.entry.field in GRADED else []
    for match in ([adjacent] if adjacent else []) + after_grades:
        grades.append(_grade(match.group("a")))
        if match.group("b"):
            grades.append(_grade(match.group("b")))
    if not grades and mention.entry.field in GRADED:
        grades = _grades_further_on(text, mention, others, sentence_end)
    status: dict[str, Any] = {"present": True}
    if grades:
        status["grade"] = min(grades)
        if max(grades) != min(grades):
            status["max_grade"] = max(grades)
    counts = [m for m in _OUTCOME_COUNT.finditer(text, c_start, c_end)]
    if len(counts) == 1:
        number = to_number(counts[0].group("n") or counts[0].group("n2"))
        if number is not None:
            status["patients"] = int(number)
    return status


# --- the pipeline ----------------------------------------------------------------------------------

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


_CAR_CUE = re.compile(r"\bCAA?R\b|CAR[\s-]?T|chimeric|target\w*|direct\w*|specific|bispecific", re.IGNORECASE)
_PRIOR_CUE = re.compile(r"\b(?:prior|previous\w*|despite|refractory|resistant|fail\w*|had received|"
                        r"had been (?:treated|given)|before|history of|inadequate\w*|intoleran\w*|unresponsive|"
                        r"lines? of|pre-?treated|relapsed|dependent|taper\w*|discontinu\w*|withdrawn|stopped|"
                        r"background|standard)\b", re.IGNORECASE)
_NOT_PRIOR = re.compile(r"\b(?:manag\w*|lymphodeplet\w*|conditioning|fludarabine|bridging|premedicat\w*|"
                        r"prophyla\w*|resolv\w*|to treat|was given for|were given for)\b", re.IGNORECASE)
_AB_NEGATIVE = re.compile(r"(?:sero)?negative for\s+$|seronegative\s+$", re.IGNORECASE)
_AB_POSITIVE = re.compile(r"positiv|\+", re.IGNORECASE)
_LEVELS = (
    ("press-release", re.compile(r"today announced|announced today|\((?:NASDAQ|NYSE|HKEX)|GLOBE NEWSWIRE|"
                                 r"PR ?Newswire|Business Wire|forward-looking statements", re.IGNORECASE)),
    ("phase-1-2", re.compile(r"\bphase\s*(?:1|I)\s*/\s*(?:2|II)\b|\bphase\s*(?:1|I)b?\s*-\s*(?:2|II)\b", re.IGNORECASE)),
    ("phase-1", re.compile(r"\bphase\s*(?:1|I)b?\b", re.IGNORECASE)),
    ("phase-2", re.compile(r"\bphase\s*(?:2|II)\b", re.IGNORECASE)),
    ("conference-abstract", re.compile(r"\b(?:presented at|annual meeting|congress)\b", re.IGNORECASE)),
    ("case-series", re.compile(r"\bcase series\b|\bretrospective(?:ly)?\b", re.IGNORECASE)),
    ("case-report", re.compile(r"\bcase report\b|\bwe (?:report|describe|present) (?:a|the case)|"
                               r"\ban?\s+\d+[\s-]year[\s-]old\b", re.IGNORECASE)),
)


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
        return next((c for c in _clauses(text, *sentence) if c[0] <= offset <= c[1]), sentence)

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
            if entry.label == "Target" and not (_CAR_CUE.search(s_text) or set(ids) & product_targets):
                continue
            if entry.label == "Therapy" and not _is_prior(text, m, sentence, clause_of(m.start, sentence)):
                continue
            if entry.label == "Autoantibody":
                clause_start = clause_of(m.start, sentence)[0]
                lead = text[clause_start:m.start]
                tail = text[m.end:m.end + 12]
                if _AB_NEGATIVE.search(lead) or re.match(r"[\s-]*negative\b", tail, re.IGNORECASE):
                    continue
                positive = _AB_POSITIVE.search(text[max(0, m.start - 15):m.end + 15])
                for node_id in ids:
                    propose("autoantibody", f"{dictionary.name(node_id)} ({'positive' if positive else 'mentioned'})",
                            node_id, m.start)
                continue
            if entry.label == "Outcome":
                status = outcome_status(text, m, clause_of(m.start, sentence),
                                        [o for o in outcome_mentions if o is not m], sentence[1])
                if status is not None:
                    propose(entry.field, _describe(status), ids[0] if ids else None, m.start, **status)
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

    _propose_counts(text, sentence_of, propose)
    _propose_durations(text, sentences, mentions, propose)
    for level, regex in _LEVELS:
        found = regex.search(text)
        if found:
            propose("level", level, None, found.start())
            break
    unique = {(p.field, p.id, p.value, p.sentence): p for p in reversed(proposals)}
    proposals = sorted(unique.values(), key=lambda p: (FIELDS.index(p.field), p.offset))
    if not any(p.field in ("product", "target", "disease") for p in proposals):
        raise DataError(f"no product, target or disease recognised in {file}", file=file)
    return Extraction(file, tuple(proposals), merge(proposals, dictionary))


def _is_prior(text: str, mention: Mention, sentence: tuple[int, int], clause: tuple[int, int]) -> bool:
    """A therapy was given before the cell therapy if the nearest cue says so: the last cue before it
    in the sentence, else the first after it in its clause. "Lymphodepletion with cyclophosphamide"
    or "CRS was managed with tocilizumab" are not prior therapies."""
    cues = [(m.start(), True) for m in _PRIOR_CUE.finditer(text, sentence[0], sentence[1])]
    cues += [(m.start(), False) for m in _NOT_PRIOR.finditer(text, sentence[0], sentence[1])]
    before = [c for c in cues if c[0] < mention.start]
    if before:
        return max(before)[1]
    after = [c for c in cues if mention.end <= c[0] < clause[1]]
    return min(after)[1] if after else False


def _describe(status: dict[str, Any]) -> str:
    if not status["present"]:
        return "absent"
    grade = status.get("grade")
    text = "present"
    if grade is not None:
        text += f" grade {grade}" + (f"-{status['max_grade']}" if "max_grade" in status else "")
    if "patients" in status:
        text += f" ({status['patients']} patient{'s' if status['patients'] != 1 else ''})"
    return text


def _propose_counts(text: str, sentence_of: Any, propose: Any) -> None:
    best: tuple[bool, int, int] | None = None
    for match in _COUNT.finditer(text):
        if match.group("one") or match.group("weak"):
            number: float | None = 1
        else:
            number = to_number(match.group("n") or match.group("n2"))
        if number is None or number != int(number) or number > 100_000:
            continue
        s, e = sentence_of(match.start())
        cued = not match.group("weak") and bool(match.group("one") or match.group("n2")
                                                    or _ENROLLED.search(text, s, e))
        candidate = (cued, int(number), -match.start())
        if best is None or candidate > best:
            best = candidate
    if best is not None:
        propose("patients", str(best[1]), None, -best[2], number=best[1])


def _propose_durations(text: str, sentences: list[tuple[int, int]], mentions: list[Mention],
                       propose: Any) -> None:
    follow: list[tuple[int, float, int]] = []      # (strength, months, offset)
    improve: list[tuple[float, int]] = []
    adverse = [m for m in mentions if m.entry.label == "Outcome"]
    for sentence in sentences:
        for c_start, c_end in _clauses(text, *sentence):
            found = list(_DURATION.finditer(text, c_start, c_end))
            for i, match in enumerate(found):
                n = match.group("n2") or match.group("n") or match.group("n3") or match.group("n4")
                number = to_number(n)
                if number is None:
                    continue
                months = to_months(number, match.group("unit") or match.group("unit2") or "month")
                # The words between the neighbouring durations say what this one measures; those
                # before it first ("improved by M2 and remained stable through month 12").
                before = text[found[i - 1].end() if i else c_start:match.start()]
                after = text[match.end():found[i + 1].start() if i + 1 < len(found) else c_end]
                near = text[max(c_start, match.start() - 40):min(c_end, match.end() + 40)]
                if _FOLLOW_UP.search(near):
                    follow.append((2, months, match.start()))
                    continue
                if _HISTORY.search(before[-30:]) or re.match(r"[\s-]*old\b", after):
                    continue
                kind = _duration_kind(before) or _duration_kind(after)
                if kind == "sustained":
                    follow.append((1, months, match.start()))
                elif kind == "improved" and not _NOT_CLINICAL.search(before + after) and not any(
                        sentence[0] <= m.start < sentence[1] for m in adverse):
                    improve.append((months, match.start()))
                    follow.append((0, months, match.start()))
    if follow:
        _, months, offset = max(follow)
        propose("follow_up_months", f"{months:g}", None, offset, months=months)
    if improve:
        months, offset = min(improve)
        propose("improvement_months", f"{months:g}", None, offset, months=months)


def _duration_kind(words: str) -> str | None:
    if _SUSTAINED.search(words):
        return "sustained"
    return "improved" if _IMPROVED.search(words) else None


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
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(f"cannot read article ({exc.strerror})", file=str(path)) from None
    if size > MAX_BYTES:
        raise DataError(f"article is {size:,} bytes, over the {MAX_BYTES:,}-byte limit (2 MB) for `kg extract`",
                        file=str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read article ({exc.strerror})", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte offset {exc.start})", file=str(path)) from None


def extract_file(path: Path, store_path: Path) -> tuple[Extraction, Dictionary]:
    """Read ``path`` and propose evidence, using the store at ``store_path`` as the dictionary."""
    text = read_article(path)
    dictionary = Dictionary.from_store(store_path)
    return parse_text(text, dictionary, str(path)), dictionary
