"""The mission's own article (the first anti-SRP IMNM patient given equecabtagene autoleucel):
every fact it states, read back through `kg lookup` and the named questions' JSON, as a user would.

The article: "BCMA CAR T Therapy May Achieve An Autoimmune Breakthrough" (World Pharma Today,
relaying IASO Bio), cellkg:src-worldpharmatoday-eque-cel-imnm.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_kg

EVIDENCE = "cellkg:ev-equecabtagene-autoleucel-imnm-iaso-press"
IMNM = "cellkg:disease-immune-mediated-necrotizing-myopathy"


def _json(*args: str) -> Any:
    result = run_kg(*args, "-f", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def record(curated_store: Path) -> dict[str, Any]:
    (found,) = _json("lookup", EVIDENCE, "--store", str(curated_store))
    return dict(found)


def _links(record: dict[str, Any], relationship: str) -> set[str]:
    return {n["id"] for n in record["neighbours"] if n["relationship"] == relationship}


def test_the_patient_before_treatment(record: dict[str, Any]) -> None:
    props = record["properties"]
    assert props["disease_duration_years"] == 7  # "a seven-year history"
    assert props["refractory"] is True and props["relapsing"] is True  # "refractory", "repeated relapses"
    assert "bed-bound" in props["baseline_state"] and "lift the arms above the head" in props["baseline_state"]
    assert props["patients"] == 1 and props["first_in_world"] is True  # "the first time across the world"
    assert _links(record, "HAS_AUTOANTIBODY") == {"cellkg:ab-anti-srp"}  # SRP antibody-positive
    assert _links(record, "IN_DISEASE") == {IMNM} and _links(record, "ABOUT_PRODUCT") == {
        "cellkg:equecabtagene-autoleucel"}


def test_each_prior_therapy(record: dict[str, Any]) -> None:
    # steroids, IL-6 receptor antagonists, CD20 monoclonal antibodies, mesenchymal stem cell infusion
    assert _links(record, "HAS_PRIOR_THERAPY") == {
        "cellkg:therapy-glucocorticoids", "cellkg:therapy-il6r-antagonist", "cellkg:therapy-cd20-mab",
        "cellkg:therapy-msc-infusion"}


def test_investigator_and_site(record: dict[str, Any], curated_store: Path) -> None:
    assert _links(record, "AT_SITE") == {"cellkg:org-tongji-hospital"}
    assert _links(record, "HAS_INVESTIGATOR") == {"cellkg:person-wang-wei-tongji"}
    (person,) = _json("lookup", "cellkg:person-wang-wei-tongji", "--store", str(curated_store))
    assert person["properties"]["name"] == "Wang Wei"
    assert {n["id"] for n in person["neighbours"] if n["relationship"] == "AFFILIATED_WITH"} == {
        "cellkg:org-tongji-hospital"}


def test_safety_exactly(curated_store: Path) -> None:
    rows = [r for r in _json("ask", "safety-of-product", "-p", "product=Equecabtagene Autoleucel", "--store",
                             str(curated_store)) if r["evidence"] == EVIDENCE]
    events = {r["event"]: r for r in rows}
    assert (events["CRS"]["present"], events["CRS"]["grade"], events["CRS"]["affected"]) == (True, 1, 1)
    assert (events["ICANS"]["present"], events["ICANS"]["affected"]) == (False, None)  # none observed
    assert events["cytopenia"]["present"] is True  # "just transient hemocytopenia"


def test_expansion_antibody_fall_and_outcomes_at_3_and_18_months(curated_store: Path) -> None:
    rows = [r for r in _json("ask", "outcomes-over-time", "-p", "product=eque-cel", "--store", str(curated_store))
            if r["evidence"] == EVIDENCE]
    found = {(r["outcome"], r["timepoint_months"]) for r in rows}
    assert ("CAR-T expansion", None) in found  # "CAR T cell expansion ... happened to be good"
    assert ("clinical improvement", 3) in found and ("clinical improvement", 18) in found
    antibody = [r for r in _json("ask", "autoantibody-responses", "-p", "disease=IMNM", "--store",
                                 str(curated_store)) if r["evidence"] == EVIDENCE]
    assert [(r["response"], r["measure"], r["present"]) for r in antibody] == [
        ("autoantibody decline", "anti-SRP antibody", True)]


def test_three_reports_one_patient(curated_store: Path) -> None:
    rows = _json("ask", "evidence-for-disease", "-p", "disease=IMNM", "--store", str(curated_store))
    seed = [r for r in rows if r["cohort"] == "cellkg:cohort-eque-cel-imnm-tongji"]
    assert {r["source"] for r in seed} == {"cellkg:src-worldpharmatoday-eque-cel-imnm", "pubmed:38289960",
                                           "cellkg:src-institut-myologie-45327"}
    assert {(r["cohort_patients"], r["cohort_reports"]) for r in seed} == {(1, 3)}
    press = next(r for r in seed if r["evidence"] == EVIDENCE)
    assert (press["study"], press["study_inferred"]) == ("clinicaltrials:NCT04561557", True)  # the article prints no id


def test_imnm_is_an_idiopathic_inflammatory_myopathy(curated_store: Path) -> None:
    (imnm,) = _json("lookup", IMNM, "--store", str(curated_store))
    parents = {n["name"] for n in imnm["neighbours"] if n["relationship"] == "IS_A" and n["direction"] == "->"}
    assert parents == {"idiopathic inflammatory myopathy"}
    assert imnm["properties"]["antibody_mediated"] is True


def test_lupus_nephritis_shows_its_parent(curated_store: Path) -> None:
    (ln,) = _json("lookup", "lupus nephritis", "--store", str(curated_store))
    assert {n["id"] for n in ln["neighbours"] if n["relationship"] == "IS_A" and n["direction"] == "->"} == {
        "MONDO:0007915"}
