"""`kg extract`: article text -> proposed evidence, scored against hand-written gold annotations.

Articles live in tests/data/articles/NAME.txt with NAME.gold.yaml beside them: `store` (test or
curated) and `fields` (field -> expected ids, number, outcome status, or null for "not stated").
Precision and recall are computed per field over all articles of a store and must stay above
FLOOR; `python tests/test_articles.py` prints the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TEST_DATA

from kg.core.model import Edge, Node
from kg.errors import DataError, KGError
from kg.loaders.articles import (
    FIELDS,
    OUTCOME_FIELDS,
    Dictionary,
    parse_text,
    split_sentences,
    to_months,
    to_number,
)
from kg.loaders.curated import load as load_curated

ARTICLES = TEST_DATA / "articles"
FLOOR = 0.8


# --- scoring ---------------------------------------------------------------------------------------

def canonical(values: dict[str, Any]) -> dict[str, set[str]]:
    """The merged extraction as comparable sets: ids, numbers as text, outcomes as 'present grade 1-2'."""
    result: dict[str, set[str]] = {}
    for fld in FIELDS:
        value = values.get(fld)
        if value is None:
            result[fld] = set()
        elif fld in OUTCOME_FIELDS:
            text = "present" if value["present"] else "absent"
            if value["present"] and value.get("grade") is not None:
                text += f" grade {value['grade']}" + (f"-{value['max_grade']}" if value.get("max_grade") else "")
            result[fld] = {text}
        elif isinstance(value, list):
            result[fld] = set(value)
        else:
            result[fld] = {f"{value:g}" if isinstance(value, float) else str(value)}
    return result


def gold_sets(fields: dict[str, Any]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for fld in FIELDS:
        value = fields.get(fld)
        if value is None:
            result[fld] = set()
        elif isinstance(value, list):
            result[fld] = {str(v) for v in value}
        else:
            result[fld] = {f"{value:g}" if isinstance(value, float) else str(value)}
    return result


def articles(store: str) -> list[Path]:
    return [p for p in sorted(ARTICLES.glob("*.txt"))
            if yaml.safe_load(p.with_suffix(".gold.yaml").read_text(encoding="utf-8"))["store"] == store]


def score(paths: Iterable[Path], dictionary: Dictionary) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per field, summed over the articles."""
    totals = {fld: (0, 0, 0) for fld in FIELDS}
    for path in paths:
        gold = gold_sets(yaml.safe_load(path.with_suffix(".gold.yaml").read_text(encoding="utf-8"))["fields"])
        found = canonical(parse_text(path.read_text(encoding="utf-8"), dictionary, path.name).values)
        for fld in FIELDS:
            tp, fp, fn = totals[fld]
            totals[fld] = (tp + len(found[fld] & gold[fld]), fp + len(found[fld] - gold[fld]),
                           fn + len(gold[fld] - found[fld]))
    return totals


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def report(totals: dict[str, tuple[int, int, int]]) -> str:
    lines = [f"{'field':22} {'gold':>4} {'found':>5} {'TP':>3} {'precision':>9} {'recall':>6}"]
    for fld, (tp, fp, fn) in totals.items():
        lines.append(f"{fld:22} {tp + fn:4} {tp + fp:5} {tp:3} {ratio(tp, tp + fp):9.2f} {ratio(tp, tp + fn):6.2f}")
    tp, fp, fn = (sum(t[i] for t in totals.values()) for i in range(3))
    lines.append(f"{'all fields (micro)':22} {tp + fn:4} {tp + fp:5} {tp:3} {ratio(tp, tp + fp):9.2f} "
                 f"{ratio(tp, tp + fn):6.2f}")
    return "\n".join(lines)


def records_dictionary(data_dir: Path) -> Dictionary:
    """The dictionary straight from curated records (no build), as Dictionary.from_store would see it."""
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for record in load_curated(data_dir / "curated"):
        if isinstance(record, Node):
            nodes.setdefault(record.id, record)
        else:
            edges.append(record)
    return Dictionary.from_records(nodes.values(), edges)


