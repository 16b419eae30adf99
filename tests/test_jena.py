"""The RDF export as another RDF stack reads it: Apache Jena's parser (riot) and its SHACL engine.

rdflib writes every format and the SHACL tests run rdflib-based or rdflib-fed engines, so one
library's leniency could hide a file that other tools refuse; Jena shares no code with either.
Two claims, on the curated graph (the graph the project ships, data/curated):

* every format of ``kg export rdf`` parses in riot's strict mode with no warning, to as many
  triples (or quads) as ``kg`` says it wrote;
* the N-Triples export conforms to ontology/shapes.ttl with nothing else loaded (not the ontology,
  no inference), so the export itself carries what the shapes ask of it.

Jena runs through scripts/jena, which fetches its jars with Maven on first use (20-45 s, once).
Without Java or Maven these tests skip on a developer's machine and fail under CI.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import ToolRun as Run
from conftest import run_kg, tool_runner

from kg.core import resources
from kg.core.owl import VOCAB
from kg.export.rdf import FORMATS
from kg.export.shacl import ShaclResult, nt_term

ROOT = Path(__file__).resolve().parents[1]
JENA = ROOT / "scripts" / "jena"

# riot's --syntax for a kg format whose name riot does not know; riot knows turtle, ntriples,
# jsonld, trig and nquads by kg's own names.
RIOT_SYNTAX: dict[str, str] = {}
# Jena's shacl command has no --syntax: it reads the data by its file suffix.
SUFFIX = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "trig": "trig", "nquads": "nq"}
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class Export(NamedTuple):
    path: Path
    statements: int  # triples or quads, as `kg export rdf` reported them


class Report(NamedTuple):
    conforms: bool
    results: list[ShaclResult]


@pytest.fixture(scope="module")
def jena() -> Run:
    """Run scripts/jena with the given arguments, once its jars are assembled."""
    return tool_runner("Jena", JENA, java="Java 17 or later")


@pytest.fixture(scope="module")
def exported(curated_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Export]:
    """The curated graph exported by the real `kg export rdf -f FMT`, once per format."""
    folder = tmp_path_factory.mktemp("jena-export")
    done: dict[str, Export] = {}

    def export(fmt: str) -> Export:
        if fmt not in done:
            path = folder / f"curated.{SUFFIX.get(fmt, fmt)}"
            run = run_kg("export", "rdf", "-f", fmt, "-o", str(path), "--store", str(curated_store))
            wrote = re.search(r"wrote (\d+) (?:triples|quads)", run.stderr)
            assert run.returncode == 0 and wrote and path.stat().st_size, f"{run.stdout}{run.stderr}"
            done[fmt] = Export(path, int(wrote.group(1)))
        return done[fmt]
    return export


def shacl(jena: Run, data: Path) -> Report:
    """Jena SHACL over ``data`` alone with ontology/shapes.ttl, its report read as RDF (the text
    form is for people; the command exits 0 whether or not the data conforms)."""
    from rdflib import RDF, Graph, Literal
    from rdflib.namespace import SH

    done = jena("shacl", "validate", "--shapes", resources.shapes_file(), "--data", data)
    assert done.returncode == 0, f"{done.stdout}{done.stderr}"
    report = Graph().parse(data=done.stdout, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    conforms = report.value(node, SH.conforms)
    assert isinstance(conforms, Literal), done.stdout[:2000]
    results = []
    for result in report.objects(node, SH.result):
        path, value = report.value(result, SH.resultPath), report.value(result, SH.value)
        inverse = report.value(path, SH.inversePath) if path is not None else None
        results.append(ShaclResult(
            nt_term(report.value(result, SH.focusNode)),
            None if path is None else f"^{nt_term(inverse)}" if inverse is not None else nt_term(path),
            str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(report.value(result, SH.resultMessage) or ""), None if value is None else nt_term(value)))
    assert conforms.toPython() is (not results), "sh:conforms disagrees with the results"
    return Report(bool(conforms.toPython()), results)


def summary(results: list[ShaclResult]) -> str:
    """The results grouped by constraint and path, largest group first, each with one example."""
    groups = Counter((r.component, r.path) for r in results)
    example = {(r.component, r.path): r for r in reversed(results)}
    return "\n".join(f"{n:6d}  {component}  {path or '(the node)'}  e.g. {example[component, path].focus}: "
                     f"{example[component, path].message[:120]}" for (component, path), n in groups.most_common())


@pytest.fixture(scope="module")
def clean(jena: Run, exported: Callable[[str], Export]) -> Report:
    return shacl(jena, exported("ntriples").path)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_riot_validates_every_export_format(jena: Run, exported: Callable[[str], Export], fmt: str) -> None:
    """--validate is riot's strictest reading (--strict --check, nothing written); --count shows
    it read the whole file: a JSON-LD term missing from the context would silently drop triples."""
    export = exported(fmt)
    done = jena("riot", "--validate", "--count", f"--syntax={RIOT_SYNTAX.get(fmt, fmt)}", export.path)
    output = done.stdout + done.stderr
    noise = [line for line in output.splitlines() if re.search(r"\b(WARN|ERROR)\b", line)]
    assert done.returncode == 0 and not noise, f"riot on the {fmt} export:\n{output[:4000]}"
    count = re.search(r"(?:Triples|Quads) = (\S+)", output)
    assert count, output
    assert int(re.sub(r"\D", "", count.group(1))) == export.statements, output


def test_riot_reports_what_it_finds(jena: Run, tmp_path: Path) -> None:
    """The test above trusts riot's silence; without a logging backend on the class path riot
    prints nothing at all, even for a broken file, so its warnings must be seen to arrive, and on
    standard error, away from the data (Jena's own default logs to standard output)."""
    bad = tmp_path / "bad.nt"
    bad.write_text(f'<https://example.org/a> <https://example.org/p> "many"^^<{XSD}integer> .\n')
    done = jena("riot", "--validate", "--syntax=ntriples", bad)
    assert done.returncode != 0, done.stdout + done.stderr
    assert re.search(r"\bWARN\b.*Lexical form 'many' not valid", done.stderr), done.stdout + done.stderr
    converted = jena("riot", "--output=ntriples", bad)
    assert converted.stdout == bad.read_text() and "WARN" in converted.stderr, converted


def test_jena_shacl_conforms_on_the_export_alone(clean: Report, exported: Callable[[str], Export]) -> None:
    """With no inference a node is checked by a shape only if the export itself types it with the
    shape's target class, so every target class must have a node typed with it: else "conforms"
    could mean that a shape found nothing to check."""
    from rdflib import Graph
    from rdflib.namespace import SH

    shapes = Graph().parse(resources.shapes_file(), format="turtle")
    triples = (line.rstrip().removesuffix(" .").split(" ", 2)
               for line in exported("ntriples").path.read_text(encoding="utf-8").splitlines())
    typed = {triple[2] for triple in triples if len(triple) == 3 and triple[1] == RDF_TYPE}
    unused = sorted(str(c) for c in set(shapes.objects(None, SH.targetClass)) if nt_term(c) not in typed)
    assert not unused, f"target classes no node of the export is typed with: {unused}"
    assert clean.conforms, (f"Jena SHACL on the N-Triples export alone: {len(clean.results)} results "
                            f"(count, constraint, path):\n{summary(clean.results)}")


def test_jena_shacl_names_a_corrupted_node(jena: Run, exported: Callable[[str], Export], clean: Report,
                                           tmp_path: Path) -> None:
    """The other way round: one Product loses every name and one Finding's `present` turns into a
    string. Jena must not conform, must name each node with its fault, and whatever it finds beyond
    the clean export's results must be about those two nodes."""
    lines = exported("ntriples").path.read_text(encoding="utf-8").splitlines(keepends=True)
    product = min(line.split(" ", 1)[0] for line in lines if line.endswith(f"{RDF_TYPE} <{VOCAB}Product> .\n"))
    boolean = f'<{VOCAB}present> "true"^^<{XSD}boolean> .\n'
    finding = min(line.split(" ", 1)[0] for line in lines if line.endswith(boolean))
    name, present = f"{product} <{VOCAB}name> ", f"{finding} {boolean}"
    corrupted = [line.replace(boolean, f'<{VOCAB}present> "true" .\n') if line == present else line
                 for line in lines if not line.startswith(name)]
    assert len(corrupted) < len(lines) and any(line.startswith(f'{finding} <{VOCAB}present> "true" .')
                                               for line in corrupted)
    data = tmp_path / "corrupted.nt"
    data.write_text("".join(corrupted), encoding="utf-8")

    report = shacl(jena, data)
    expected = {(product, f"<{VOCAB}name>", "MinCountConstraintComponent"),
                (finding, f"<{VOCAB}present>", "DatatypeConstraintComponent")}
    found = {(r.focus, r.path, r.component) for r in report.results}
    assert not report.conforms
    assert expected <= found, f"missing {expected - found}; results on those nodes: " + str(
        [r for r in report.results if r.focus in (product, finding)])
    assert not expected & {(r.focus, r.path, r.component) for r in clean.results}, "already in the clean export"
    before = {r.verdict() for r in clean.results}
    new = [r for r in report.results if r.verdict() not in before]
    assert {r.focus for r in new} <= {product, finding}, summary(new)
