"""RDF export: Turtle, JSON-LD and N-Triples files of the built store, and the rdflib graph that
SHACL validation reads.

The work is split in modules, each readable on its own:

* kg.export.iri      — the IRI policy (Bioregistry prefixes, ``$CELLKG_BASE_IRI``), IriMinter, and how
                literals are spelled and escaped in N-Triples;
* kg.export.ntriples — the streaming N-Triples writer over the store's rows (NTriples, store_ntriples,
                ...), and kg.export.ntriples_write, which writes a store by one process or several
                (write_store_ntriples);
* kg.export.context  — the prefixes every RDF file binds (namespaces) and the JSON-LD @context
                generated from the ontology, which the JSON-LD file embeds;
* kg.export.rdf      — this module: rdflib parsing of that text (to_graph, store_graph), atomic file
                writing and export_rdf.

Every public name of those modules that callers used from kg.export.rdf is re-exported here, so
``from kg.export.rdf import IriMinter`` and friends keep working. rdflib is imported inside functions only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.core.owl import VOCAB
from kg.core.schema import Schema
from kg.core.steps import Step, quiet
from kg.errors import ExportError, UsageError
from kg.export.context import PREFIXES, jsonld_context, namespaces
from kg.export.iri import (
    BASE_ENV,
    DCTERMS,
    DEFAULT_BASE,
    DERIVED_FROM,
    LOADER,
    LOCAL_PREFIX,
    LOCATION,
    OWL,
    PROV,
    RDF,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_STATEMENT,
    RDF_SUBJECT,
    RDF_TYPE,
    RDFS,
    RDFS_LABEL,
    SOURCE,
    URI_PREFIX_PRIORITY,
    XSD,
    IriMinter,
    base_iri,
    bioregistry_uri_prefix,
    build_converter,
    nt_literal,
    nt_string,
)
from kg.export.ntriples import NTriples
from kg.export.ntriples_rows import BATCH, FLUSH_CHARS, reference_ntriples, store_ntriples, write_ntriples
from kg.export.ntriples_write import write_store_ntriples

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

__all__ = [
    "BASE_ENV", "BATCH", "DCTERMS", "DEFAULT_BASE", "DERIVED_FROM", "FLUSH_CHARS", "FORMATS", "LOADER",
    "LOCAL_PREFIX", "LOCATION", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "RDFS_LABEL", "RDF_OBJECT",
    "RDF_PREDICATE", "RDF_STATEMENT", "RDF_SUBJECT", "RDF_TYPE", "SOURCE", "URI_PREFIX_PRIORITY", "VOCAB",
    "XSD", "ExportError", "IriMinter", "NTriples", "Schema", "atomic_write", "base_iri",
    "bioregistry_uri_prefix", "build_converter", "export_rdf", "nt_literal", "nt_string",
    "reference_ntriples", "store_graph", "store_ntriples", "to_graph", "write_ntriples",
    "write_store_ntriples",
]

#: Format name -> rdflib's. N-Triples and N-Quads are streamed; the others go through rdflib.
FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "nquads": "nquads", "trig": "trig"}


# ---------------------------------------------------------------- rdflib (Turtle, JSON-LD, SHACL)

def to_graph(blocks: Iterable[str], schema: Schema | None = None, base: str | None = None,
             chunk: int = 2048) -> Graph:
    """An rdflib Graph of N-Triples blocks (parsed by rdflib itself), with prefixes bound."""
    from rdflib import Graph

    graph = Graph(bind_namespaces="core")
    buffer: list[str] = []
    size = 0
    for block in blocks:
        buffer.append(block)
        size += len(block)
        if len(buffer) >= chunk or size >= FLUSH_CHARS:
            graph.parse(data="".join(buffer), format="nt")
            buffer.clear()
            size = 0
    if buffer:
        graph.parse(data="".join(buffer), format="nt")
    for name, ns in (namespaces(schema, base) if schema is not None else PREFIXES).items():
        graph.bind(name, ns, replace=True)
    return graph


def store_graph(store: Any, base: str | None = None) -> Graph:
    return to_graph(store_ntriples(store, base), store.schema(), base)


# ---------------------------------------------------------------- writing files


def atomic_write(output: str | Path, write: Callable[[IO[str]], Any]) -> None:
    """Write through ``write(handle)``: ``-`` is standard output; a file appears whole or not at all."""
    from kg.core.files import replacing

    if str(output) == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return
    with replacing(Path(output)) as tmp_name, open(tmp_name, "w", encoding="utf-8", newline="\n") as handle:
        write(handle)


def stable_jsonld(text: str) -> str:
    """JSON-LD whose bytes depend on the graph alone: rdflib lists nodes and values in set order,
    which changes with Python's hash seed, so both are sorted (an ``@list`` keeps its order), and
    so are the keys of every object, the embedded ``@context`` included."""
    import json

    def tidy(value: Any, ordered: bool = False) -> Any:
        if isinstance(value, dict):
            return {key: tidy(item, key == "@list") for key, item in sorted(value.items())}
        if isinstance(value, list):
            items = [tidy(item) for item in value]
            return items if ordered else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return value

    return json.dumps(tidy(json.loads(text)), indent=2, ensure_ascii=False) + "\n"


def export_rdf(store_path: Path, output: str | Path, fmt: str = "turtle", base: str | None = None,
               progress: Step = quiet) -> int:
    """Export a built store as Turtle, N-Triples (streamed), JSON-LD, N-Quads (streamed) or TriG (a
    named graph per source: kg.export.quads); returns the triple (or quad) count."""
    from kg.core.files import refuse_overwriting
    from kg.core.store import Store

    if fmt not in FORMATS:
        raise UsageError(f"unknown RDF format '{fmt}' (choose from: {', '.join(FORMATS)})")
    if str(output) != "-":
        refuse_overwriting(Path(output), store_path)
    count = 0
    with Store(store_path) as store:
        if fmt == "ntriples":
            def write(handle: IO[str]) -> None:
                nonlocal count
                # A large store is rendered by several processes taking turns (kg.export.ntriples_write).
                count = write_store_ntriples(store, handle, base)
        elif fmt == "nquads":
            from kg.export.quads import store_nquads

            def write(handle: IO[str]) -> None:
                nonlocal count
                count = write_ntriples(store_nquads(store, base), handle)
        elif fmt == "trig":
            from kg.export.quads import store_dataset, trig_text

            progress("reading the store as named graphs")
            dataset = store_dataset(store, base)
            count = sum(1 for _ in dataset.quads())

            def write(handle: IO[str]) -> None:
                progress(f"writing {count:,} quads as TriG")
                handle.write(trig_text(dataset))
        else:
            progress("reading the store as RDF")
            graph = store_graph(store, base)  # errors surface before any file is opened
            count = len(graph)
            context = jsonld_context(store.schema(), base) if fmt == "jsonld" else None

            def write(handle: IO[str]) -> None:
                progress(f"writing {count:,} triples as {fmt}")
                if context is None:
                    handle.write(graph.serialize(format=FORMATS[fmt]))
                else:  # compacted with the ontology's context, embedded so that the file reads offline
                    handle.write(stable_jsonld(graph.serialize(format="json-ld", context=context)))
        atomic_write(output, write)
    return count