def test_there_are_enough_gold_articles() -> None:
    assert len(articles("test")) >= 8
    assert len(articles("curated")) >= 3
    for path in ARTICLES.glob("*.txt"):
        gold = yaml.safe_load(path.with_suffix(".gold.yaml").read_text(encoding="utf-8"))
        assert set(gold["fields"]) == set(FIELDS), path.name


@pytest.mark.parametrize("store", ["test", "curated"])
def test_precision_and_recall_per_field(store: str, request: pytest.FixtureRequest) -> None:
    dictionary = request.getfixturevalue(f"{store}_dictionary")
    totals = score(articles(store), dictionary)
    print(f"\n{store} articles ({len(articles(store))}):\n{report(totals)}")
    low = {fld: (round(ratio(tp, tp + fp), 2), round(ratio(tp, tp + fn), 2))
           for fld, (tp, fp, fn) in totals.items()
           if ratio(tp, tp + fp) < FLOOR or ratio(tp, tp + fn) < FLOOR}
    assert not low, f"fields below {FLOOR} (precision, recall): {low}\n{report(totals)}"


# --- units: negation, grades, numbers, durations, dictionary ---------------------------------------

@pytest.fixture(scope="module")
def small() -> Dictionary:
    return records_dictionary(TEST_DATA)


def values(text: str, dictionary: Dictionary) -> dict[str, Any]:
    return parse_text("Testafix was given in TNM. " + text, dictionary, "unit.txt").values


def status(value: dict[str, Any] | None) -> str | None:
    return None if value is None else canonical({"crs": value})["crs"].pop()


@pytest.mark.parametrize("text, crs, icans", [
    ("No ICANS was observed.", None, "absent"),
    ("Grade 1 CRS occurred, but no ICANS was observed.", "present grade 1", "absent"),
    ("Neither CRS nor ICANS was observed.", "absent", "absent"),
    ("CRS and ICANS were not observed.", "absent", "absent"),
    ("Grade 2 CRS occurred and ICANS was not observed.", "present grade 2", "absent"),
    ("The patient did not develop CRS.", "absent", None),
    ("She was treated without CRS or ICANS.", "absent", "absent"),
    ("There was an absence of CRS.", "absent", None),
    ("ICANS did not occur.", None, "absent"),
    ("None of the patients developed ICANS.", None, "absent"),
    ("No grade \u22653 CRS was observed.", None, None),
    ("No severe CRS occurred.", None, None),
    ("No CRS above grade 1 was reported.", None, None),
    ("Patients who did not respond to test steroid developed grade 1 CRS.", "present grade 1", None),
    ("No adverse events other than grade 1 CRS occurred.", "present grade 1", None),
    ("No ICANS was observed, and CRS was grade 2.", "present grade 2", "absent"),
    ("CRS occurred in four patients (grade 1 in three, grade 2 in one); ICANS in none.", "present grade 1-2", "absent"),
])
def test_negation_is_scoped_to_its_clause(text: str, crs: str | None, icans: str | None, small: Dictionary) -> None:
    found = values(text, small)
    assert (status(found.get("crs")), status(found.get("icans"))) == (crs, icans)


@pytest.mark.parametrize("text, expected", [
    ("Grade 1-2 CRS occurred.", "present grade 1-2"),
    ("Grade 1\u20132 CRS occurred.", "present grade 1-2"),
    ("CRS (grade 1) occurred.", "present grade 1"),
    ("CRS grades 1 to 2 occurred.", "present grade 1-2"),
    ("Grade I/II CRS occurred.", "present grade 1-2"),
    ("Grade 1 or 2 cytokine release syndrome was seen.", "present grade 1-2"),
    ("Cytokine release syndrome of grade 2 was seen.", "present grade 2"),
    ("Mild CRS was seen.", "present"),
    ("Grade 1 CRS in one patient and grade 3 CRS in another.", "present grade 1-3"),
])
def test_grades_and_ranges(text: str, expected: str, small: Dictionary) -> None:
    assert status(values(text, small).get("crs")) == expected


