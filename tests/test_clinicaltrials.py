"""ClinicalTrials.gov loader, on recorded (invented) API v2 responses; no network.

The registry fixtures live in tests/data_ctgov/ and are combined with a copy of the shared test
graph (tests/data/curated) in a temporary data directory, so other tests' counts stay as they are.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_DATA, links, nodes, run_kg

from kg.core.model import Edge, Node
from kg.core.names import NameIndex
from kg.errors import DataError
from kg.loaders import clinicaltrials as ct
from kg.loaders import clinicaltrials_fields as fields

CTGOV = Path(__file__).parent / "data_ctgov"
SINGLE = CTGOV / "clinicaltrials" / "NCT99000001.json"
SEARCH = CTGOV / "clinicaltrials" / "search-test-lupus-page-0001.json"
PAGES = [CTGOV / "server" / "page-1.json", CTGOV / "server" / "page-2.json"]


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def study(interventions: list[dict[str, Any]] | None = None, nct: str = "NCT99000099", **design: Any) -> dict[str, Any]:
    """A copy of the single-study fixture with a new NCT id and, optionally, other interventions."""
    raw = copy.deepcopy(read(SINGLE))
    raw["protocolSection"]["identificationModule"]["nctId"] = nct
    if interventions is not None:
        raw["protocolSection"]["armsInterventionsModule"]["interventions"] = interventions
    raw["protocolSection"]["designModule"].update(design)
    return raw


# ---------------------------------------------------------------- parsing


def test_registry_fidelity_people_mesh_terms_and_no_invented_types(known: NameIndex) -> None:
    raw = study([{"name": "TA 101"}], nct="NCT99000098")
    raw["protocolSection"]["conditionsModule"]["conditions"] = ["Necrotising Myopathy, Test"]
    raw["protocolSection"]["sponsorCollaboratorsModule"] = {
        "leadSponsor": {"name": "Test Professor", "class": "INDIV"}}
    raw["derivedSection"] = {"conditionBrowseModule": {"meshes": [{"id": "D000001", "term": "Lupus, Test"}]}}
    records = ct.parse_study(raw, known, "x.json")
    node = nodes(records)["clinicaltrials:NCT99000098"]
    assert node.properties["interventions"] == ("TA 101",)  # no type given: none is invented
    assert node.properties["mesh_terms"] == ("Lupus, Test",)
    # catalogue order ("Lupus, Test") is read in natural order too, for conditions and MeSH terms alike
    assert links(records, "STUDIES_CONDITION") == {"MONDO:9000002", "MONDO:9000003"}
    sponsor = nodes(records)["cellkg:person-test-professor"]  # a person who sponsors is not an organisation
    assert sponsor.label == "Person" and sponsor.properties["needs_review"] is True
    assert links(records, "SPONSORED_BY") == {"cellkg:person-test-professor"}


def test_single_study(known: NameIndex) -> None:
    records = ct.parse_document(read(SINGLE), known, "clinicaltrials/NCT99000001.json")
    node = nodes(records)["clinicaltrials:NCT99000001"]
    assert node.label == "Study"
    keys = ("phase", "status", "study_type", "start_date", "start_date_type", "completion_date",
            "completion_date_type", "enrollment", "enrollment_type", "url")
    assert {k: node.properties[k] for k in keys} == {
        "phase": "phase-1-2", "status": "recruiting", "study_type": "interventional", "start_date": "2024-12-02",
        "start_date_type": "actual", "completion_date": "2029-06", "completion_date_type": "estimated",
        "enrollment": 24, "enrollment_type": "estimated", "url": "https://clinicaltrials.gov/study/NCT99000001"}
    assert node.name.startswith("TA 101 in Test Necrotising Myopathy")
    assert node.properties["title"].startswith("An Invented Phase 1/2 Study")
    assert node.properties["conditions"] == ("Test Necrotising Myopathy", "TNM")
    assert "needs_review" not in node.properties
    assert node.provenance is not None and node.provenance.source == node.id
    assert node.provenance.file == "clinicaltrials/NCT99000001.json"
    # the code name with a space matches the curated synonym TA-101; name and synonym: one disease
    assert links(records, "STUDIES_PRODUCT") == {"cellkg:t-prod-a"}
    assert links(records, "STUDIES_CONDITION") == {"MONDO:9000002"}
    assert len([r for r in records if isinstance(r, Edge) and r.predicate == "STUDIES_CONDITION"]) == 1
    # lymphodepletion drugs are kept verbatim on the study, not turned into products
    assert node.properties["interventions"] == (
        "Biological: TA 101 (other names: Testafix)", "Drug: Fludarabine", "Drug: Cyclophosphamide")
    assert not [n for n in nodes(records).values() if n.label == "Product"]
    # the curated sponsor is linked; the unknown collaborator becomes an organisation to review
    assert links(records, "SPONSORED_BY") == {"cellkg:org-t-maker", "cellkg:org-testville-university-hospital"}
    org = nodes(records)["cellkg:org-testville-university-hospital"]
    assert org.label == "Organization" and org.properties["needs_review"] is True
    assert "NCT99000001" in str(org.properties["review_note"]) and "collaborator" in str(org.properties["review_note"])
    assert "kind" not in org.properties  # class OTHER says nothing about hospital vs university


def test_search_page_and_candidate_product(known: NameIndex) -> None:
    records = ct.parse_document(read(SEARCH), known, "clinicaltrials/search.json")
    found = nodes(records)
    assert {n for n, node in found.items() if node.label == "Study"} == {
        "clinicaltrials:NCT99000002", "clinicaltrials:NCT99000003"}
    assert links(records, "STUDIES_PRODUCT", "clinicaltrials:NCT99000002") == {"cellkg:t-prod-b"}
    assert found["clinicaltrials:NCT99000002"].properties["start_date"] == "2025-01"

    candidate = found["cellkg:candidate-xyz-19-car-t-cells"]
    assert candidate.label == "Product" and candidate.name == "XYZ-19 CAR-T cells"
    assert candidate.properties["needs_review"] is True
    note = str(candidate.properties["review_note"])
    assert "NCT99000003" in note and "'XYZ-19 CAR-T cells'" in note
    assert candidate.properties["synonyms"] == ("XYZ19", "inventocabtagene")
    assert links(records, "STUDIES_PRODUCT", "clinicaltrials:NCT99000003") == {candidate.id}

    basket = found["clinicaltrials:NCT99000003"]
    assert basket.properties["phase"] == "early-phase-1" and basket.properties["start_date"] == "2025"
    assert basket.properties["status"] == "not-yet-recruiting"
    assert basket.properties["conditions"] == ("Test Lupus", "Test Vasculitis")
    assert links(records, "STUDIES_CONDITION", basket.id) == {"MONDO:9000003"}
    assert basket.properties["needs_review"] is True and "'Test Vasculitis'" in str(basket.properties["review_note"])
    assert not [n for n in found.values() if n.label == "Disease"]  # no invented diseases
    assert "Procedure: Leukapheresis" in basket.properties["interventions"]
    assert found["cellkg:org-invented-cell-co"].properties["kind"] == "company"  # class INDUSTRY


@pytest.mark.parametrize("name, other_names", [
    ("TA-101", []), ("TA101", []), ("ta 101", []), ("TA_101", []), ("Ta–101", []),  # en dash
    ("Testafix", []), ("BCMA cells (invented)", ["TA101"]), ("testacabtagene-autoleucel", []),
])
def test_code_name_variants_match_the_curated_product(known: NameIndex, name: str, other_names: list[str]) -> None:
    raw = study([{"type": "BIOLOGICAL", "name": name, "otherNames": other_names}])
    records = ct.parse_study(raw, known, "x.json")
    assert links(records, "STUDIES_PRODUCT") == {"cellkg:t-prod-a"}
    assert not [n for n in nodes(records).values() if n.label == "Product"]


def test_near_miss_is_not_a_match(known: NameIndex) -> None:
    raw = study([{"type": "DRUG", "name": "TA-1011"}, {"type": "BIOLOGICAL", "name": "TA-1011 CAR-T cells"}])
    records = ct.parse_study(raw, known, "x.json")
    assert links(records, "STUDIES_PRODUCT") == {"cellkg:candidate-ta-1011-car-t-cells"}
    assert "Drug: TA-1011" in nodes(records)["clinicaltrials:NCT99000099"].properties["interventions"]


@pytest.mark.parametrize("phases, expected", [
    (["EARLY_PHASE1"], "early-phase-1"), (["PHASE1"], "phase-1"), (["PHASE1", "PHASE2"], "phase-1-2"),
    (["PHASE2"], "phase-2"), (["PHASE2", "PHASE3"], "phase-2-3"), (["PHASE3"], "phase-3"),
    (["PHASE4"], "phase-4"), (["NA"], "not-applicable"), ([], None),
])
def test_phase_mapping(known: NameIndex, phases: list[str], expected: str | None) -> None:
    node = nodes(ct.parse_study(study(phases=phases), known, "x.json"))["clinicaltrials:NCT99000099"]
    assert node.properties.get("phase") == expected


def test_candidate_named_by_two_studies_is_one_node(known: NameIndex) -> None:
    cells = {"type": "BIOLOGICAL", "name": "Novel CAR-T", "otherNames": ["NC-1"]}
    page = {"studies": [study([cells], "NCT99000101"), study([{**cells, "name": "novel CAR T", "otherNames": []}],
                                                                 "NCT99000102")]}
    records = ct.parse_document(page, known, "page.json")
    candidates = [n for n in nodes(records).values() if n.id.startswith("cellkg:candidate-")]
    assert len(candidates) == 1
    note = str(candidates[0].properties["review_note"])
    assert "NCT99000101" in note and "NCT99000102" in note
    assert candidates[0].properties["synonyms"] == ("NC-1", "novel CAR T")


def test_curated_study_keeps_its_node_and_gains_links(known: NameIndex) -> None:
    records = ct.parse_study(study(nct="NCT90000001"), known, "x.json")  # the test graph curates it
    assert "clinicaltrials:NCT90000001" not in nodes(records)
    assert links(records, "STUDIES_PRODUCT", "clinicaltrials:NCT90000001") == {"cellkg:t-prod-a"}


def test_identical_duplicate_is_one_study(known: NameIndex, tmp_path: Path) -> None:
    folder = tmp_path / "clinicaltrials"
    folder.mkdir()
    shutil.copy(SINGLE, folder / "a.json")
    (folder / "b.json").write_text(json.dumps({"studies": [read(SINGLE)]}), encoding="utf-8")
    studies = [r for r in ct.load(folder, known) if isinstance(r, Node) and r.label == "Study"]
    assert [s.id for s in studies] == ["clinicaltrials:NCT99000001"]


def test_load_reads_a_single_file(known: NameIndex) -> None:
    records = list(ct.load(SINGLE, known))
    assert "clinicaltrials:NCT99000001" in nodes(records)


# ---------------------------------------------------------------- bad input


def _edit(path: tuple[str, ...], value: Any) -> Any:
    def change(raw: dict[str, Any]) -> None:
        target = raw
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


_DELETE = object()
_ID = ("protocolSection", "identificationModule", "nctId")
BAD: dict[str, tuple[Any, str, str | None]] = {  # case -> (edit or raw text/bytes, message, field)
    "missing-nct-id": (_edit(_ID, _DELETE), "missing required field", fields.F_ID),
    "malformed-nct-id": (_edit(_ID, "NCT123"), "is not an NCT id", fields.F_ID),
    "missing-title": (_edit(("protocolSection", "identificationModule", "briefTitle"), _DELETE),
                      "missing required field", fields.F_TITLE),
    "unknown-phase": (_edit(("protocolSection", "designModule", "phases"), ["PHASE1", "PHASE5"]),
                      "unknown phase 'PHASE5'", fields.F_PHASES),
    "odd-phase-combination": (_edit(("protocolSection", "designModule", "phases"), ["PHASE1", "PHASE3"]),
                              "unsupported phase combination", fields.F_PHASES),
    "odd-date": (_edit(("protocolSection", "statusModule", "startDateStruct", "date"), "March 2024"),
                 "odd date 'March 2024'", fields.F_START),
    "impossible-date": (_edit(("protocolSection", "statusModule", "startDateStruct", "date"), "2024-02-30"),
                        "odd date '2024-02-30'", fields.F_START),
    "wrong-type": (_edit(("protocolSection", "designModule", "enrollmentInfo", "count"), "24"),
                   "must be a whole number", fields.F_ENROLLMENT),
    "intervention-without-name": (_edit(("protocolSection", "armsInterventionsModule", "interventions"),
                                        [{"type": "BIOLOGICAL"}]),
                                  "missing required field", fields.F_INTERVENTIONS + "[0].name"),
    "duplicate-nct-id": (_edit(("protocolSection", "identificationModule", "briefTitle"), "Another title"),
                         "duplicate NCT id NCT99000001 with different content (also in clinicaltrials/NCT99000001.json)",
                         fields.F_ID),
    "invalid-json": ('{"studies": [ {"protocolSection": }\n', "invalid JSON", None),
    "non-utf8": ('{"studies": [], "x": "caf\xe9"}'.encode("latin-1"), "not UTF-8", None),
    "not-a-study": ('{"protocolSection_": {}}', "not a ClinicalTrials.gov API v2 document", None),
}


def write_bad(folder: Path, case: str) -> Path:
    change = BAD[case][0]
    bad = folder / "zz_bad.json"
    if isinstance(change, bytes):
        bad.write_bytes(change)
    elif isinstance(change, str):
        bad.write_text(change, encoding="utf-8")
    else:
        raw = read(SINGLE)
        if case != "duplicate-nct-id":
            raw["protocolSection"]["identificationModule"]["nctId"] = "NCT99000098"
        change(raw)
        bad.write_text(json.dumps({"studies": [raw]}), encoding="utf-8")
    return bad


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(TEST_DATA / "curated", target / "curated")
    shutil.copytree(CTGOV / "clinicaltrials", target / "clinicaltrials")
    return target


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_record_is_one_clear_error_and_nothing_is_loaded(case: str, data_dir: Path, known: NameIndex) -> None:
    write_bad(data_dir / "clinicaltrials", case)
    loading = ct.load(data_dir / "clinicaltrials", known)
    with pytest.raises(DataError) as caught:
        next(loading)  # the good files sort first, yet nothing of them comes out
    error = caught.value
    assert error.file == "clinicaltrials/zz_bad.json"
    assert BAD[case][1] in str(error) and "\n" not in str(error)
    assert error.field == BAD[case][2]
    if case == "invalid-json":
        assert error.line == 1


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("ctgov-good")
    shutil.copytree(TEST_DATA / "curated", folder / "data" / "curated")
    shutil.copytree(CTGOV / "clinicaltrials", folder / "data" / "clinicaltrials")
    result = run_kg("build", "--store", str(folder / "store.sqlite"), "--data", str(folder / "data"))
    assert result.returncode == 0, result.stderr
    return (folder / "store.sqlite").read_bytes()


@pytest.mark.parametrize("case", ["missing-nct-id", "unknown-phase", "odd-date", "duplicate-nct-id",
                                  "invalid-json", "non-utf8"])
def test_kg_build_fails_cleanly_and_keeps_the_store(case: str, data_dir: Path, tmp_path: Path,
                                                     good_store: bytes) -> None:
    store = tmp_path / "store.sqlite"
    store.write_bytes(good_store)
    write_bad(data_dir / "clinicaltrials", case)
    result = run_kg("build", "--store", str(store), "--data", str(data_dir))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert BAD[case][1].split(" (also")[0] in lines[0] and "zz_bad.json" in lines[0]
    if BAD[case][2]:
        assert f"field '{BAD[case][2]}'" in lines[0]
    if case == "duplicate-nct-id":
        assert "NCT99000001.json" in lines[0]  # both files are named
    assert store.read_bytes() == good_store
    assert not list(tmp_path.glob(".cellkg-*"))


# ---------------------------------------------------------------- the whole build


def test_build_with_registry_data_answers_products_for_target(data_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    built = run_kg("build", "--store", str(store), "--data", str(data_dir))
    assert built.returncode == 0, built.stderr
    result = run_kg("ask", "products-for-target", "-p", "target=CD19", "--store", str(store), "-f", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    lupus = [r for r in rows if (r["product"], r["disease"]) == ("CD19 test CAR-T", "test lupus")]
    assert [(r["patients"], r["reports"], r["trials"]) for r in lupus] == [(8, 2, 2)]  # the curated and the registry trial
    trials = json.loads(run_kg("ask", "trials-for-target", "-p", "target=CD19", "--store", str(store), "-f", "json").stdout)
    assert "clinicaltrials:NCT99000002" in {r["study"] for r in trials}
    looked = run_kg("lookup", "XYZ19", "--store", str(store), "-f", "json")
    assert looked.returncode == 0, looked.stderr
    candidate = json.loads(looked.stdout)[0]
    assert candidate["id"] == "cellkg:candidate-xyz-19-car-t-cells"
    assert candidate["properties"]["needs_review"] is True
