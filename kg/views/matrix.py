"""The evidence matrix: targets across, diseases down (grouped by the disease hierarchy).

It is drawn from the rows of the named question patients-by-disease-and-target, so the picture
counts what `kg ask` counts: each cell shows the distinct patients (cohorts, not reports) and
the number of reports, and its colour is the best evidence level among those reports.
`matrix` is pure; `draw` imports matplotlib (never on the CLI's start-up path).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.core.steps import Step, quiet
from kg.errors import NotFound

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Evidence levels from strongest to weakest: trials by phase, then peer-reviewed series and case
#: reports, then sources that are not peer-reviewed papers. "Best level" in a cell is the first.
LEVELS = ("phase-3", "phase-2", "phase-1-2", "phase-1", "case-series", "case-report",
          "conference-abstract", "press-release", "registry-record")
COLOURS = ("#08306b", "#08519c", "#2171b5", "#4292c6", "#41ab5d", "#a1d99b",
           "#fdae6b", "#fdd0a2", "#d9d9d9")
DARK = frozenset(LEVELS[:5])  # cells on which text is white


@dataclass(frozen=True)
class Cell:
    patients: int | None  # None: no report states a count
    reports: int
    best: str


@dataclass(frozen=True)
class Row:
    disease: str
    family: str
    header: bool  # the family's own row (drawn bold); its subtypes follow it


@dataclass(frozen=True)
class Matrix:
    targets: tuple[str, ...]
    rows: tuple[Row, ...]
    cells: Mapping[tuple[str, str], Cell]  # (disease, target) -> cell


def best_level(levels: Iterable[str]) -> str:
    """The strongest of the levels (an unknown level ranks after every known one)."""
    return min(levels, key=lambda level: LEVELS.index(level) if level in LEVELS else len(LEVELS))


def matrix(answer: Iterable[Mapping[str, Any]]) -> Matrix:
    """Arrange the question's rows: targets and families by patients (most first), each family's
    own row first and its subtypes after it, by name."""
    cells: dict[tuple[str, str], Cell] = {}
    family_of: dict[str, str] = {}
    weight: dict[str, int] = defaultdict(int)
    for row in answer:
        disease, target = row["disease"], row["target"]
        cells[(disease, target)] = Cell(row["patients"], row["reports"], best_level(row["levels"]))
        family_of[disease] = row["family"]
        weight[target] += row["patients"] or 0
        weight["family:" + row["family"]] += row["patients"] or 0
    targets = sorted({t for _, t in cells}, key=lambda t: (-weight[t], t))
    families = sorted(set(family_of.values()), key=lambda f: (-weight["family:" + f], f))
    rows: list[Row] = []
    for family in families:
        members = sorted(d for d, f in family_of.items() if f == family and d != family)
        rows.append(Row(family, family, header=bool(members) or family in family_of))
        rows += [Row(d, family, header=False) for d in members]
    return Matrix(tuple(targets), tuple(rows), cells)


def draw(table: Matrix, root: str, title: str, caption: str) -> Figure:
    """The matrix as a matplotlib Figure (no pyplot, so no global state and no display needed);
    ``root`` is the disease asked for: its own row holds reports that name no subtype."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    n_rows, n_cols = len(table.rows), len(table.targets)
    width = 5.6 + 1.05 * n_cols
    figure = Figure(figsize=(width, 2.8 + 0.36 * n_rows), layout="constrained")
    axes = figure.add_subplot()
    for y, row in enumerate(table.rows):
        for x, target in enumerate(table.targets):
            cell = table.cells.get((row.disease, target))
            if cell is None:
                axes.add_patch(Rectangle((x, y), 1, 1, facecolor="white", edgecolor="#e0e0e0", linewidth=0.5))
                continue
            colour = COLOURS[LEVELS.index(cell.best)] if cell.best in LEVELS else COLOURS[-1]
            axes.add_patch(Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=1))
            patients = "n/a" if cell.patients is None else str(cell.patients)
            reports = f"{cell.reports} report{'s' if cell.reports != 1 else ''}"
            ink = "white" if cell.best in DARK else "black"
            axes.text(x + 0.5, y + 0.42, patients, ha="center", va="center", fontsize=10, weight="bold", color=ink)
            axes.text(x + 0.5, y + 0.78, reports, ha="center", va="center", fontsize=6.5, color=ink)
    for y, row in enumerate(table.rows):
        if row.header and y:
            axes.axhline(y, color="#555555", linewidth=0.8)
    axes.set_xlim(0, n_cols)
    axes.set_ylim(n_rows, 0)
    axes.set_xticks([x + 0.5 for x in range(n_cols)], table.targets)
    axes.xaxis.tick_top()
    axes.set_yticks([y + 0.5 for y in range(n_rows)],
                    [f"{row.disease} (no subtype named)" if row.disease == root else row.disease
                     for row in table.rows])
    for label, row in zip(axes.get_yticklabels(), table.rows, strict=True):
        label.set_fontweight("bold" if row.header else "normal")
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, weight="bold")
    used = [level for level in LEVELS if any(c.best == level for c in table.cells.values())]
    figure.legend(handles=[Patch(facecolor=COLOURS[LEVELS.index(level)], label=level) for level in used],
                  title="best evidence level", loc="outside right upper", fontsize=8, title_fontsize=8,
                  frameon=False)
    figure.supxlabel(textwrap.fill(caption, width=int(15 * width)), x=0.01, ha="left", fontsize=7,
                     color="#333333")
    return figure


def write_matrix(store: Path, output: Path, disease: str = "autoimmune disease",
                 progress: Step = quiet) -> tuple[int, int]:
    """Draw the matrix of ``disease`` and its subtypes from the built store into ``output`` (atomic;
    the format from its suffix). Returns the (diseases, targets) drawn."""
    from kg.core.store import Store
    from kg.queries import get_question
    from kg.queries.answer import answer, resolve
    from kg.views.figures import built_on, picture_format, save

    fmt = picture_format(output, store)
    question = get_question("patients-by-disease-and-target")
    root = resolve(question, {"disease": disease}, store)["disease"]
    rows = answer(question, {"disease": root}, "embedded", store, progress)
    with Store(store) as db:
        name, build = db.node(root).name, db.build_id()
    if not rows:
        raise NotFound(f"no cell-therapy evidence in {name} or its subtypes: nothing to draw")
    table = matrix(rows)
    built = built_on(store)
    caption = (f"Each cell: distinct patients (each cohort counted once, however many reports describe it; "
               f"n/a where no report gives a count) and the number of reports, for the disease in its row "
               f"and the CAR/CAAR target in its column. Colour: the best evidence level among those reports. "
               f"Bold rows are diseases directly under {name} (and {name} itself, for reports that "
               f"name no subtype); the rows below a bold row, up to the next line, are its subtypes. "
               f"Drawn by `kg plot matrix` from the named question patients-by-disease-and-target, "
               f"store built {built} (build {build[:8]}).")
    title = f"Cell-therapy evidence in {name}: target \u00d7 disease"
    save(draw(table, name, title, caption), output, fmt, title, caption)
    return len(table.rows), len(table.targets)
