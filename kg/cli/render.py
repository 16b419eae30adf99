"""Rows to the terminal: a table for people (rich at a terminal, plain columns when piped), JSON or
CSV for machines."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "plain", "json", "csv")


def default_format() -> str:
    """A rich table for a person at a terminal; plain columns when piped (quick to start, easy to grep)."""
    return "table" if sys.stdout.isatty() else "plain"


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
    elif fmt == "plain":
        if title:
            print(title)
        print(plain_table(rows, columns) if rows else "(no rows)")
    else:
        table(rows, columns, title)


def plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], cap: int | None = None) -> str:
    """Fixed-width columns, the last one free; with ``cap``, longer cells are cut with an ellipsis."""
    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    heads = [c.replace("_", " ") for c in columns]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(heads[:-1])]
    if cap is not None:
        widths = [min(cap, w) for w in widths]

    def line(values: list[str]) -> str:
        fixed = [(v if len(v) <= w else v[:w - 1] + "\u2026").ljust(w)
                 for v, w in zip(values[:-1], widths, strict=True)]
        return "  ".join([*fixed, values[-1]]).rstrip()

    rule = ["-" * w for w in widths] + ["-" * len(heads[-1])]
    return "\n".join([line(heads), line(rule), *(line(r) for r in cells)])


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    # A terminal's own width; else $COLUMNS or 160 (wide enough for most answers).
    width = shutil.get_terminal_size((160, 40)).columns if sys.stdout.isatty() or "COLUMNS" in os.environ else 160
    grid = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for column in columns:
        grid.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        grid.add_row(*(cell(row.get(c)) for c in columns))
    Console(width=width, highlight=False, soft_wrap=False).print(grid)
    if not rows:
        print("(no rows)")
