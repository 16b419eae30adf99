"""Writing matplotlib pictures the same way everywhere: the format from the suffix, checked before
anything is drawn; title and caption inside the file; the same store gives the same bytes.

SVG keeps its text as text (searchable, smaller) and its element ids do not change between runs;
no creation time is written.
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


def _stable() -> AbstractContextManager[None]:
    """The settings under which every picture is saved."""
    from matplotlib import rc_context

    return rc_context({"svg.fonttype": "none", "svg.hashsalt": "cellkg"})


def picture_format(output: Path, store: Path) -> str:
    """The format ``output`` asks for; refuses the store, an unknown suffix and a missing folder."""
    from kg.core.files import check_output

    check_output(output, store, tuple(FORMATS), "picture")
    return FORMATS[output.suffix.lower()]


def built_on(store: Path) -> str:
    """The day the store was written (UTC), for captions."""
    return datetime.fromtimestamp(store.stat().st_mtime, UTC).date().isoformat()


def _metadata(fmt: str, title: str, caption: str) -> dict[str, Any]:
    by_format: dict[str, dict[str, Any]] = {
        "svg": {"Date": None, "Title": title, "Description": caption},
        "pdf": {"CreationDate": None, "Title": title, "Subject": caption},
        "png": {"Title": title, "Description": caption},
    }
    return by_format[fmt]


def save(figure: Figure, output: Path, fmt: str, title: str, caption: str) -> None:
    """Write the figure atomically, with its title and caption (naming the store's build) inside."""
    from kg.core.files import replacing

    with replacing(output) as tmp, _stable():
        figure.savefig(tmp, format=fmt, metadata=_metadata(fmt, title, caption), dpi=200)


def svg_element(figure: Figure, title: str) -> str:
    """The figure as an inline <svg> element for a page (no XML prolog, no metadata block)."""
    import re

    buffer = io.StringIO()
    with _stable():
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": title})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
