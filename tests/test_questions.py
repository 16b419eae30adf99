"""Named questions on the embedded backend, over the small test graph."""

from pathlib import Path

import pytest

from kg.backends.memory import MemoryBackend
from kg.errors import NotFound, UsageError
from kg.queries import all_questions, get_question
from kg.queries.answer import answer, browser_script, check_params


@pytest.fixture(scope="module")
def backend(test_store: Path) -> MemoryBackend:
    return MemoryBackend(test_store)


def ask(backend: MemoryBackend, name: str, **params: str) -> list[dict]:
    return backend.ask(get_question(name), params)


def test_every_question_is_documented_with_cypher() -> None:
    questions = all_questions()
    assert len({q.name for q in questions}) == len(questions) >= 5
    for q in questions:
        assert q.description and q.params and q.columns
        text = q.cypher
        assert text.startswith(f"// {q.name}\n")
        for p in q.params:
            assert f"${p.name}" in text
        # every answer row carries its source, and evidence rows carry level and patients
        assert "source" in q.columns and "level" in q.columns and ("patients" in q.columns or "treated" in q.columns)


def test_antibody_mediated_diseases_excludes_other_diseases(backend: MemoryBackend) -> None:
    rows = ask(backend, "antibody-mediated-diseases-for-target", target="tnfrsf17")  # synonym, any case
    assert {r["disease_id"] for r in rows} == {"MONDO:9000001", "MONDO:9000002"}
    assert all(r["target"] == "BCMA" for r in rows)
    cd19 = ask(backend, "antibody-mediated-diseases-for-target", target="CD19")
    # the CD19-only product was tried in a disease that is not antibody-mediated
    assert {r["product"] for r in cd19} == {"dual test CAR-T"}


def test_evidence_for_disease_includes_subtypes(backend: MemoryBackend) -> None:
    parent = ask(backend, "evidence-for-disease", disease="test myopathy")
    child = ask(backend, "evidence-for-disease", disease="TNM")
    assert {r["evidence"] for r in child} == {"cellkg:ev-t-1"}
    assert {r["evidence"] for r in parent} == {"cellkg:ev-t-1", "cellkg:ev-t-3"}
    row = child[0]
    assert row["outcomes"] == ["CRS grade 1", "no ICANS", "remission"]
    assert (row["level"], row["patients"], row["source"]) == ("case-report", 1, "pubmed:100001")


def test_products_for_target_lists_evidence_and_trials(backend: MemoryBackend) -> None:
    rows = ask(backend, "products-for-target", target="CD19")
    kinds = {(r["product"], r["kind"]) for r in rows}
    assert kinds == {("CD19 test CAR-T", "evidence"), ("CD19 test CAR-T", "trial"), ("dual test CAR-T", "evidence")}
    trial = next(r for r in rows if r["kind"] == "trial")
    assert (trial["level"], trial["patients"], trial["source"]) == ("phase-1", None, "clinicaltrials:NCT90000001")


def test_safety_reports_grades_and_explicit_absence(backend: MemoryBackend) -> None:
    by_brand = ask(backend, "safety-of-product", product="testafix")
    by_code = ask(backend, "safety-of-product", product="TA-101")
    assert by_brand == by_code
    events = {(r["event"], r["present"], r["grade"]) for r in by_brand}
    assert events == {("CRS", True, 1), ("ICANS", False, None)}  # remission is efficacy, not safety
    ranged = ask(backend, "safety-of-product", product="CD19 test CAR-T")
    assert [(r["grade"], r["max_grade"], r["affected"], r["treated"]) for r in ranged] == [(1, 2, 4, 5)]


def test_prior_therapies_carry_their_class(backend: MemoryBackend) -> None:
    rows = ask(backend, "prior-therapies-in-disease", disease="MONDO:9000001")
    assert {(r["therapy"], tuple(r["therapy_class"])) for r in rows} == {
        ("testuximab", ("test monoclonal antibody class",)), ("test steroid", ())}


def test_unknown_parameter_value_is_not_found(test_store: Path) -> None:
    with pytest.raises(NotFound, match="no Target is called 'CD999'"):
        answer(get_question("products-for-target"), {"target": "CD999"}, "memory", test_store)


def test_parameters_are_checked() -> None:
    question = get_question("products-for-target")
    with pytest.raises(UsageError, match="needs --param target"):
        check_params(question, {})
    with pytest.raises(UsageError, match="no parameter 'disease'"):
        check_params(question, {"target": "x", "disease": "y"})
    with pytest.raises(NotFound, match="no question named"):
        get_question("nope")


def test_browser_script_has_param_lines() -> None:
    text = browser_script(get_question("safety-of-product"), {"product": "Fucaso"})
    assert text.startswith(':param product => "Fucaso";\n')
    assert "MATCH (p:Product)" in text
