"""Writing files without losing any: temporaries that a later run can recognise and remove, and the
check that an output never lands on the store it is made from.

Every temporary file or folder cellkg writes is named ``.cellkg-<pid>-<random>.tmp`` beside its
target, so a killed build or export leaves something that the next one can tell apart from a
user's files and remove once its process is gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import ExportError, UsageError


def temporary_file(folder: Path) -> str:
    """Create an empty temporary file in ``folder`` (removing stale ones first); return its name."""
    remove_stale_temporaries(folder)
    fd, name = tempfile.mkstemp(prefix=_prefix(), suffix=".tmp", dir=folder)
    os.close(fd)
    return name


@contextmanager
def replacing(path: Path) -> Iterator[str]:
    """A temporary file beside ``path`` for the block to write; it replaces ``path`` when the block
    ends and is removed if the block fails, so ``path`` is whole or untouched."""
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a directory")
    try:
        tmp = temporary_file(path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def temporary_folder(folder: Path) -> Path:
    remove_stale_temporaries(folder)
    return Path(tempfile.mkdtemp(prefix=_prefix(), suffix=".tmp", dir=folder))


def _prefix() -> str:
    return f".cellkg-{os.getpid()}-"


def remove_stale_temporaries(folder: Path) -> None:
    """Remove temporaries that a killed `kg build` or `kg export` left (their process is gone)."""
    for tmp in folder.glob(".cellkg-*.tmp*"):  # *.tmp.wal: the embedded engine's journal
        pid = tmp.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            if tmp.is_dir() and not tmp.is_symlink():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def refuse_overwriting(output: Path, store: Path, what: str = "output") -> None:
    """Refuse an output that is the store, or its derived engine file: writing it would destroy the graph."""
    if not output.exists():
        return
    protected = [store, *store.parent.glob(f"{store.stem}.*.lbug")] if store.exists() else []
    for path in protected:
        if output.samefile(path):
            raise ExportError(f"refused: the {what} {output} is the store {store}; choose another file")


def check_output(output: Path, store: Path, suffixes: tuple[str, ...], what: str) -> None:
    """Before any work: ``output`` is not the store, ends in one of ``suffixes`` (a usage error
    otherwise) and lies in a folder that exists."""
    refuse_overwriting(output, store, what)
    if output.suffix.lower() not in suffixes:
        raise UsageError(f"cannot write the {what} {output}: give a file ending in {', '.join(suffixes)}")
    if not output.parent.is_dir():
        raise ExportError(f"cannot write {output}: no folder {output.parent}")
