"""`kg extract` as a command: its outputs, the curated record it proposes, and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import TEST_DATA, run_kg
from test_articles import ARTICLES, articles, records_dictionary  # noqa: F401

from kg.core.model import Node
from kg.loaders.articles import OUTCOME_FIELDS, parse_text
from kg.loaders.articles.proposal import TODO, build_record, render_yaml
from kg.loaders.curated import load as load_curated


def run_extract(*args: str) -> subprocess.CompletedProcess[str]:
    return run_kg("extract", *args)


def test_table_yaml_and_json_outputs(test_store: Path) -> None:
    article = str(ARTICLES / "tnm_case_report.txt")
    table = run_extract(article, "--store", str(test_store))
    assert table.returncode == 0, table.stderr
    assert "cellkg:t-prod-a" in table.stdout and "No ICANS was observed." in table.stdout
    as_yaml = run_extract(article, "--store", str(test_store), "--format", "yaml")
    record = yaml.safe_load(as_yaml.stdout)["evidence"][0]
    assert record["product"] == "cellkg:t-prod-a" and record["id"] == TODO and record["source"] == TODO
    assert {"outcome": "cellkg:outcome-t-icans", "present": False} in record["outcomes"]
    as_json = json.loads(run_extract(article, "--store", str(test_store), "-f", "json").stdout)
    assert as_json["record"] == record
    assert all(p["sentence"] and isinstance(p["offset"], int) for p in as_json["proposals"])


FILL = {"test": {"source": "pubmed:100001", "level": "case-report", "product": "cellkg:t-prod-a",
                 "disease": "MONDO:9000001"},
        "curated": {"level": "case-report", "product": "cellkg:equecabtagene-autoleucel",
                    "disease": "MONDO:0009688"}}


@pytest.mark.parametrize("store, article", [(s, p.name) for s in ("test", "curated") for p in articles(s)])
def test_yaml_record_builds_once_todos_are_filled(store: str, article: str, request: pytest.FixtureRequest,
                                                  tmp_path: Path) -> None:
    from kg.core.build import build
    from kg.core.resources import curated_dir
    from kg.core.store import Store

    dictionary = request.getfixturevalue(f"{store}_dictionary")
    extraction = parse_text((ARTICLES / article).read_text(encoding="utf-8"), dictionary, article)
    text = render_yaml(extraction, dictionary)
    assert yaml.safe_load(text)["evidence"][0] == build_record(extraction, dictionary)[0]

    source_dir = TEST_DATA / "curated" if store == "test" else curated_dir()
    sources = sorted(r.id for r in load_curated(source_dir) if isinstance(r, Node) and r.label == "Source")
    evidence_id = f"cellkg:ev-extracted-{Path(article).stem.replace('_', '-')}"
    fill = {"id": evidence_id, "source": sources[0], **FILL[store]}
    filled = []
    for line in text.splitlines():
        key = line.strip().removeprefix("- ").split(":")[0]
        filled.append(line.replace(f"{key}: {TODO}", f"{key}: {fill[key]}") if f"{key}: {TODO}" in line else line)
    assert not any(TODO in line.split("#")[0] for line in filled)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(source_dir, data / "curated")
    (data / "curated" / "zz_extracted.yaml").write_text("\n".join(filled) + "\n", encoding="utf-8")
    build(tmp_path / "store.sqlite", data)
    with Store(tmp_path / "store.sqlite") as built:
        node = built.node(evidence_id)
        assert node.properties.get("patients") == extraction.values.get("patients")
        assert node.properties.get("follow_up_months") == extraction.values.get("follow_up_months")
        links = {(e.predicate, e.target) for d, e, _ in built.neighbours(evidence_id) if d == "out"}
        findings = [t for p, t in links if p == "HAS_FINDING"]
        links |= {("FINDING_OF", e.target) for f in findings for d, e, _ in built.neighbours(f)
                  if d == "out" and e.predicate == "OF_OUTCOME"}
    expected = {("FINDING_OF", v["id"]) for f, v in extraction.values.items() if f in OUTCOME_FIELDS and v["id"]}
    expected |= {("HAS_PRIOR_THERAPY", t) for t in extraction.values.get("prior_therapy", [])}
    expected |= {("HAS_AUTOANTIBODY", a) for a in extraction.values.get("autoantibody", [])}
    if extraction.values.get("improvement_id"):
        expected.add(("FINDING_OF", extraction.values["improvement_id"]))
    assert expected <= links


def _one_line_failure(result: subprocess.CompletedProcess[str], *parts: str, code: int = 1) -> None:
    assert result.returncode == code, result.stdout
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for part in parts:
        assert part in lines[0], lines[0]


def test_article_without_entities_fails_cleanly(test_store: Path, tmp_path: Path) -> None:
    article = tmp_path / "weather.txt"
    article.write_text("Sunny spells, then rain. Grade 1 CRS occurred in two patients.", encoding="utf-8")
    _one_line_failure(run_extract(str(article), "--store", str(test_store)),
                      "no product, target or disease recognised in", "weather.txt")


def test_non_utf8_article_names_file_and_byte(test_store: Path, tmp_path: Path) -> None:
    article = tmp_path / "latin1.txt"
    article.write_bytes("Testafix in TNM: caf\xe9.".encode("latin-1"))
    _one_line_failure(run_extract(str(article), "--store", str(test_store)),
                      "latin1.txt", "not UTF-8", "byte offset 20")


def test_huge_article_is_refused_before_reading(test_store: Path, tmp_path: Path) -> None:
    article = tmp_path / "huge.txt"
    with article.open("wb") as handle:
        handle.truncate(2_000_001)
    _one_line_failure(run_extract(str(article), "--store", str(test_store)), "huge.txt", "2 MB")


def test_missing_file_directory_and_empty_file(test_store: Path, tmp_path: Path) -> None:
    _one_line_failure(run_extract(str(tmp_path / "nope.txt"), "--store", str(test_store)), "nope.txt", "cannot read")
    _one_line_failure(run_extract(str(tmp_path), "--store", str(test_store)), "not a regular file")
    (tmp_path / "empty.txt").write_bytes(b"")
    _one_line_failure(run_extract(str(tmp_path / "empty.txt"), "--store", str(test_store)), "no product")


def test_unknown_format_and_missing_store(test_store: Path, tmp_path: Path) -> None:
    article = str(ARTICLES / "tnm_case_report.txt")
    _one_line_failure(run_extract(article, "--store", str(test_store), "-f", "xml"), "unknown format 'xml'", code=2)
    _one_line_failure(run_extract(article, "--store", str(tmp_path / "none.sqlite")), "no store at")


def test_kg_lists_the_extract_command() -> None:
    result = run_kg("extract", "--help")
    assert result.returncode == 0 and "--format" in result.stdout


