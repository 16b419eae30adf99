"""`kg fetch clinicaltrials`: the command over kg.loaders.clinicaltrials_fetch (imported when run)."""


from pathlib import Path
from typing import Annotated

import typer

from kg.cli.options import command_group
from kg.cli.progress import showing

fetch_app = command_group("fetch", "Download raw records from a live source into the data directory.")


@fetch_app.command("clinicaltrials")
def fetch_command(
    condition: Annotated[str | None, typer.Option(
        "--condition", help="Condition or disease to search for (query.cond), e.g. 'myasthenia gravis'.")] = None,
    intervention: Annotated[str | None, typer.Option(
        "--intervention", help="Intervention to search for (query.intr), e.g. 'CAR-T'.")] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", help="Folder whose clinicaltrials/ gets the pages (default: fetched/ beside the store, "
                       "which `kg build` reads too).")] = None,
    store: Annotated[Path | None, typer.Option(
        "--store", help="The store the pages are for (default: $CELLKG_STORE or "
                        "~/.local/share/cellkg/cellkg.sqlite).")] = None,
    max_pages: Annotated[int | None, typer.Option(
        "--max-pages", min=1, help="Stop after this many pages in this run (rerun to continue).")] = None,
    page_size: Annotated[int, typer.Option(
        "--page-size", min=1, max=1000, help="Studies per page (the API allows up to 1000).")] = 100,
    delay: Annotated[float, typer.Option("--delay", min=0.0, help="Seconds to wait between pages.")] = 1.5,
    restart: Annotated[bool, typer.Option(
        "--restart", help="Drop this query's unfinished run and start from page 1 (finished pages stay until "
                          "the new run completes).")] = False,
) -> None:
    """Download ClinicalTrials.gov studies (API v2) beside the store, resumably; `kg build` loads them.

    The endpoint is https://clinicaltrials.gov/api/v2/studies; $CELLKG_CTGOV_URL replaces it (a mirror,
    a test server).
    """
    from kg.core.resources import default_store, fetched_dir
    from kg.loaders.clinicaltrials_fetch import fetch

    with showing("kg fetch clinicaltrials") as progress:
        report = fetch(condition, intervention, data or fetched_dir(store or default_store()), page_size=page_size,
                       max_pages=max_pages, delay=delay, restart=restart, progress=progress)
    done = "complete" if report.complete else f"incomplete: rerun to continue from {report.state.name}"
    typer.echo(f"fetched {report.pages} pages ({report.studies} studies) into {report.directory}; "
               f"{report.total_pages} pages saved for this query, {done}")
