"""`kg report`: one self-contained HTML page to share (kg.views.report; matplotlib is imported when it runs).

Registered by kg/cli/__init__.py (``app.command("report")(report_command)``).
"""

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.options import StoreOpt, store_path
from kg.cli.progress import showing


def report_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The page: an .html file.")],
    disease: Annotated[str, typer.Option(
        "--disease", help="The disease to report with its subtypes: MONDO id, name or synonym.")] = "autoimmune disease",
    store: StoreOpt = None,
) -> None:
    """Write one HTML page to share: the matrix, a section per disease and product, safety, every source linked."""
    from kg.views.report import write_report

    with showing("kg report") as progress:  # drawn only if the engine file has to be derived first
        report = write_report(store_path(store), output, disease, progress)
    counts = report.counts
    typer.echo(f"wrote {output}: {counts['diseases']} diseases, {counts['products']} products, "
               f"{counts['reports']} reports", err=True)
