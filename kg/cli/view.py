"""`kg view TERM -o view.html`: a node and its neighbours as an interactive page (kg.views.neighbourhood).

Registered by kg/cli/__init__.py (``app.command("view")(view_command)``); the page's code is
imported when the command runs.
"""

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.options import StoreOpt, store_path


def view_command(
    term: Annotated[str, typer.Argument(help="The node to centre on: an id, name, synonym, code name or brand.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The page: an .html file that opens offline.")],
    depth: Annotated[int, typer.Option(
        "--depth", min=1, max=2, help="Relationships to follow from the node: 1 (its neighbours) or 2.")] = 1,
    store: StoreOpt = None,
) -> None:
    """Draw a node and its neighbours as an interactive graph page, captioned as in the Neo4j Browser."""
    from kg.views.neighbourhood import write_view

    view = write_view(store_path(store), output, term, depth)
    others, links = len(view.nodes) - 1, len(view.edges)
    typer.echo(f"drew {view.focus.label} {view.focus.id} ({view.focus.name}), {others} other node"
               f"{'s' if others != 1 else ''} and {links} relationship{'s' if links != 1 else ''}, to {output}",
               err=True)
