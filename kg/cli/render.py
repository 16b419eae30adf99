"""Rows to the terminal: a table for people, JSON or CSV for machines."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "json", "csv")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str = "table",
           title: str | None = None) -> None:
    if fmt == "json":
        json.dump([{c: row.get(c) for c in columns} for row in rows], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in columns])
    else:
        table(rows, columns, title)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    # A terminal's own width; when piped, $COLUMNS or 160 (wide enough for most answers).
    width = shutil.get_terminal_size((160, 40)).columns if sys.stdout.isatty() or "COLUMNS" in os.environ else 160
    grid = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for column in columns:
        grid.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        grid.add_row(*(cell(row.get(c)) for c in columns))
    Console(width=width, highlight=False, soft_wrap=False).print(grid)
    if not rows:
        print("(no rows)")
