"""The question harness: each named question's cases (queries/cases/<module>.yaml) on the curated graph.

A case gives parameters and what the answer must hold:

    - params: {target: BCMA}
      rows:                      # each: at least one row with all these values
        - {disease: immune-mediated necrotizing myopathy, product: equecabtagene autoleucel, patients: 1, reports: 3}
      absent:                    # each: no row with all these values
        - {disease: multiple sclerosis}
      every: {target: BCMA}      # every row has these values
      min_rows: 5                # or count: N

Here they run on the embedded default; tests/test_neo4j.py runs the same parameters on Neo4j
and holds both backends to the same rows. Adding a question means adding its case file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.queries import all_questions, get_question
from kg.queries.answer import answer

CASES = Path(__file__).resolve().parents[1] / "queries" / "cases"


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        name = path.stem.replace("_", "-")
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            found.append((name, case))
    return found


def case_params() -> list[tuple[str, dict[str, str]]]:
    return [(name, {k: str(v) for k, v in (case.get("params") or {}).items()}) for name, case in load_cases()]


def test_every_question_has_cases() -> None:
    with_cases = {name for name, _ in load_cases()}
    assert {q.name for q in all_questions()} <= with_cases
    assert with_cases <= {q.name for q in all_questions()}, "a case file for a question that does not exist"


def _matches(row: dict[str, Any], expected: dict[str, Any]) -> bool:
    return all(row.get(k) == v for k, v in expected.items())


@pytest.mark.parametrize(("name", "case"), load_cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_case(name: str, case: dict[str, Any], curated_store: Path) -> None:
    params = {k: str(v) for k, v in (case.get("params") or {}).items()}
    rows = answer(get_question(name), params, "embedded", curated_store)
    for expected in case.get("rows", []):
        assert any(_matches(r, expected) for r in rows), f"no row with {expected} in {rows}"
    for unexpected in case.get("absent", []):
        assert not any(_matches(r, unexpected) for r in rows), f"a row with {unexpected}"
    for row in rows:
        assert _matches(row, case.get("every", {})), f"{row} lacks {case['every']}"
    if "count" in case:
        assert len(rows) == case["count"]
    assert len(rows) >= case.get("min_rows", 1)
