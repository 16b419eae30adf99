"""The README's quick start is what CI runs, and every command is documented."""

import re
from pathlib import Path

import typer.main

from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_is_two_commands_and_ci_runs_both() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    assert "kg build" in commands[0] and "antibody-mediated-diseases-for-target" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci, f".ci/run does not run the README command: {command}"


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert f"`kg {name}" in readme, f"`kg {name}` is not documented in README.md"


def readme_queries() -> list[str]:
    """The example Cypher queries of the README, one per statement."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```cypher\n(.+?)\n```", readme, re.DOTALL)
    statements = [s.strip() for block in blocks for s in block.split(";")]
    return ["\n".join(line for line in s.splitlines() if not line.startswith("//")) for s in statements if s]


def test_readme_queries_run_on_the_embedded_graph_without_a_server(curated_store: Path) -> None:
    import json

    from conftest import run_kg

    queries = readme_queries()
    assert len(queries) >= 3
    for query in queries:
        result = run_kg("cypher", query, "--store", str(curated_store), "-f", "json")
        assert result.returncode == 0, (query, result.stderr)
        assert json.loads(result.stdout), f"no rows: {query}"


def test_the_readme_matrix_is_drawn_from_the_current_curated_graph(curated_store: Path) -> None:
    """When the data change, the picture must be drawn again: `kg plot matrix -o docs/matrix.png`."""
    from kg.core.store import Store

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    with Store(curated_store) as store:
        build = store.build_id()[:8]
    assert "(docs/matrix.png)" in readme and f"(build {build})" in readme, \
        f"docs/matrix.png is stale: the curated graph is now build {build}"
    png = (ROOT / "docs" / "matrix.png").read_bytes()
    assert png.startswith(b"\x89PNG") and f"(build {build})".encode() in png, \
        "docs/matrix.png was not drawn from the current curated graph: run `kg plot matrix -o docs/matrix.png`"


def test_the_readme_example_queries_are_the_guides() -> None:
    """The Browser guide's last card shows queries/examples.cypher; the README shows the same text."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = (ROOT / "queries" / "examples.cypher").read_text(encoding="utf-8").strip()
    assert f"```cypher\n{examples}\n```" in readme
