"""`kg extract ARTICLE`: the command and its three outputs (review table, curated YAML, JSON).

The record and JSON are built by kg.loaders.articles.proposal; the extractor loads when the
command runs.
"""


from pathlib import Path
from typing import Annotated

import typer

FORMATS = ("table", "yaml", "json")


def extract_command(
    file: Annotated[Path, typer.Argument(help="A plain-text (UTF-8) article, press release or abstract.")],
    store: Annotated[Path | None, typer.Option(
        "--store", help="The embedded store whose names are the dictionary "
                        "(default: $CELLKG_STORE or ~/.local/share/cellkg/cellkg.sqlite).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output: table (review), yaml (curated record) "
                                                             "or json.")] = "table",
) -> None:
    """Propose curated evidence from an article's text: each value with the sentence it came from."""
    from kg.core.resources import default_store
    from kg.errors import UsageError
    from kg.loaders.articles import extract_file
    from kg.loaders.articles.proposal import render_json, render_yaml, review_rows

    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (choose from: {', '.join(FORMATS)})")
    extraction, dictionary = extract_file(file, store or default_store())
    if fmt == "yaml":
        typer.echo(render_yaml(extraction, dictionary), nl=False)
    elif fmt == "json":
        typer.echo(render_json(extraction, dictionary))
    else:
        from kg.cli.render import plain_table

        columns = ("field", "value", "id", "sentence")
        typer.echo(f"Proposed evidence from {file}: check every row against its sentence.\n"
                   + plain_table(review_rows(extraction), columns, cap=44))
