"""The `kg` command line. It translates arguments into library calls and errors into one line.

Heavy modules (networkx, rdflib, neo4j, rich) are imported inside the commands that need them,
so `kg lookup` starts fast.
"""


import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kg.cli.options import FormatOpt, StoreOpt, check_format, command_group, store_path
from kg.cli.progress import showing
from kg.errors import KGError, UsageError

app = command_group("kg", "cellkg: the knowledge graph of cell therapies in autoimmune disease.")


@app.command()
def build(
    store: StoreOpt = None,
    data: Annotated[Path | None, typer.Option(
        "--data", help="Data directory holding curated/ (default: $CELLKG_DATA or the packaged data).")] = None,
    allow_empty: Annotated[bool, typer.Option(
        "--allow-empty", help="Build even from a data folder without curated records (an empty graph).")] = False,
) -> None:
    """Build the graph from all sources (and pages `kg fetch` saved beside the store), check it, save the store."""
    from kg.backends.embedded import derive
    from kg.core.build import build as run_build

    with showing("kg build") as progress:
        report = run_build(store_path(store), data, allow_empty=allow_empty, progress=progress)
        derive(report.store, progress)  # the embedded engine's file, so that the first `kg ask` is fast
    typer.echo(f"built {report.store}: {report.nodes} nodes, {report.edges} relationships, "
               f"{len(report.sources)} sources")


@app.command()
def questions(fmt: FormatOpt = None) -> None:
    """List the named questions and their parameters."""
    from kg.cli.render import render
    from kg.queries import all_questions

    rows = [{"name": q.name, "parameters": [f"{p.name} ({p.description}; e.g. {p.example})" for p in q.params],
             "description": q.description} for q in all_questions()]
    render(rows, ("name", "parameters", "description"), check_format(fmt))


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param takes NAME=VALUE, got '{pair}'")
        params[key.strip()] = value.strip()
    return params


