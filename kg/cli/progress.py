"""Progress of long commands on a terminal: a spinner, the current step and the time spent.

Shown on standard error only when it is a terminal, and cleared when the command ends, so piped
output and logs see nothing of it. The display starts at the first step, so work that turns out
to have nothing to do (an engine file already derived) draws nothing and imports no rich.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from kg.core.steps import Step, quiet


@contextmanager
def showing(title: str, *, enabled: bool = True) -> Iterator[Step]:
    """Yield a Step that shows ``title: <step>`` while the block runs (``enabled=False``: quiet)."""
    if not (enabled and sys.stderr.isatty()):
        yield quiet
        return
    with ExitStack() as stack:
        shown: list[tuple[Any, Any]] = []  # (rich Progress, task), once the first step arrives

        def step(what: str) -> None:
            if not shown:
                from rich.console import Console
                from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

                bar = stack.enter_context(Progress(
                    SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False))
                shown.append((bar, bar.add_task(title, total=None)))
            bar, task = shown[0]
            bar.update(task, description=f"{title}: {what}")
            bar.refresh()  # every step is drawn, however short; steps are few (per file, chunk or page)

        yield step
