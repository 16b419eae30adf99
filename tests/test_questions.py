"""Named questions on the embedded backend, over the small test graph (tests/data/curated/graph.yaml).

The test graph has a patient reported twice (a case report and a press release: one cohort), and
five lupus patients inside a later series of eight (a cohort part of another), so the distinct
patient counts below can only come out right if cohorts are counted as the questions say.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.backends.base import plain_rows
from kg.backends.embedded import EmbeddedBackend
from kg.errors import NotFound, UsageError
from kg.queries import all_questions, get_question
from kg.queries.answer import answer, browser_url, check_params, pasteable, resolve, sort_rows


@pytest.fixture(scope="module")
def backend(test_store: Path) -> Iterator[EmbeddedBackend]:
    with EmbeddedBackend(test_store) as graph:
        yield graph


def ask(test_store: Path, name: str, **params: str) -> list[dict[str, Any]]:
    return answer(get_question(name), params, "embedded", test_store)


def one(rows: list[dict[str, Any]], **where: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, rows)
    return found[0]


def test_every_question_is_documented_and_its_columns_are_what_it_returns(backend: EmbeddedBackend,
                                                                         test_store: Path) -> None:
    questions = all_questions()
    assert len({q.name for q in questions}) == len(questions) >= 13
    for q in questions:
        module = __import__(f"kg.queries.{q.module}", fromlist=["QUESTION"])
        assert module.__doc__ and q.description
        assert q.cypher.startswith(f"// {q.name}\n")
        for p in q.params:
            assert f"${p.name}" in q.cypher
        schema = backend.store.schema()
        for node in backend.store.nodes():  # every node of the parameter's class, until one answers
            if q.params and not schema.is_a(node.label, q.params[0].node_class):
                continue
            raw = backend._run(q.cypher, {q.params[0].name: node.id} if q.params else {})
            if raw:
                assert tuple(raw[0]) == q.columns  # the engine's own column names
                break
        else:
            pytest.fail(f"{q.name} answers nothing on the test graph")


def test_antibody_mediated_diseases_count_distinct_patients(test_store: Path) -> None:
    rows = ask(test_store, "antibody-mediated-diseases-for-target", target="tnfrsf17")  # synonym, any case
    assert {r["disease_id"] for r in rows} == {"MONDO:9000001", "MONDO:9000002"}
    tnm = one(rows, disease_id="MONDO:9000002", product="testacabtagene autoleucel")
    # one patient, reported by a case report and a press release: one cohort, two reports
    assert (tnm["patients"], tnm["cohorts"], tnm["reports"], tnm["inferred_links"]) == (1, 1, 2, 1)
    assert tnm["sources"] == ["cellkg:src-test-press", "pubmed:100001"]
    cd19 = ask(test_store, "antibody-mediated-diseases-for-target", target="CD19")
    assert {r["product"] for r in cd19} == {"dual test CAR-T"}  # test lupus is not antibody-mediated


def test_a_cohort_inside_a_larger_one_counts_once(test_store: Path) -> None:
    rows = ask(test_store, "products-for-target", target="CD19")
    lupus = one(rows, product="CD19 test CAR-T", disease="test lupus")
    assert (lupus["patients"], lupus["reports"], lupus["trials"]) == (8, 2, 1)  # 5 inside 8, not 13
    by_target = ask(test_store, "patients-by-disease-and-target", disease="test lupus")
    assert [(r["target"], r["patients"], r["cohorts"], r["reports"]) for r in by_target] == [("CD19", 8, 1, 2)]


def test_evidence_for_disease_includes_subtypes_and_shows_cohorts(test_store: Path) -> None:
    parent = ask(test_store, "evidence-for-disease", disease="test myopathy")
    child = ask(test_store, "evidence-for-disease", disease="TNM")
    assert {r["evidence"] for r in child} == {"cellkg:ev-t-1", "cellkg:ev-t-4"}
    assert {r["evidence"] for r in parent} == {"cellkg:ev-t-1", "cellkg:ev-t-3", "cellkg:ev-t-4"}
    report = one(child, evidence="cellkg:ev-t-1")
    assert report["findings"] == ["CRS grade 1 (1/1)", "autoantibody decline titre 1280 -> 40 (1/1) at 6 months",
                                  "no ICANS", "remission (1/1) at 18 months", "remission (1/1) at 3 months"]
    assert (report["cohort"], report["cohort_patients"], report["cohort_reports"]) == ("cellkg:cohort-t-a", 1, 2)
    press = one(child, evidence="cellkg:ev-t-4")
    assert press["cohort_inferred"] is True and press["findings"] == ["no CRS grade >=3"]
    lupus = one(ask(test_store, "evidence-for-disease", disease="test lupus"), evidence="cellkg:ev-t-2")
    assert (lupus["study"], lupus["study_inferred"]) == ("clinicaltrials:NCT90000001", True)


def test_safety_is_exact(test_store: Path) -> None:
    by_brand = ask(test_store, "safety-of-product", product="testafix")
    assert by_brand == ask(test_store, "safety-of-product", product="TA-101")
    events = {(r["event"], r["present"], r["grade"], r["from_grade"], r["affected"]) for r in by_brand}
    assert events == {("CRS", True, 1, None, 1), ("ICANS", False, None, None, None),  # an absence has no count
                      ("CRS", False, None, 3, None)}  # "no grade >= 3": an upper bound
    ranged = ask(test_store, "safety-of-product", product="CD19 test CAR-T")
    crs = one(ranged, event="CRS")
    assert (crs["grade"], crs["max_grade"], crs["affected"], crs["treated"], crs["grading"]) == (1, 2, 4, 5, "ASTCT")


def test_worst_grade_of_an_event(test_store: Path) -> None:
    icans = ask(test_store, "worst-grade-of-event", event="ICANS")
    assert one(icans, product="CD19 test CAR-T")["worst_grade"] == 3
    assert one(icans, product="testacabtagene autoleucel")["reported_absent"] == 1
    crs = one(ask(test_store, "worst-grade-of-event", event="CRS"), product="testacabtagene autoleucel")
    assert (crs["worst_grade"], crs["none_from_grade"], crs["reports"]) == (1, 3, 2)


def test_outcomes_over_time(test_store: Path) -> None:
    rows = ask(test_store, "outcomes-over-time", product="TA-101")
    remission = [(r["timepoint_months"], r["finding"]) for r in rows if r["outcome"] == "remission"]
    assert remission == [(3, "remission (1/1) at 3 months"), (18, "remission (1/1) at 18 months")]


def test_prior_therapies_both_ways(test_store: Path) -> None:
    rows = ask(test_store, "prior-therapies-in-disease", disease="MONDO:9000001")
    assert {(r["therapy"], tuple(r["therapy_class"])) for r in rows} == {
        ("testuximab", ("test monoclonal antibody class",)), ("test steroid", ())}
    by_class = ask(test_store, "patients-with-prior-therapy", therapy="test monoclonal antibody class")
    assert {(r["disease"], r["patients"], r["reports"]) for r in by_class} == {
        ("test necrotising myopathy", 1, 1), ("test lupus", 8, 1)}


def test_trials_say_whether_a_paper_states_the_id(test_store: Path) -> None:
    rows = ask(test_store, "trials-for-disease", disease="test lupus")
    trial = one(rows, study="clinicaltrials:NCT90000001")
    assert (trial["phase"], trial["reports_stating_id"], trial["reports_linked_by_curator"]) == ("phase-1", 0, 1)
    assert [r["study"] for r in ask(test_store, "trials-for-target", target="CD19")] == ["clinicaltrials:NCT90000001"]


def test_products_by_modality_and_multi_target(test_store: Path) -> None:
    rows = ask(test_store, "products-by-modality", modality="autologous CAR-T")
    assert {r["product"] for r in rows} == {"testacabtagene autoleucel", "CD19 test CAR-T"}
    multi = ask(test_store, "multi-target-products")
    assert [(r["product"], r["targets"]) for r in multi] == [("dual test CAR-T", ["BCMA", "CD19"])]


def test_autoantibody_responses(test_store: Path) -> None:
    rows = ask(test_store, "autoantibody-responses", disease="test myopathy")
    assert [(r["autoantibodies"], r["measure"], r["baseline"], r["value"], r["timepoint_months"]) for r in rows] == [
        (["anti-X antibody"], "titre", 1280, 40, 6)]


def test_evidence_over_time(test_store: Path) -> None:
    rows = ask(test_store, "evidence-over-time", disease="test myopathy")
    assert [(r["year"], r["level"], r["reports"]) for r in rows] == [
        (2024, "case-report", 1), (2025, "press-release", 2)]


def test_unknown_or_ambiguous_parameter_values(test_store: Path) -> None:
    with pytest.raises(NotFound, match="no Target is called 'CD999'"):
        ask(test_store, "products-for-target", target="CD999")
    with pytest.raises(NotFound, match="no Disease is called 'BCMA'"):  # a name of another class
        ask(test_store, "evidence-for-disease", disease="BCMA")


def test_parameters_are_checked() -> None:
    question = get_question("products-for-target")
    with pytest.raises(UsageError, match="needs --param target"):
        check_params(question, {})
    with pytest.raises(UsageError, match="no parameter 'disease'"):
        check_params(question, {"target": "x", "disease": "y"})
    with pytest.raises(NotFound, match="no question named"):
        get_question("nope")


def test_pasted_whole_a_question_is_one_statement_with_the_same_rows(curated_store: Path) -> None:
    """What `kg ask --show-cypher` prints runs as it is (no parameters to set) and answers as `kg ask`."""
    with EmbeddedBackend(curated_store) as graph:
        for question in all_questions():
            params = {p.name: p.example for p in question.params}
            ids = resolve(question, params, curated_store)
            text = pasteable(question, ids)
            code = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
            assert not any("$" in line or line.startswith(":") for line in code), question.name
            assert all(f'"{value}"' in text for value in ids.values()), question.name
            pasted = sort_rows(question, plain_rows(graph.cypher(text, {}), question.columns))
            assert pasted and pasted == answer(question, params, "embedded", curated_store), question.name


def test_the_browser_address_opens_the_pasteable_text_in_the_editor() -> None:
    from urllib.parse import parse_qs, urlsplit

    url = browser_url('MATCH (t:Target {id: "cellkg:target-bcma"}) RETURN t;', "http://example.org:7474/browser")
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("example.org:7474", "/browser/")
    assert parse_qs(parts.query) == {"cmd": ["edit"], "arg": ['MATCH (t:Target {id: "cellkg:target-bcma"}) RETURN t;']}


