"""Graph backends behind one seam (kg.backends.base.GraphBackend), imported only when used.

One exact name per backend: ``embedded`` (the default: an embedded graph engine derived from the
built store) and ``neo4j`` (a real server over Bolt).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kg.errors import BackendUnavailable, UsageError

if TYPE_CHECKING:
    from kg.backends.base import GraphBackend

BACKENDS: dict[str, str] = {
    "embedded": "kg.backends.embedded:EmbeddedBackend",
    "neo4j": "kg.backends.neo4j:Neo4jBackend",
}


def open_backend(name: str, **options: Any) -> GraphBackend:
    """Import and open the backend registered as ``name``."""
    try:
        target = BACKENDS[name]
    except KeyError:
        raise UsageError(f"unknown backend '{name}' (choose from: {', '.join(BACKENDS)})") from None
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == "neo4j":
            raise BackendUnavailable("the neo4j driver is not installed: pip install 'cellkg[neo4j]'") from None
        raise
    backend: GraphBackend = getattr(module, class_name)(**options)
    return backend
