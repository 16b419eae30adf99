"""Where the files that travel with the package live (ontology, curated data, question Cypher)."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def _package_dir(package: str) -> Path:
    return Path(str(files(package)))


def ontology_file() -> Path:
    return _package_dir("kg.ontology") / "cellkg.ttl"


def shapes_file() -> Path:
    return _package_dir("kg.ontology") / "shapes.ttl"


def curated_dir() -> Path:
    """The curated data: ``$CELLKG_DATA/curated`` if set, else the copy shipped with the package."""
    override = os.environ.get("CELLKG_DATA")
    return Path(override) / "curated" if override else _package_dir("kg.data") / "curated"


def data_dir() -> Path:
    override = os.environ.get("CELLKG_DATA")
    return Path(override) if override else _package_dir("kg.data")


def default_store() -> Path:
    """``$CELLKG_STORE``, else ``$XDG_DATA_HOME/cellkg/cellkg.sqlite`` (~/.local/share/cellkg)."""
    override = os.environ.get("CELLKG_STORE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cellkg" / "cellkg.sqlite"


def fetched_dir(store: Path) -> Path:
    """Where `kg fetch` saves live records for the build of ``store``: beside it, never inside the
    installed package (``~/.local/share/cellkg/fetched/clinicaltrials/``)."""
    return store.parent / "fetched"