@pytest.mark.parametrize("text, fld, expected", [
    ("No haemocytopenia was seen.", "cytopenia", "absent"),
    ("Transient hemocytopenia and neutropenia occurred.", "cytopenia", "present"),
    ("There were no infections requiring hospitalisation.", "infection", None),
    ("No patient had prolonged cytopenia.", "cytopenia", None),
    ("Hypogammaglobulinaemia developed in one patient.", "hypogammaglobulinemia", "present"),
    ("Grade 3 neutropenia occurred.", "cytopenia", "present"),
])
def test_other_adverse_events(text: str, fld: str, expected: str | None, small: Dictionary) -> None:
    assert status(values(text, small).get(fld)) == expected


@pytest.mark.parametrize("word, number", [("one", 1), ("twelve", 12), ("Twenty-one", 21), ("forty five", 45),
                                          ("18", 18), ("2.5", 2.5), ("a single", 1), ("lots", None)])
def test_spelled_out_numbers(word: str, number: float | None) -> None:
    assert to_number(word) == number


@pytest.mark.parametrize("text, patients", [
    ("Twelve patients with TNM were treated.", 12),
    ("We report a 42-year-old woman with TNM.", 1),
    ("Patients were enrolled (n = 15).", 15),
    ("One patient was treated.", 1),
    ("Five consecutive patients received the cells.", 5),
    ("Twenty-one adult patients were infused; CRS occurred in 3 patients.", 21),
    ("At 24 weeks in patients treated, scores fell.", None),
])
def test_patient_counts(text: str, patients: int | None, small: Dictionary) -> None:
    assert values(text, small).get("patients") == patients


@pytest.mark.parametrize("text, follow_up, improvement", [
    ("At 18 months of follow-up she remained in remission.", 18, None),
    ("After 6 months of follow-up, all were well.", 6, None),
    ("Strength improved within three months.", 3, 3),
    ("Symptoms improved at month 3.", 3, 3),
    ("Follow-up reached week 24.", 5.5, None),
    ("Scores improved by M2 and remained stable through month 12.", 12, 2),
    ("She had a disease duration of 10 years and improved after 2 weeks.", 0.5, 0.5),
    ("CRS resolved within 3 days.", None, None),
])
def test_durations(text: str, follow_up: float | None, improvement: float | None, small: Dictionary) -> None:
    found = values(text, small)
    assert (found.get("follow_up_months"), found.get("improvement_months")) == (follow_up, improvement)


def test_duration_rule() -> None:
    assert to_months(24, "weeks") == 5.5 and to_months(30, "days") == 1.0 and to_months(1, "year") == 12


def test_sentences_survive_abbreviations_and_decimals() -> None:
    text = "Dr. Li et al. gave 1.5 x 10^6 cells, e.g. to TNM patients. CRS was mild.\n\nHeadline"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Dr. Li et al. gave 1.5 x 10^6 cells, e.g. to TNM patients.", "CRS was mild.", "Headline"]


def test_synonyms_case_and_word_boundaries(small: Dictionary) -> None:
    text = ("Testafix works. TA-101 works. TA\u2011101 works. TA 101 works. Test Necrotising Myopathy. "
            "The tnm staging system, TNMx and TA-1010 are no entities.")
    found = parse_text(text, small, "t.txt")
    assert [(p.field, p.id, p.offset) for p in found.proposals if p.field in ("product", "disease")] == [
        ("product", "cellkg:t-prod-a", 0), ("product", "cellkg:t-prod-a", text.index("TA-101")),
        ("product", "cellkg:t-prod-a", text.index("TA\u2011101")), ("product", "cellkg:t-prod-a", text.index("TA 101")),
        ("disease", "MONDO:9000002", text.index("Test Necrotising"))]


def test_every_proposal_points_at_its_words(small: Dictionary) -> None:
    text = (ARTICLES / "tnm_case_report.txt").read_text(encoding="utf-8")
    for p in parse_text(text, small, "x").proposals:
        assert text[p.offset - p.at:p.offset - p.at + len(p.sentence)] == p.sentence
        assert p.sentence in text


