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


def command_group(name: str, help: str) -> typer.Typer:
    """A typer app for `kg` or one of its groups: help when run bare, no completion, no rich tracebacks
    (kg.cli.main turns every error into one line)."""
    return typer.Typer(name=name, help=help, no_args_is_help=True, add_completion=False,
                       pretty_exceptions_enable=False)


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
