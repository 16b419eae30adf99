"""The bad-input corpus: curated YAML, registry JSON, article text, command-line arguments and
stores. Each case runs the real `kg` in a fresh process and must exit with its code (1, or 2 for
usage), print exactly one line that names what was wrong and where, leave the store byte for byte
as it was and leave no temporary file behind. (The Neo4j cases are in tests/test_neo4j.py.)
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import TEST_DATA, run_kg
from test_clinicaltrials import BAD as REGISTRY_BAD
from test_clinicaltrials import CTGOV, write_bad


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]  # after `kg`; {store}, {data} and {tmp} are filled in
    expect: tuple[str, ...]  # each appears in the one line
    code: int = 1
    files: Mapping[str, str | bytes] = field(default_factory=dict)  # written under {tmp} first
    make: Callable[[Path], None] | None = None  # what files cannot say: links, FIFOs, folders


BUILD = ("build", "--store", "{store}", "--data", "{data}")
EVIDENCE = """
evidence:
  - id: cellkg:ev-bad
    product: cellkg:t-prod-a
    disease: MONDO:9000002
    source: pubmed:100001
    level: case-report
    patients: 2
"""
SOURCE = "sources:\n  - id: pubmed:100009\n    title: x\n    kind: journal-article\n    year: 2024\n"
DISEASE = "diseases:\n  - id: {id}\n    name: bad disease\n    source: pubmed:100001\n"
TARGET = "targets:\n  - id: cellkg:target-x\n    name: X\n"


def curated(text: str | bytes, *expect: str, name: str = "zz_bad.yaml") -> Case:
    return Case(BUILD, (f"{name}", *expect), files={f"data/curated/{name}": text})


def outcome(lines: str, *expect: str) -> Case:
    return curated(EVIDENCE + "    outcomes:\n      - outcome: cellkg:outcome-t-crs\n" + lines, *expect)


def _alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    return "\n".join(lines) + "\n"


def _link(target: str, name: str) -> Callable[[Path], None]:
    def make(tmp: Path) -> None:
        (tmp / "data" / "curated" / name).symlink_to(target)
    return make


def _folder(path: str) -> Callable[[Path], None]:
    def make(tmp: Path) -> None:
        (tmp / path).mkdir(parents=True)
    return make


def _fifo(path: str) -> Callable[[Path], None]:
    def make(tmp: Path) -> None:
        os.mkfifo(tmp / path)
    return make


def _registry(case: str) -> Callable[[Path], None]:
    def make(tmp: Path) -> None:
        folder = tmp / "data" / "clinicaltrials"
        shutil.copytree(CTGOV / "clinicaltrials", folder)
        write_bad(folder, case)
    return make


def _registry_file(name: str, text: str) -> Callable[[Path], None]:
    def make(tmp: Path) -> None:
        folder = tmp / "data" / "clinicaltrials"
        shutil.copytree(CTGOV / "clinicaltrials", folder)
        (folder / name).write_text(text, encoding="utf-8")
    return make


def _unfinished_fetch(tmp: Path) -> None:
    folder = tmp / "fetched" / "clinicaltrials"  # beside the store, where `kg fetch` writes
    folder.mkdir(parents=True)
    page = json.loads((CTGOV / "clinicaltrials" / "search-test-lupus-page-0001.json").read_text())
    (folder / "search-lupus-0badc0de-page-0001.json").write_text(json.dumps(page))
    state = {"complete": False, "pages": 1, "params": {"query.cond": "lupus"}}
    (folder / "search-lupus-0badc0de.state").write_text(json.dumps(state))


def _registry_folder(tmp: Path) -> None:
    _registry_file("zz_ok.json", '{"studies": []}')(tmp)
    (tmp / "data" / "clinicaltrials" / "zz_dir.json").mkdir()


CASES: dict[str, Case] = {
    # ---- curated YAML: the file itself
    "yaml-syntax": curated("evidence:\n  - id: cellkg:ev-bad\n    product: [unclosed\n", "invalid YAML"),
    "yaml-not-utf8": curated("targets:\n  - id: cellkg:x\n    name: caf\xe9\n".encode("latin-1"), "not UTF-8"),
    "yaml-int-key": curated("targets:\n  - id: cellkg:target-x\n    1: X\n", "a key must be text"),
    "yaml-list-key": curated("targets:\n  - id: cellkg:target-x\n    ? [a, b]\n    : X\n", "a key must be text"),
    "yaml-duplicate-key": curated(EVIDENCE + "    patients: 3\n", "duplicate key 'patients'"),
    "yaml-alias-bomb": curated(_alias_bomb(), "alias bomb"),
    "yaml-deep-nesting": curated("targets: " + "[" * 20000 + "]" * 20000 + "\n", "nesting depth"),
    "yaml-top-level-list": curated("- id: cellkg:x\n", "zz_bad.yaml"),
    "yaml-section-not-list": curated("targets:\n  id: cellkg:target-x\n", "targets"),
    "yaml-yml-extension": curated(TARGET, ".yml", name="zz_bad.yml"),
    "yaml-folder": Case(BUILD, ("zz_folder.yaml", "not a regular file"), make=_folder("data/curated/zz_folder.yaml")),
    "yaml-broken-link": Case(BUILD, ("zz_link.yaml", "broken link"), make=_link("/no/such/file", "zz_link.yaml")),
    "yaml-fifo": Case(BUILD, ("zz_fifo.yaml", "not a regular file"), make=_fifo("data/curated/zz_fifo.yaml")),
    # ---- curated YAML: records and fields
    "missing-id": curated("evidence:\n  - product: cellkg:t-prod-a\n", "missing or empty 'id'", "field 'id'"),
    "missing-source": curated(EVIDENCE.replace("    source: pubmed:100001\n", ""), "missing 'source'"),
    "unknown-section": curated("vaccines:\n  - id: cellkg:v\n", "unknown section 'vaccines'"),
    "unknown-field": curated(EVIDENCE + "    dose: high\n", "unknown field 'dose'", "field 'dose'"),
    "wrong-type": curated(EVIDENCE.replace("patients: 2", "patients: two"), "whole number", "field 'patients'"),
    "negative-count": curated(EVIDENCE.replace("patients: 2", "patients: -2"), ">= 0", "field 'patients'"),
    "huge-count": curated(EVIDENCE.replace("patients: 2", "patients: 100000000"), "a typo?", "field 'patients'"),
    "negative-follow-up": curated(EVIDENCE + "    follow_up_months: -3\n", ">= 0", "field 'follow_up_months'"),
    "not-in-enumeration": curated(EVIDENCE.replace("case-report", "anecdote"), "expected one of", "field 'level'"),
    "dangling": curated(EVIDENCE.replace("MONDO:9000002", "MONDO:9999999"), "dangling reference"),
    "wrong-range": curated(EVIDENCE.replace("product: cellkg:t-prod-a", "product: MONDO:9000003"),
                           "ABOUT_PRODUCT needs a Product"),
    "outcome-not-outcome": curated(EVIDENCE + "    outcomes:\n      - outcome: cellkg:t-prod-b\n",
                                   "OF_OUTCOME needs a Outcome"),
    "conflicting-duplicate": Case(BUILD, ("conflicting duplicate", "graph.yaml"),
                                  files={"data/curated/zz_bad.yaml": "targets:\n  - id: cellkg:target-t-cd19\n"
                                                                     "    name: CD-nineteen\n"}),
    "unknown-prefix": curated(EVIDENCE.replace("id: cellkg:ev-bad", "id: evid:123"), "unknown prefix 'evid'"),
    "evidence-without-product": curated(EVIDENCE.replace("    product: cellkg:t-prod-a\n", ""),
                                        "evidence needs exactly one product", "record cellkg:ev-bad"),
    "evidence-without-disease": curated(EVIDENCE.replace("    disease: MONDO:9000002\n", ""),
                                        "evidence needs exactly one disease"),
    "evidence-without-level": curated(EVIDENCE.replace("    level: case-report\n", ""),
                                      "evidence needs exactly one level", "field 'level'"),
    "empty-name": curated("targets:\n  - id: cellkg:target-x\n    name: ''\n", "field 'name'"),
    "control-character": curated('targets:\n  - id: cellkg:target-x\n    name: "X\\u0000Y"\n', "control characters"),
    "pipe-in-list": curated("targets:\n  - id: cellkg:target-x\n    name: X\n    synonyms: ['a|b']\n",
                            "holds '|'", "field 'synonyms'"),
    # identifiers that break their prefix's pattern, or an IRI
    "mondo-too-short": curated(DISEASE.format(id="MONDO:123"), "not a MONDO identifier", "field 'id'"),
    "mondo-four-digits": curated(DISEASE.format(id="MONDO:9688"), "not a MONDO identifier"),
    "nct-too-short": curated("studies:\n  - id: clinicaltrials:NCT123\n    name: x\n    source: pubmed:100001\n",
                             "not a clinicaltrials identifier"),
    "pubmed-not-a-number": curated(SOURCE.replace("pubmed:100009", "pubmed:abc"), "not a pubmed identifier"),
    "doi-not-a-doi": curated(SOURCE.replace("pubmed:100009", "doi:notadoi"), "not a doi identifier"),
    "angle-bracket-in-id": curated(TARGET.replace("cellkg:target-x", "cellkg:target->x"), "not a cellkg identifier"),
    "space-in-id": curated(TARGET.replace("cellkg:target-x", "'cellkg:target x'"), "not a CURIE"),
    "bad-xref": curated(TARGET + "    xrefs: ['HGNC:abc']\n", "not a HGNC identifier", "field 'xrefs'"),
    "url-not-http": curated(SOURCE + "    url: 'not a url'\n", "http(s) URL", "field 'url'"),
    "url-with-space": curated(SOURCE + "    url: 'https://x.org/a b'\n", "http(s) URL", "field 'url'"),
    # class ranges, hierarchies, dates and years
    "disease-parent-is-therapy": curated(DISEASE.format(id="MONDO:9000009") + "    parents: [cellkg:therapy-t-rtx]\n",
                                         "cannot be a kind of", "field 'parents'"),
    "disease-parent-is-itself": curated(DISEASE.format(id="MONDO:9000009") + "    parents: [MONDO:9000009]\n",
                                        "a kind of itself", "field 'parents'"),
    "impossible-date": curated(SOURCE + "    date: 2024-02-30\n", "not a date that exists", "field 'date'"),
    "year-too-early": curated(SOURCE.replace("year: 2024", "year: 1800"), "outside 1900", "field 'year'"),
    "year-in-the-future": curated(SOURCE.replace("year: 2024", "year: 2999"), "outside 1900", "field 'year'"),
    # findings: grades, counts and absences
    "grade-above-scale": outcome("        present: true\n        grade: 7\n", "not a grade of", "field 'grade'"),
    "grade-above-max-grade": outcome("        present: true\n        grade: 3\n        max_grade: 2\n",
                                     "above max_grade", "field 'grade'"),
    "affected-above-treated": outcome("        present: true\n        affected: 5\n", "5 affected of 2 treated",
                                      "field 'affected'"),
    "absence-with-affected": outcome("        present: false\n        affected: 2\n", "explicit absence",
                                     "field 'affected'"),
    "cohort-of-another-source-unexplained": curated(
        EVIDENCE.replace("pubmed:100001", "pubmed:100002").replace("patients: 2", "patients: 1")
        + "    cohort: cellkg:cohort-t-a\n", "of another source", "field 'cohort'"),
    "finding-without-present": outcome("        grade: 1\n", "present"),
    # ---- registry JSON (ClinicalTrials.gov API v2)
    **{f"registry-{name}": Case(BUILD, ("zz_bad.json", message), make=_registry(name))
       for name, (_, message, _) in REGISTRY_BAD.items() if name != "duplicate-nct-id"},
    "registry-duplicate-nct-id": Case(BUILD, ("zz_bad.json", "NCT99000001.json", "duplicate NCT id"),
                                      make=_registry("duplicate-nct-id")),
    "registry-deep-nesting": Case(BUILD, ("zz_deep.json", "nested too deeply"),
                                  make=_registry_file("zz_deep.json", "[" * 100000 + "]" * 100000)),
    "registry-folder": Case(BUILD, ("zz_dir.json", "not a regular file"),
                            make=_registry_folder),
    "registry-unfinished-fetch": Case(BUILD, ("search-lupus-0badc0de.state", "kg fetch clinicaltrials"),
                                      make=_unfinished_fetch),
    # ---- article text (kg extract)
    "article-missing": Case(("extract", "{tmp}/none.txt", "--store", "{store}"), ("none.txt", "cannot read")),
    "article-folder": Case(("extract", "{tmp}", "--store", "{store}"), ("not a regular file",)),
    "article-dev-zero": Case(("extract", "/dev/zero", "--store", "{store}"), ("/dev/zero", "not a regular file")),
    "article-fifo": Case(("extract", "{tmp}/pipe.txt", "--store", "{store}"), ("pipe.txt", "not a regular file"),
                         make=_fifo("pipe.txt")),
    "article-not-utf8": Case(("extract", "{tmp}/a.txt", "--store", "{store}"), ("a.txt", "not UTF-8"),
                             files={"a.txt": "caf\xe9 CAR-T".encode("latin-1")}),
    "article-too-large": Case(("extract", "{tmp}/big.txt", "--store", "{store}"), ("big.txt", "byte limit"),
                              files={"big.txt": "CAR-T " * 400_000}),
    "article-nothing-recognised": Case(("extract", "{tmp}/a.txt", "--store", "{store}"),
                                       ("a.txt", "no product, target or disease"),
                                       files={"a.txt": "The weather was fine today."}),
    # ---- command-line arguments
    "usage-no-command": Case((), ("missing command",), code=2),
    "usage-unknown-option": Case(("stats", "--bogus"), ("--bogus",), code=2),
    "usage-option-of-another-command": Case(("questions", "--store", "x"), ("--store",), code=2),
    "usage-build-unknown-option": Case(("build", "--bogus"), ("--bogus",), code=2),
    "usage-page-size-zero": Case(("fetch", "clinicaltrials", "--page-size", "0"), ("--page-size",), code=2),
    "usage-batch-size-zero": Case(("load", "--batch-size", "0", "--store", "{store}"), ("--batch-size",), code=2),
    "usage-batch-size-negative": Case(("load", "--batch-size", "-5", "--store", "{store}"), ("--batch-size",), code=2),
    "usage-ask-without-name": Case(("ask",), ("name",), code=2),
    "usage-ask-without-param": Case(("ask", "products-for-target", "--store", "{store}"), ("target=",), code=2),
    "usage-ask-malformed-param": Case(("ask", "products-for-target", "-p", "bogus", "--store", "{store}"),
                                      ("NAME=VALUE",), code=2),
    "usage-unknown-format": Case(("ask", "products-for-target", "-p", "target=BCMA", "-f", "bogus", "--store",
                                  "{store}"), ("format 'bogus'",), code=2),
    "usage-unknown-backend": Case(("cypher", "RETURN 1", "--backend", "bogus", "--store", "{store}"),
                                  ("backend 'bogus'",), code=2),
    "usage-unknown-rdf-format": Case(("export", "rdf", "-f", "bogus", "-o", "{tmp}/o.ttl", "--store", "{store}"),
                                     ("RDF format 'bogus'",), code=2),
    "unknown-question": Case(("ask", "no-such-question", "--store", "{store}"), ("no question named",)),
    "unknown-term": Case(("ask", "products-for-target", "-p", "target=NOPE", "--store", "{store}"),
                         ("no Target is called 'NOPE'",)),
    "huge-lookup-term": Case(("lookup", "a" * 60_000, "--store", "{store}"), ("60,000 characters",)),
    "cypher-writes": Case(("cypher", "CREATE (n:Target {id: 'x'})", "--store", "{store}"), ("CREATE",)),
    "cypher-load-csv": Case(("cypher", "LOAD CSV FROM 'http://example.org/x' AS l RETURN l", "--store", "{store}"),
                            ("LOAD",)),
    "cypher-procedure": Case(("cypher", "CALL db.clearQueryCaches()", "--store", "{store}"),
                             ("db.clearQueryCaches",)),
    "cypher-unknown-property": Case(("cypher", "MATCH (n:Target) RETURN n.nope", "--store", "{store}"),
                                    ("embedded engine refused",)),
    # ---- targets that would destroy data
    "build-missing-data": Case(("build", "--store", "{store}", "--data", "{tmp}/no-such"), ("no-such", "not found")),
    "build-data-is-a-file": Case(("build", "--store", "{store}", "--data", "{store}"), ("not a folder",)),
    "build-data-without-curated": Case(("build", "--store", "{store}", "--data", "{tmp}/empty"),
                                       ("no curated data", "--allow-empty"), make=_folder("empty")),
    "build-store-is-a-folder": Case(("build", "--store", "{tmp}/data", "--data", "{data}"), ("is a folder",)),
    "export-rdf-onto-store": Case(("export", "rdf", "-o", "{store}", "--store", "{store}"), ("is the store",)),
    "export-ntriples-onto-store": Case(("export", "rdf", "-f", "ntriples", "-o", "{store}", "--store", "{store}"),
                                       ("is the store",)),
    "export-jsonld-onto-store": Case(("export", "rdf", "-f", "jsonld", "-o", "{store}", "--store", "{store}"),
                                     ("is the store",)),
    "export-rdf-to-folder": Case(("export", "rdf", "-o", "{tmp}", "--store", "{store}"), ("is a directory",)),
    "export-kgx-onto-store": Case(("export", "kgx", "-o", "{tmp}/kgx", "--store", "{tmp}/kgx/nodes.tsv"),
                                  ("is the store",)),
    # ---- pictures
    "plot-unknown-suffix": Case(("plot", "matrix", "-o", "{tmp}/m.txt", "--store", "{store}"), ("m.txt", ".svg"), code=2),
    "plot-into-missing-folder": Case(("plot", "matrix", "-o", "{tmp}/no/m.svg", "--store", "{store}"),
                                     ("cannot write", "no/m.svg")),
    "plot-unknown-disease": Case(("plot", "matrix", "--disease", "no such illness", "-o", "{tmp}/m.svg",
                                  "--store", "{store}"), ("no such illness",)),
    # ---- stores
    "store-missing": Case(("stats", "--store", "{tmp}/none.sqlite"), ("no store at", "kg build")),
    "store-not-a-database": Case(("stats", "--store", "{tmp}/junk.sqlite"), ("junk.sqlite", "not a cellkg store"),
                                 files={"junk.sqlite": b"this is not sqlite" * 100}),
    "store-empty-file": Case(("stats", "--store", "{tmp}/empty.sqlite"), ("empty.sqlite", "not a cellkg store"),
                             files={"empty.sqlite": b""}),
    "validate-missing-store": Case(("validate", "--store", "{tmp}/none.sqlite"), ("no store at",)),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("corpus")
    result = run_kg("build", "--store", str(folder / "store.sqlite"), "--data", str(TEST_DATA))
    assert result.returncode == 0, result.stderr
    return (folder / "store.sqlite").read_bytes()


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_line_and_changes_nothing(name: str, built: bytes, tmp_path: Path) -> None:
    case = CASES[name]
    data = tmp_path / "data"
    shutil.copytree(TEST_DATA, data)
    store = tmp_path / "store.sqlite"
    if name == "export-kgx-onto-store":
        store = tmp_path / "kgx" / "nodes.tsv"
        store.parent.mkdir()
    store.write_bytes(built)
    for relative, content in case.files.items():
        path = tmp_path / relative
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.make:
        case.make(tmp_path)
    args = [a.replace("{store}", str(store)).replace("{data}", str(data)).replace("{tmp}", str(tmp_path))
            for a in case.args]

    result = run_kg(*args)

    assert result.returncode == case.code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in case.expect:
        assert text in lines[0], lines[0]
    assert store.read_bytes() == built
    leftovers = [p.name for p in tmp_path.rglob(".cellkg-*")]
    assert leftovers == []