@app.command()
def ask(
    name: Annotated[str, typer.Argument(help="Question name (see `kg questions`).")],
    param: Annotated[list[str], typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")] = [],  # noqa: B006
    backend: Annotated[str, typer.Option(help="embedded (the built store, no server) or neo4j.")] = "embedded",
    show_cypher: Annotated[bool, typer.Option(
        "--show-cypher", help="Print the question as one Cypher statement to paste whole into the Neo4j Browser, "
                              "and stop.")] = False,
    browser: Annotated[bool, typer.Option(
        "--browser", help="Print a Neo4j Browser address that opens with the question in its editor "
                          "($NEO4J_BROWSER_URL, default http://127.0.0.1:7474/browser/), and stop.")] = False,
    store: StoreOpt = None,
    uri: Annotated[str | None, typer.Option("--uri", help="Neo4j URI (with --backend neo4j).")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Neo4j user (with --backend neo4j).")] = None,
    database: Annotated[str | None, typer.Option("--database", help="Neo4j database (with --backend neo4j).")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Answer a named question; every row carries its evidence level, patient count and source."""
    from kg.cli.render import render
    from kg.queries import get_question
    from kg.queries.answer import answer

    question = get_question(name)
    params = _parse_params(param)
    fmt = check_format(fmt)
    if show_cypher or browser:
        import os

        from kg.queries.answer import browser_url, pasteable, resolve

        text = pasteable(question, resolve(question, params, store_path(store)))
        typer.echo(browser_url(text, os.environ.get("NEO4J_BROWSER_URL")) if browser else text)
        return
    options = {"uri": uri, "user": user, "database": database} if backend == "neo4j" else {}
    with showing("kg ask") as progress:  # drawn only if the engine file has to be derived first
        rows = answer(question, params, backend, store_path(store), progress, **options)
    if fmt in ("table", "plain"):
        render(rows, question.table_columns, fmt, title=question.description)
        typer.echo(f"{len(rows)} rows (evidence ids: --format csv or json)")
    else:
        render(rows, question.columns, fmt)


@app.command()
def lookup(
    term: Annotated[str, typer.Argument(help="An id, name, synonym, code name or brand.")],
    store: StoreOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Find a node by any of its names and show its neighbourhood and evidence."""
    import json

    from kg.cli.lookup import EVIDENCE_COLUMNS, NEIGHBOUR_COLUMNS
    from kg.cli.lookup import lookup as find
    from kg.cli.render import cell, render
    from kg.core.store import Store

    fmt = check_format(fmt)
    with Store(store_path(store)) as db:
        found, candidates = find(db, term)
    if candidates:
        if fmt in ("table", "plain"):
            typer.echo(f"no exact match for '{term}'; nodes whose names contain it:")
        render([{"id": n.id, "class": n.label, "name": n.name} for n in candidates], ("id", "class", "name"), fmt)
    elif fmt == "json":
        typer.echo(json.dumps([{"id": f.node.id, "class": f.node.label, "properties": dict(f.node.properties),
                                "neighbours": f.neighbours, "evidence": f.evidence} for f in found],
                              indent=2, ensure_ascii=False))
    elif fmt == "csv":
        render([row for f in found for row in f.evidence], EVIDENCE_COLUMNS, fmt)
    else:
        for f in found:
            typer.echo(f"{f.node.label} {f.node.id}: {f.node.name}")
            for key, value in sorted(f.node.properties.items()):
                if key != "name":
                    typer.echo(f"  {key}: {cell(value)}")
            render(f.neighbours, NEIGHBOUR_COLUMNS, fmt, title="Relationships")
            render(f.evidence, EVIDENCE_COLUMNS, fmt, title="Evidence")


UriOpt = Annotated[str | None, typer.Option("--uri", help="Neo4j URI (default: $NEO4J_URI or bolt://127.0.0.1:7687).")]
UserOpt = Annotated[str | None, typer.Option("--user", help="Neo4j user (default: $NEO4J_USERNAME or neo4j); "
                                                 "the password is read from $NEO4J_PASSWORD only.")]
DatabaseOpt = Annotated[str | None, typer.Option("--database", help="Neo4j database (default: $NEO4J_DATABASE or neo4j).")]


@app.command()
def load(
    store: StoreOpt = None,
    uri: UriOpt = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per UNWIND batch.")] = 2000,
    commit_every_batch: Annotated[bool, typer.Option(
        "--commit-every-batch",
        help="Commit each batch instead of one transaction, for graphs larger than the server's "
             "transaction memory; a failed load is then recovered by rerunning it.")] = False,
) -> None:
    """Load the built store into Neo4j: constraints, then batched MERGE, in one transaction by default."""
    from kg.cli.load import load_into_neo4j

    nodes, edges, backend_uri = load_into_neo4j(store_path(store), uri, user, database, batch_size,
                                                atomic=not commit_every_batch)
    typer.echo(f"loaded {nodes} nodes and {edges} relationships into {backend_uri}")


@app.command()
def cypher(
    query: Annotated[str, typer.Argument(help="A read-only Cypher query.")],
    param: Annotated[list[str], typer.Option("--param", "-p", help="NAME=VALUE, repeatable ($NAME in the query).")] = [],  # noqa: B006
    backend: Annotated[str, typer.Option(help="embedded (the built store, no server) or neo4j.")] = "embedded",
    store: StoreOpt = None,
    uri: UriOpt = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Run an ad-hoc read-only Cypher query on the embedded graph (default) or on Neo4j."""
    from kg.backends import open_backend
    from kg.cli.render import render

    fmt = check_format(fmt)
    with showing("kg cypher") as progress:  # drawn only if the engine file has to be derived first
        options = ({"uri": uri, "user": user, "database": database} if backend == "neo4j"
                   else {"store": store_path(store), "progress": progress})
        graph = open_backend(backend, **options)
    with graph:
        rows = graph.cypher(query, _parse_params(param))
    columns = list(rows[0]) if rows else []
    render(rows, columns, fmt)


@app.command()
def stats(store: StoreOpt = None, fmt: FormatOpt = None) -> None:
    """Count nodes by class and relationships by type in the embedded store."""
    from kg.cli.render import render
    from kg.core.store import Store

    with Store(store_path(store)) as db:
        counts = db.counts()
    rows = [{"kind": "node", "type": k, "count": v} for k, v in counts["nodes"].items()]
    rows += [{"kind": "relationship", "type": k, "count": v} for k, v in counts["relationships"].items()]
    render(rows, ("kind", "type", "count"), check_format(fmt))


# Commands defined beside the code they drive; each module imports only typer at load time.
from kg.cli.export import export_app, validate_command
from kg.cli.extract import extract_command
from kg.cli.fetch import fetch_app
from kg.cli.plot import plot_app
from kg.cli.report import report_command
from kg.cli.view import view_command

app.add_typer(export_app, name="export")
app.command("validate")(validate_command)
app.command("extract")(extract_command)
app.add_typer(fetch_app, name="fetch")
app.add_typer(plot_app, name="plot")
app.command("report")(report_command)
app.command("view")(view_command)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo("error: " + " ".join(message.split()), err=True)  # always one line
    sys.exit(code)


def _usage(exc: Exception) -> str | None:
    """The one-line message of a usage error of the argument parser, else None.

    Told by behaviour, not by class: typer vendors its own click (typer._click) since 0.28, and
    its exceptions are not click's; both carry ``exit_code`` and ``format_message()``.
    """
    if not (hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int)):
        return None
    if type(exc).__name__ == "NoArgsIsHelpError":
        return "missing command (see `kg --help`)"
    message = str(exc.format_message())
    ctx = getattr(exc, "ctx", None)
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None and getattr(ctx, "command_path", None) else ""
    return message + where


def main() -> None:
    """Entry point: run the app. A KGError or a usage error becomes one line on stderr (exit 1 or 2),
    Ctrl-C "interrupted" (exit 130); nothing is left half-written, as every writer is atomic."""
    import sqlite3

    try:
        code = app(standalone_mode=False)
    except UsageError as exc:
        _fail(str(exc), 2)
    except KGError as exc:
        _fail(str(exc), 1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except (typer.Abort, EOFError):
        typer.echo("aborted", err=True)
        sys.exit(1)
    except sqlite3.Error as exc:
        _fail(f"cannot read the store: {exc}", 1)
    except OSError as exc:
        _fail(f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", 1)
    except Exception as exc:
        message = _usage(exc)
        if message is None:
            raise
        _fail(message, 2)
    # typer returns the code of an Exit it caught (130 for Ctrl-C) when not in standalone mode
    if isinstance(code, int) and code:
        if code == 130:
            typer.echo("interrupted", err=True)
        sys.exit(code)
