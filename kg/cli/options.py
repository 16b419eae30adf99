"""Options that several commands share, and the two checks behind them, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.errors import UsageError

StoreOpt = Annotated[Path | None, typer.Option(
    "--store", help="The embedded store file (default: $CELLKG_STORE or ~/.local/share/cellkg/cellkg.sqlite).")]
FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", help="Output: table, plain, json or csv (default: table at a terminal, plain when piped).")]


def store_path(store: Path | None) -> Path:
    from kg.core.resources import default_store

    return store or default_store()


def check_format(fmt: str | None) -> str:
    from kg.cli.render import FORMATS, default_format

    if fmt is None:
        return default_format()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (choose from: {', '.join(FORMATS)})")
    return fmt
