"""CRS and ICANS by grade: one row per product, one panel per event, patients as stacked bars.

The counts come from kg.views.grades (patients once per cohort, from the named question
grades-by-cohort); this module only draws them. Each bar segment carries its event, product id,
category and count as its SVG id, so what is drawn can be checked against the graph.
`draw` imports matplotlib (never on the CLI's start-up path).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.core.steps import Step, quiet
from kg.errors import NotFound
from kg.views.grades import UNGRADED, UNREPORTED, UNSTATED, Safety, bounds, label, rank, safety, short

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

EVENTS = ("CRS", "ICANS")
#: Grade 0 (none) green, grades 1 to 5 from yellow to dark red; the unknowns grey and white.
GRADE_COLOURS = ("#74c476", "#fed976", "#fd8d3c", "#e31a1c", "#800026", "#3b0011")
OTHER_COLOURS = {UNGRADED: "#9e9ac8", UNSTATED: "#d9d9d9", UNREPORTED: "#ffffff"}


def style(key: str) -> dict[str, Any]:
    """Face, hatch and edge of a category: a range or a bound is hatched in its highest grade's colour."""
    if key in OTHER_COLOURS:
        edge = "#bdbdbd" if key == UNREPORTED else "white"
        return {"facecolor": OTHER_COLOURS[key], "edgecolor": edge, "linewidth": 0.6}
    low, high = bounds(key)
    face = GRADE_COLOURS[min(low, 5)]
    if low == high:
        return {"facecolor": face, "edgecolor": "white", "linewidth": 0.6}
    return {"facecolor": face, "edgecolor": "white", "linewidth": 0.6, "hatch": "////",
            "hatchcolor": GRADE_COLOURS[min(high, 5)]}


def _ink(key: str) -> str:
    return "white" if key not in OTHER_COLOURS and bounds(key)[0] >= 3 else "black"


def _panel(axes: Axes, table: Safety, event: str, title: str, xmax: float) -> None:
    from matplotlib.ticker import MaxNLocator

    for y, (pid, _) in enumerate(table.products):
        bar = table.bars[(event, pid)]
        left = 0
        for key, count in bar.counts.items():
            (patch,) = axes.barh(y, count, left=left, height=0.62, **style(key))
            patch.set_gid(f"{event} {pid} {key} {count}")
            if count >= 0.045 * xmax:
                axes.text(left + count / 2, y, str(count), ha="center", va="center", fontsize=7, color=_ink(key))
            left += count
        told = ", ".join(short(k) for k in bar.notes)
        severe = sum(n for k, n in bar.counts.items() if k not in OTHER_COLOURS and bounds(k)[0] >= 3)
        end = (str(bar.total) if bar.total else "no patient count") + (f" (grade \u22653: {severe})" if severe else "")
        end += f"   + {told} (no count)" if told else ""
        axes.text(bar.total + 0.012 * xmax, y, end, ha="left", va="center", fontsize=7, color="#333333")
    axes.set_xlim(0, xmax)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    pad = max(0.0, (3 - len(table.products)) / 2)  # a single product's bar is not drawn a page high
    axes.set_ylim(len(table.products) - 0.5 + pad, -0.5 - pad)
    axes.set_title(event, loc="left", fontsize=11, weight="bold")
    axes.set_title(title, loc="right", fontsize=8, color="#333333")
    axes.set_xlabel("patients", fontsize=8)
    axes.tick_params(axis="y", length=0)
    axes.tick_params(axis="x", labelsize=7)
    axes.grid(axis="x", color="#eeeeee", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def draw(table: Safety, titles: dict[str, str], title: str, caption: str) -> Figure:
    """One panel per event (``titles``: event -> its full name), the products down the side."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    n_rows = len(table.products)
    width = 15.0
    figure = Figure(figsize=(width, 3.4 + 0.34 * n_rows), layout="constrained")
    panels = figure.subplots(1, len(table.events), sharey=True, squeeze=False)[0]
    bars = [table.bars[(e, p)] for e in table.events for p, _ in table.products]
    xmax = 1.45 * max([b.total for b in bars] + [1])
    for axes, event in zip(panels, table.events, strict=True):
        _panel(axes, table, event, titles[event], xmax)
    panels[0].set_yticks(range(n_rows), [textwrap.shorten(name, 48, placeholder=" \u2026")
                                         for _, name in table.products], fontsize=8)
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, weight="bold")
    used = sorted({k for b in bars for k in b.counts}, key=rank)
    figure.legend(handles=[Patch(label=label(k), **style(k)) for k in used],
                  title="patients:", loc="outside right upper", fontsize=8, title_fontsize=8, alignment="left",
                  frameon=False)
    figure.supxlabel(textwrap.fill(caption, width=int(14 * width)), x=0.01, ha="left", fontsize=7,
                     color="#333333")
    return figure


def _caption(table: Safety, built: str, build: str) -> str:
    grading = ", ".join(table.grading) or "none named"
    return (f"Patients treated with each product (rows: products with a finding of {' or '.join(table.events)}), "
            f"by the grade of each event their sources report (grading: {grading}). Each cohort is counted once: "
            f"of several reports about the same patients, the one that gives the most of them a grade is drawn, "
            f"and a cohort inside a larger one that reports the event counts as the larger. Green: the source "
            f"says the event did not occur; hatched: grades the source gives only as a range (1\u20132), or only "
            f"as 'none of grade N or above' (0 to N-1); grey: patients of a report on the event whose grade it "
            f"does not give; white: patients of the product's cohorts whose reports never mention the event (not "
            f"an absence). Right of each bar: the patients drawn and those of grade 3 or above, then "
            f"'+ \u2026 (no count)' for what a report states without a patient count. Drawn by `kg plot safety` from the named question grades-by-cohort, store built {built} "
            f"(build {build[:8]}).")


def write_safety(store: Path, output: Path, product: str | None = None, progress: Step = quiet) -> tuple[int, int]:
    """Draw CRS and ICANS by grade from the built store into ``output`` (atomic; the format from its
    suffix), for every product with a finding of either, or only ``product``. Returns the (products,
    events) drawn."""
    from kg.core.store import Store
    from kg.queries import get_question
    from kg.queries.answer import answer, resolve
    from kg.views.figures import built_on, picture_format, save

    fmt = picture_format(output, store)
    question = get_question("grades-by-cohort")
    events = {e: resolve(question, {"event": e}, store)["event"] for e in EVENTS}
    chosen = None if product is None else resolve(get_question("safety-of-product"), {"product": product}, store)
    table = safety({e: answer(question, {"event": e}, "embedded", store, progress) for e in EVENTS})
    with Store(store) as db:
        titles = {e: db.node(i).name for e, i in events.items()}
        build = db.build_id()
        name = None if chosen is None else db.node(chosen["product"]).name
    if chosen is not None:
        table = Safety(table.events, tuple(p for p in table.products if p[0] == chosen["product"]),
                       table.bars, table.grading)
    if not table.products:
        raise NotFound(f"no {' or '.join(EVENTS)} finding for {name or 'any product'}: nothing to draw")
    caption = _caption(table, built_on(store), build)
    title = f"{' and '.join(EVENTS)} by grade" + (f" with {name}" if name else ": patients per product")
    figure = draw(table, {e: textwrap.shorten(t, 70, placeholder=" \u2026") for e, t in titles.items()},
                  title, caption)
    save(figure, output, fmt, title, caption)
    return len(table.products), len(table.events)
