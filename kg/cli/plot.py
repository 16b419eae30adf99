"""`kg plot matrix` and `kg plot safety`: pictures of the graph (kg.views; matplotlib is imported when a
command runs)."""

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.options import StoreOpt, command_group, store_path
from kg.cli.progress import showing

plot_app = command_group(
    "plot", "Pictures of the graph: the target x disease evidence matrix, CRS and ICANS grades per product.")


@plot_app.command("matrix")
def matrix_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The picture: a .svg, .png or .pdf file.")],
    disease: Annotated[str, typer.Option(
        "--disease", help="The disease to draw with its subtypes: MONDO id, name or synonym.")] = "autoimmune disease",
    store: StoreOpt = None,
) -> None:
    """Draw targets x diseases: distinct patients, reports and best evidence level per cell."""
    from kg.views.matrix import write_matrix

    with showing("kg plot matrix") as progress:  # drawn only if the engine file has to be derived first
        diseases, targets = write_matrix(store_path(store), output, disease, progress)
    typer.echo(f"drew {diseases} disease{'s' if diseases != 1 else ''} x {targets} target{'s' if targets != 1 else ''} "
               f"to {output}", err=True)


@plot_app.command("safety")
def safety_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The picture: a .svg, .png or .pdf file.")],
    product: Annotated[str | None, typer.Option(
        "--product", help="Only this product: id, name, code name or brand (default: every product with "
                          "a CRS or ICANS finding).")] = None,
    store: StoreOpt = None,
) -> None:
    """Draw CRS and ICANS grades per product: patients by grade, each cohort counted once."""
    from kg.views.safety import write_safety

    with showing("kg plot safety") as progress:  # drawn only if the engine file has to be derived first
        products, events = write_safety(store_path(store), output, product, progress)
    typer.echo(f"drew {products} product{'s' if products != 1 else ''} x {events} events to {output}", err=True)
