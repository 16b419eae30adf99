"""How long work tells its caller what it is doing: a callable given one short line per step.

Library code says what it does; only the command line decides whether and how to show it
(kg.cli.progress: a spinner on a terminal, nothing when piped).
"""

from __future__ import annotations

from collections.abc import Callable

Step = Callable[[str], None]


def quiet(what: str) -> None:
    """Say nothing: the default for callers that show no progress."""
