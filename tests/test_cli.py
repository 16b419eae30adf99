"""The `kg` command line, run as a real process."""

import json
from pathlib import Path

import pytest
from conftest import run_kg

from kg.cli import app


def test_every_command_has_help() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"`kg {name}` has no help"


def test_lookup_by_code_name_and_brand_reaches_the_same_product(curated_store: Path) -> None:
    results = [json.loads(run_kg("lookup", term, "--store", str(curated_store), "-f", "json").stdout)
               for term in ("ct103a", "Fucaso", "EQUECABTAGENE AUTOLEUCEL")]
    ids = {r[0]["id"] for r in results}
    assert ids == {"cellkg:equecabtagene-autoleucel"}
    evidence = results[0][0]["evidence"]
    assert evidence and all(e["source"] and e["level"] for e in evidence)
    diseases = {e["disease"] for e in evidence}
    assert any("myopathy" in d for d in diseases) and any("neuromyelitis" in d for d in diseases)


def test_lookup_table_shows_neighbourhood(test_store: Path) -> None:
    result = run_kg("lookup", "Testafix", "--store", str(test_store))
    assert result.returncode == 0, result.stderr
    assert "Product cellkg:t-prod-a: testacabtagene autoleucel" in result.stdout
    assert "TARGETS" in result.stdout and "pubmed:100001" in result.stdout


def test_lookup_unknown_term_is_one_line(test_store: Path) -> None:
    result = run_kg("lookup", "zzzz", "--store", str(test_store))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "zzzz" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "plain"])
def test_ask_formats(fmt: str, test_store: Path) -> None:
    result = run_kg("ask", "evidence-for-disease", "-p", "disease=test myopathy", "--store", str(test_store),
                    "-f", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        rows = json.loads(result.stdout)
        assert {r["evidence"] for r in rows} == {"cellkg:ev-t-1", "cellkg:ev-t-3", "cellkg:ev-t-4"}
    elif fmt == "csv":
        header = result.stdout.splitlines()[0]
        assert header == ("disease,product,targets,level,patients,follow_up_months,cohort,cohort_patients,"
                          "cohort_reports,cohort_inferred,findings,study,study_inferred,source,evidence")
        assert len(result.stdout.splitlines()) == 4
    else:  # a table drops the id columns and says where they are
        if fmt == "plain":
            assert "cellkg:src-test-press" in result.stdout and "cellkg:ev-t-3" not in result.stdout
        else:
            assert "┃ disease" in result.stdout  # rich's box drawing
        assert result.stdout.rstrip().endswith("3 rows (evidence ids: --format csv or json)")


def test_ask_bad_usage_is_one_line(test_store: Path) -> None:
    for args, code in ((["ask", "nope"], 1), (["ask", "products-for-target"], 2),
                       (["ask", "products-for-target", "-p", "x"], 2),
                       (["ask", "products-for-target", "-p", "target=CD19", "-f", "xml"], 2),
                       (["ask", "products-for-target", "-p", "target=CD19", "--backend", "oracle"], 2)):
        result = run_kg(*args, "--store", str(test_store))
        assert result.returncode == code, args
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_show_cypher_writes_the_resolved_id_in_place(test_store: Path) -> None:
    result = run_kg("ask", "antibody-mediated-diseases-for-target", "-p", "target=BCMA", "--show-cypher",
                    "--store", str(test_store))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('// parameters, written in place below: $target = "cellkg:target-t-bcma"\n')
    assert 'MATCH (t:Target {id: "cellkg:target-t-bcma"})' in result.stdout
    assert result.stdout.count(";") == 1 and result.stdout.rstrip().endswith(";")  # one statement


def test_stats_and_questions(test_store: Path) -> None:
    stats = json.loads(run_kg("stats", "--store", str(test_store), "-f", "json").stdout)
    assert {"kind": "node", "type": "Evidence", "count": 5} in stats
    questions = json.loads(run_kg("questions", "-f", "json").stdout)
    assert "antibody-mediated-diseases-for-target" in {q["name"] for q in questions}


def test_main_job_answers_the_bcma_question(curated_store: Path) -> None:
    result = run_kg("ask", "antibody-mediated-diseases-for-target", "-p", "target=BCMA", "--store",
                    str(curated_store), "-f", "json")
    rows = json.loads(result.stdout)
    diseases = {r["disease"] for r in rows}
    assert len(diseases) >= 3
    assert all(r["sources"] and r["levels"] and r["reports"] >= 1 for r in rows)


def test_lookup_stays_off_heavy_imports(test_store: Path) -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom kg.cli import main\n"
            f"sys.argv = ['kg', 'lookup', 'Testafix', '--store', {str(test_store)!r}]\nmain()\n"
            "heavy = ('networkx', 'rdflib', 'neo4j', 'pydantic', 'pyshacl', 'bioregistry', 'matplotlib', 'ladybug', 'rich')\n"
            "print('HEAVY', [m for m in heavy if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "HEAVY []"


def test_ctrl_c_is_one_line_and_exit_130(test_store: Path, tmp_path: Path) -> None:
    """An interrupted command says so and exits 130 (typer returns, rather than raises, the code)."""
    import signal
    import subprocess
    import sys
    import time

    article = tmp_path / "long.txt"
    article.write_text("BCMA CAR-T for IMNM after rituximab, with CRS grade 1 and no ICANS, " * 20_000)
    proc = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "extract", str(article),
                             "--store", str(test_store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    assert proc.poll() is None, "extract finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.strip().splitlines() == ["interrupted"]
