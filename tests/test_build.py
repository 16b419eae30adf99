import sqlite3
from pathlib import Path

import pytest
from conftest import TEST_DATA

from kg.core.build import build
from kg.core.store import FORMAT_VERSION, Store
from kg.errors import StoreError


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


def test_building_twice_gives_the_same_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte for byte once the build time is fixed ($SOURCE_DATE_EPOCH, as reproducible builds do);
    the build id, a digest of the content, is equal either way."""
    first, second, third = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "c.sqlite"
    build(third, TEST_DATA)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(first, TEST_DATA)
    build(second, TEST_DATA)
    assert _dump(first) == _dump(second)
    with Store(first) as a, Store(second) as b, Store(third) as c:
        assert a.build_id() == b.build_id() == c.build_id() != ""
        assert a.built() == "2023-11-14T22:13:20Z" != c.built()


def test_a_bad_build_time_is_one_error_and_the_old_store_stays(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.sqlite"
    build(path, TEST_DATA)
    before = path.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(StoreError, match=r"^\$SOURCE_DATE_EPOCH='yesterday' is not a number"):
        build(path, TEST_DATA)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.sqlite"]  # no temporary file left behind


def test_rebuilding_in_place_keeps_content(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    build(store, TEST_DATA)
    before = _dump(store)
    build(store, TEST_DATA)
    assert _dump(store) == before


def test_store_counts_match_the_test_data(test_store: Path) -> None:
    with Store(test_store) as store:
        counts = store.counts()
        evidence = [n for n in store.nodes() if n.label == "Evidence"]
    assert counts["nodes"]["Evidence"] == len(evidence) == 5
    # every Evidence has exactly one product, disease, source and cohort
    for predicate in ("ABOUT_PRODUCT", "IN_DISEASE", "REPORTED_IN", "REPORTS_COHORT"):
        assert counts["relationships"][predicate] == 5
    # three cohorts are curated; the report that names none gets one of its own
    assert counts["nodes"]["Cohort"] == 4
    # derived shortcuts exist, one per (product, disease) pair
    assert counts["relationships"]["HAS_EVIDENCE_IN"] == 3


def test_provenance_names_file_record_and_field(test_store: Path) -> None:
    """The store keeps where a record is by file, record and field, which edits elsewhere in the
    file do not change (a line number would)."""
    with Store(test_store) as store:
        node = store.node("cellkg:ev-t-1")
        finding = next(e for e in store.edges() if e.source == "cellkg:ev-t-1" and e.predicate == "HAS_FINDING")
    assert node.provenance is not None and finding.provenance is not None
    assert node.provenance.source == "pubmed:100001"
    assert node.provenance.location == "curated/graph.yaml#cellkg:ev-t-1/id"
    assert finding.provenance.location == "curated/graph.yaml#cellkg:ev-t-1/outcomes"


def test_the_packaged_curated_data_builds(curated_store: Path) -> None:
    with Store(curated_store) as store:
        counts = store.counts()
    assert counts["nodes"]["Evidence"] >= 10
    assert counts["relationships"]["REPORTED_IN"] == counts["nodes"]["Evidence"]


def test_a_store_of_another_format_asks_for_a_rebuild(test_store: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    old.write_bytes(test_store.read_bytes())
    with sqlite3.connect(old) as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    with pytest.raises(StoreError, match=rf"has store format 1, this cellkg reads {FORMAT_VERSION}: run `kg build`"):
        Store(old)


def test_provenance_is_stored_in_columns(test_store: Path) -> None:
    """Source, loader and location are plain columns, so SQL can select a source's records."""
    with sqlite3.connect(test_store) as db:
        rows = db.execute("SELECT id FROM nodes WHERE prov_source = 'pubmed:100001' ORDER BY id").fetchall()
    with Store(test_store) as store:
        expected = sorted(n.id for n in store.nodes() if n.provenance and n.provenance.source == "pubmed:100001")
    assert [r[0] for r in rows] == expected and "cellkg:ev-t-1" in expected


def test_the_curated_graph_is_broad(curated_store: Path) -> None:
    with Store(curated_store) as store:
        counts = store.counts()
        trials = [n for n in store.nodes() if n.label == "Study" and n.id.startswith("clinicaltrials:NCT")]
        phased = [t for t in trials if t.properties.get("phase") and t.properties.get("status")]
    assert counts["nodes"]["Evidence"] >= 150
    assert len(trials) >= 80 and len(phased) >= 60
