"""Long commands say what they are doing on a terminal, and nothing of it when piped."""

import re
from pathlib import Path

from conftest import TEST_DATA, run_kg, run_kg_on_terminal


def test_build_shows_its_steps_on_a_terminal_only(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    code, out, terminal = run_kg_on_terminal("build", "--data", str(TEST_DATA), "--store", str(store))
    assert code == 0, terminal
    for step in ("kg build: reading the ontology", "kg build: reading curated/", "kg build: checking ",
                 "kg build: writing s.sqlite", "kg build: engine file: 0 of "):
        assert step in terminal
    assert out.startswith(f"built {store}")
    piped = run_kg("build", "--data", str(TEST_DATA), "--store", str(tmp_path / "piped.sqlite"))
    assert piped.returncode == 0 and piped.stderr == "" and "kg build:" not in piped.stdout


def test_exports_and_validation_show_their_steps_on_a_terminal_only(test_store: Path, tmp_path: Path) -> None:
    runs = {
        ("export", "rdf", "-f", "turtle", "-o", str(tmp_path / "g.ttl")): "kg export rdf: writing ",
        ("export", "kgx", "-o", str(tmp_path / "kgx")): "kg export kgx: writing edges.tsv",
        ("validate",): "kg validate: SHACL shapes over ",
    }
    for args, step in runs.items():
        code, _, terminal = run_kg_on_terminal(*args, "--store", str(test_store))
        assert code == 0, terminal
        assert step in terminal, args
        piped = run_kg(*args, "--store", str(test_store))
        assert piped.returncode == 0 and "kg export" not in piped.stderr and "kg validate:" not in piped.stderr


def test_n_triples_and_standard_output_exports_draw_nothing(test_store: Path, tmp_path: Path) -> None:
    """N-Triples: the writer forks, and no drawing thread may be copied mid-write."""
    code, out, terminal = run_kg_on_terminal("export", "rdf", "-f", "turtle", "-o", "-", "--store", str(test_store))
    assert code == 0 and out.count("\n") > 100
    assert "kg export rdf" not in terminal
    code, _, terminal = run_kg_on_terminal("export", "rdf", "-f", "ntriples", "-o", str(tmp_path / "g.nt"),
                                           "--store", str(test_store))
    assert code == 0 and "kg export rdf" not in terminal.split("wrote ")[0]


def test_a_failure_leaves_one_line_after_the_progress_is_cleared(tmp_path: Path) -> None:
    code, _, terminal = run_kg_on_terminal("build", "--data", str(tmp_path / "missing"), "--store",
                                           str(tmp_path / "s.sqlite"))
    assert code == 1
    last = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal).strip().splitlines()[-1]
    assert last.startswith("error:") and "data folder not found" in last


def test_ask_shows_progress_only_while_it_derives_a_missing_engine_file(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    assert run_kg("build", "--data", str(TEST_DATA), "--store", str(store)).returncode == 0
    ask = ("ask", "evidence-for-disease", "-p", "disease=MONDO:9000002", "-f", "json", "--store", str(store))
    code, _, terminal = run_kg_on_terminal(*ask)
    assert code == 0 and "kg ask" not in terminal  # the file is there: nothing to show
    for engine_file in tmp_path.glob("s.*.lbug"):
        engine_file.unlink()
    code, out, terminal = run_kg_on_terminal(*ask)
    assert code == 0, terminal
    assert "kg ask: engine file: 0 of " in terminal and out.startswith("[")
    assert list(tmp_path.glob("s.*.lbug"))


def test_cypher_and_plot_show_progress_while_they_derive_a_missing_engine_file(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    assert run_kg("build", "--data", str(TEST_DATA), "--store", str(store)).returncode == 0
    runs = {("cypher", "MATCH (t:Target) RETURN count(*) AS n", "-f", "json"): "kg cypher: engine file: 0 of ",
            ("plot", "matrix", "--disease", "MONDO:9000001", "-o", str(tmp_path / "m.svg")):
                "kg plot matrix: engine file: 0 of "}
    for args, step in runs.items():
        for engine_file in tmp_path.glob("s.*.lbug"):
            engine_file.unlink()
        code, _, terminal = run_kg_on_terminal(*args, "--store", str(store))
        assert code == 0, terminal
        assert step in terminal
