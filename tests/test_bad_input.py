"""Every curated-data mistake stops `kg build` with one line naming the place; the store survives."""

import shutil
from pathlib import Path

import pytest
from conftest import TEST_DATA, run_kg

EVIDENCE_OK = """
evidence:
  - id: cellkg:ev-bad
    product: cellkg:t-prod-a
    disease: MONDO:9000002
    source: pubmed:100001
    level: case-report
    patients: 2
"""

CASES = {
    "bad-yaml": ("evidence:\n  - id: cellkg:ev-bad\n    product: [unclosed\n", "invalid YAML", None),
    "missing-id": ("evidence:\n  - product: cellkg:t-prod-a\n", "missing or empty 'id'", "id"),
    "missing-source": (EVIDENCE_OK.replace("    source: pubmed:100001\n", ""), "missing 'source'", "source"),
    "unknown-section": ("vaccines:\n  - id: cellkg:v\n", "unknown section 'vaccines'", "vaccines"),
    "unknown-field": (EVIDENCE_OK + "    dose: high\n", "unknown field 'dose'", "dose"),
    "wrong-type": (EVIDENCE_OK.replace("patients: 2", "patients: two"), "'patients' must be a whole number", "patients"),
    "not-in-enumeration": (EVIDENCE_OK.replace("case-report", "anecdote"), "expected one of", "level"),
    "dangling": (EVIDENCE_OK.replace("MONDO:9000002", "MONDO:9999999"), "dangling reference", "disease"),
    "wrong-range": (EVIDENCE_OK.replace("product: cellkg:t-prod-a", "product: MONDO:9000003"),
                    "ABOUT_PRODUCT needs a Product", "product"),
    "outcome-not-outcome": (EVIDENCE_OK + "    outcomes:\n      - outcome: cellkg:t-prod-b\n",
                            "REPORTED_OUTCOME needs a Outcome", "outcomes"),
    "conflicting-duplicate": ("targets:\n  - id: cellkg:target-t-cd19\n    name: CD-nineteen\n",
                              "conflicting duplicate", "id"),
    "unknown-prefix": (EVIDENCE_OK.replace("id: cellkg:ev-bad", "id: evid:123"), "unknown prefix 'evid'", "id"),
    "duplicate-key": (EVIDENCE_OK + "    patients: 3\n", "duplicate key 'patients'", "patients"),
}


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(TEST_DATA, target)
    return target


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_curated_file_fails_cleanly_and_keeps_the_store(case: str, data_dir: Path, tmp_path: Path) -> None:
    text, message, field = CASES[case]
    store = tmp_path / "store.sqlite"
    ok = run_kg("build", "--store", str(store), "--data", str(data_dir))
    assert ok.returncode == 0, ok.stderr
    before = store.read_bytes()

    (data_dir / "curated" / "zz_bad.yaml").write_text(text, encoding="utf-8")
    result = run_kg("build", "--store", str(store), "--data", str(data_dir))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "zz_bad.yaml:" in lines[0] or (case == "conflicting-duplicate" and "graph.yaml" in lines[0])
    if field:
        assert f"field '{field}'" in lines[0]
    assert store.read_bytes() == before
    assert not list(tmp_path.glob(".cellkg-*"))


def test_non_utf8_file(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / "curated" / "latin1.yaml").write_bytes("targets:\n  - id: cellkg:x\n    name: caf\xe9\n".encode("latin-1"))
    result = run_kg("build", "--store", str(tmp_path / "s.sqlite"), "--data", str(data_dir))
    assert result.returncode == 1
    assert "latin1.yaml" in result.stderr and "not UTF-8" in result.stderr
    assert not (tmp_path / "s.sqlite").exists()


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    result = run_kg("lookup", "BCMA", "--store", str(tmp_path / "none.sqlite"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: no store at {tmp_path / 'none.sqlite'}: run `kg build` first (or pass --store)"]