def test_prior_therapies_skip_lymphodepletion_and_crs_management(small: Dictionary) -> None:
    dictionary = Dictionary.from_records([*_nodes(small), Node("cellkg:cy", "Therapy", {"name": "cyclophosphamide"}),
                                          Node("cellkg:toci", "Therapy", {"name": "tocilizumab"})], _edges(small))
    found = values("Despite prior testuximab, she relapsed. After lymphodepletion with cyclophosphamide "
                   "before infusion, CRS was managed with tocilizumab.", dictionary)
    assert found["prior_therapy"] == ["cellkg:therapy-t-rtx"]


def test_autoantibody_status_and_nested_mentions() -> None:
    nodes = [Node("MONDO:1", "Disease", {"name": "NMOSD", "synonyms": ["AQP4-IgG seropositive NMOSD"]}),
             Node("cellkg:ab", "Autoantibody", {"name": "anti-AQP4 antibody", "synonyms": ["AQP4-IgG"]}),
             Node("cellkg:ab2", "Autoantibody", {"name": "anti-MOG antibody"})]
    dictionary = Dictionary.from_records(nodes, [])
    found = parse_text("Patients with AQP4-IgG seropositive NMOSD were negative for anti-MOG antibody.",
                       dictionary, "x")
    assert found.values["disease"] == ["MONDO:1"]
    assert found.values["autoantibody"] == ["cellkg:ab"]
    assert [p.value for p in found.proposals if p.field == "autoantibody"] == ["anti-AQP4 antibody (positive)"]


def test_target_comes_from_product_when_text_does_not_name_it(small: Dictionary) -> None:
    found = values("Dual test CAR-T was given in test lupus.", small)
    assert found["target"] == ["cellkg:target-t-bcma", "cellkg:target-t-cd19"]


def _nodes(dictionary: Dictionary) -> list[Node]:
    return [n for n in records_nodes() if n.id in dictionary.names]


def _edges(dictionary: Dictionary) -> list[Edge]:
    return [Edge(p, "TARGETS", t) for p, ts in dictionary.targets_of.items() for t in ts]


def records_nodes() -> list[Node]:
    return [r for r in load_curated(TEST_DATA / "curated") if isinstance(r, Node)]


def test_no_recognisable_entity_is_a_data_error(small: Dictionary) -> None:
    with pytest.raises(DataError, match="no product, target or disease recognised in empty.txt"):
        parse_text("Grade 1 CRS occurred in twelve patients.", small, "empty.txt")


def test_parse_text_is_pure(small: Dictionary) -> None:
    text = (ARTICLES / "testafix_press_release.txt").read_text(encoding="utf-8")
    assert parse_text(text, small, "a") == parse_text(text, small, "a")


def test_short_abbreviations_match_case_sensitively() -> None:
    dictionary = Dictionary.from_records([Node("MONDO:2", "Disease", {"name": "myasthenia gravis",
                                                                      "synonyms": ["MG", "AE"]})], [])
    found = parse_text("Given 10 mg/kg in MG; an AE occurred.", dictionary, "x")
    assert [(p.field, p.offset) for p in found.proposals if p.field == "disease"] == [("disease", 18)]


if __name__ == "__main__":
    import tempfile

    from kg.core.build import build

    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "t.sqlite", TEST_DATA)
        print(f"test graph, {len(articles('test'))} articles\n"
              + report(score(articles("test"), Dictionary.from_store(Path(tmp) / "t.sqlite"))))
        try:
            build(Path(tmp) / "c.sqlite")
            curated = Dictionary.from_store(Path(tmp) / "c.sqlite")
            label = "curated store"
        except KGError as exc:
            print(f"(data/curated does not build: {exc}; using its records directly)")
            curated = records_dictionary(Path(__file__).resolve().parents[1] / "data")
            label = "curated records"
        print(f"\n{label}, {len(articles('curated'))} articles\n" + report(score(articles("curated"), curated)))
