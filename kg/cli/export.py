"""`kg export rdf|kgx` and `kg validate`: the linked-data commands.

Registered by kg/cli/__init__.py (``app.add_typer(export_app, name="export")`` and
``app.command("validate")(validate_command)``). rdflib, pyshacl, pyrudof and the Bioregistry are imported
inside the commands, never when the CLI starts.
"""


from pathlib import Path
from typing import Annotated

import typer

from kg.cli.options import StoreOpt, command_group, store_path
from kg.cli.progress import showing

export_app = command_group("export", "Export the built graph as RDF (Turtle, N-Triples, JSON-LD) or KGX TSV, "
                                     "or the Neo4j Browser's style and guide.")

BaseOpt = Annotated[str | None, typer.Option(
    "--base", help="Namespace of cellkg: identifiers (default: $CELLKG_BASE_IRI or https://w3id.org/cellkg/id/).")]


@export_app.command("rdf")
def rdf_command(
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or - for standard output.")],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="turtle, ntriples (streamed), jsonld (compact, its @context inline), "
                               "or nquads (streamed) / trig: a named graph per source.")] = "turtle",
    store: StoreOpt = None,
    base: BaseOpt = None,
) -> None:
    """Export every node and relationship, with provenance, as RDF with stable IRIs."""
    from kg.export.rdf import export_rdf

    # Not on standard output (it is the data), nor for N-Triples: its writer forks, and a fork must not
    # copy a drawing thread halfway through a write to standard error.
    with showing("kg export rdf", enabled=output != "-" and fmt not in ("ntriples", "nquads")) as progress:
        count = export_rdf(store_path(store), output, fmt, base, progress)
    if output != "-":
        unit = "quads" if fmt in ("nquads", "trig") else "triples"
        typer.echo(f"wrote {count} {unit} to {output} ({fmt})", err=True)


@export_app.command("kgx")
def kgx_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory for nodes.tsv and edges.tsv.")],
    store: StoreOpt = None,
) -> None:
    """Export KGX TSV (nodes.tsv, edges.tsv) that Biolink tools accept: Biolink categories, predicates
    and prefixes, negated absences, knowledge sources (kgx validate: scripts/kgx)."""
    from kg.export.kgx import export_kgx

    with showing("kg export kgx") as progress:
        nodes, edges = export_kgx(store_path(store), output, progress=progress)
    typer.echo(f"wrote {nodes} nodes and {edges} edges to {output}", err=True)


def validate_command(
    store: StoreOpt = None,
    shapes: Annotated[Path | None, typer.Option(
        "--shapes", help="SHACL shapes file (default: the packaged ontology/shapes.ttl).")] = None,
    base: BaseOpt = None,
    engine: Annotated[str, typer.Option(
        "--engine", help="rudof (fast, in Rust) or pyshacl (the reference); both give the same verdicts.")] = "rudof",
) -> None:
    """Check the exported graph against the SHACL shapes and print each violation."""
    from kg.errors import ShapesViolation
    from kg.export.shacl import validate_store

    try:
        with showing("kg validate") as progress:
            report = validate_store(store_path(store), shapes, base, progress, engine)
    except ShapesViolation as exc:
        for line in exc.violations:
            typer.echo(line)
        raise
    typer.echo(f"conforms: {report.triples} triples checked against {report.shapes} shapes")


@export_app.command("browser")
def browser_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder for cellkg.grass and guide.html.")],
    store: StoreOpt = None,
) -> None:
    """Write the Neo4j Browser style (captions and colours per class) and the cellkg guide.

    scripts/neo4j-local serves them and has the Browser apply both on connect.
    """
    from kg.views.browser import write_browser_files

    with showing("kg export browser") as progress:
        written = write_browser_files(store_path(store), output, progress)
    typer.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)
