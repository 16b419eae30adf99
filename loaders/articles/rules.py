"""Field rules for `kg extract` (kg.loaders.articles): what the words around a mention mean.

Kept apart from matching (articles_match.py) because these rules change with every new kind of
article while matching does not. Each rule reads the text near one mention or one number:
patient counts, durations, CRS / ICANS grades, negation, prior-therapy cues, antibody status and
the evidence level. Negation is read within a clause: forward from a cue (no, without,
neither/nor, did not develop) or backward from "was not observed"; "no grade >= 3 CRS", "no
severe / prolonged ..." and "no infections requiring hospitalisation" say nothing about milder
events and propose nothing.

Time rule: durations become months with 1 month = 365.25 / 12 days, 1 week = 7 days and
1 year = 12 months, rounded to one decimal (``week 24`` -> 5.5 months).
"""

from __future__ import annotations

import re
from typing import Any

from kg.loaders.articles.match import Mention, split_clauses

GRADED = ("crs", "icans")  # ASTCT grades; other adverse events keep presence only

# --- numbers and durations -------------------------------------------------------------------------

_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS, 1)}
NUMBER_WORDS.update({"a single": 1, "single": 1, "a": 1, "an": 1, "hundred": 100, "a hundred": 100,
                     "one hundred": 100, **_TENS})
NUMBER_WORDS.update({f"{t}{sep}{u}": tv + uv for t, tv in _TENS.items() for u, uv in
                     zip(_UNITS[:9], range(1, 10), strict=True) for sep in ("-", " ")})
_NUM = (r"(?:\d+(?:\.\d+)?|(?:a\s+|one\s+)?hundred|(?:a\s+)?single|(?:" + "|".join(_TENS) + r")(?:[\s-](?:"
        + "|".join(_UNITS[:9]) + r"))?|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")")


def to_number(word: str) -> float | None:
    """A digit string or a number word ("twenty-one", "a single"); None if it is neither."""
    word = word.strip().lower()
    try:
        return float(word)
    except ValueError:
        return NUMBER_WORDS.get(re.sub(r"\s+", " ", word))


_MONTHS_PER = {"day": 12 / 365.25, "week": 7 * 12 / 365.25, "month": 1.0, "mo": 1.0, "year": 12.0}


def to_months(number: float, unit: str) -> float:
    """The time rule (module docstring), so every article states durations on one scale."""
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
    cues = list(_NEG_PRE.finditer(before))
    cue = cues[-1] if cues else None  # the nearest cue before the mention
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


# --- cues: targets, prior therapies, antibodies, evidence level ------------------------------------

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


def car_cued(sentence: str) -> bool:
    """Whether a sentence speaks of what a cell therapy targets, so a bare target name there counts."""
    return bool(_CAR_CUE.search(sentence))


def antibody_status(text: str, mention: Mention, clause_start: int) -> str | None:
    """An autoantibody mention's status, "positive" or "mentioned"; None if the patient is negative for
    it ("seronegative for AChR", "MuSK-negative"), which is no evidence of that antibody."""
    lead = text[clause_start:mention.start]
    tail = text[mention.end:mention.end + 12]
    if _AB_NEGATIVE.search(lead) or re.match(r"[\s-]*negative\b", tail, re.IGNORECASE):
        return None
    return "positive" if _AB_POSITIVE.search(text[max(0, mention.start - 15):mention.end + 15]) else "mentioned"


def evidence_level(text: str) -> tuple[str, int] | None:
    """The first level in _LEVELS order whose words occur, and their offset: a press release about a
    phase 1 trial is a press release."""
    for level, regex in _LEVELS:
        found = regex.search(text)
        if found:
            return level, found.start()
    return None


def is_prior(text: str, mention: Mention, sentence: tuple[int, int], clause: tuple[int, int]) -> bool:
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


def describe(status: dict[str, Any]) -> str:
    """An outcome status as the review table shows it: "absent", "present grade 1-2 (3 patients)"."""
    if not status["present"]:
        return "absent"
    grade = status.get("grade")
    text = "present"
    if grade is not None:
        text += f" grade {grade}" + (f"-{status['max_grade']}" if "max_grade" in status else "")
    if "patients" in status:
        text += f" ({status['patients']} patient{'s' if status['patients'] != 1 else ''})"
    return text


# --- whole-text proposals: patient count, durations ------------------------------------------------

def propose_counts(text: str, sentence_of: Any, propose: Any) -> None:
    """One patient count for the article: a cued count ("n = 12", "treated 12 patients") beats a bare
    one, then the larger, then the earlier."""
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


def propose_durations(text: str, sentences: list[tuple[int, int]], mentions: list[Mention],
                       propose: Any) -> None:
    follow: list[tuple[int, float, int]] = []      # (strength, months, offset)
    improve: list[tuple[float, int]] = []
    adverse = [m for m in mentions if m.entry.label == "Outcome"]
    for sentence in sentences:
        for c_start, c_end in split_clauses(text, *sentence):
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
