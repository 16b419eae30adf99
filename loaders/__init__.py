"""Loaders: one module per source. Each has ``SOURCE``, a pure ``parse_*`` step and a thin ``load``.

The registry maps a source name to its module; ``kg build`` runs every loader whose input exists.
See loaders/README.md for how to add a source.
"""

from __future__ import annotations

LOADERS: dict[str, str] = {
    "curated": "kg.loaders.curated",
    "clinicaltrials": "kg.loaders.clinicaltrials",
}
