"""N-Quads and TriG: the export with a named graph per source, beside the reified statements.

OWL tools drop ``rdf:Statement`` reification, and with it which source said what. Here every
record's triples (a node's, or a relationship's direct triple together with its statement) sit in
the named graph of the record's source, ``<base>graph/<source CURIE>`` (an http(s) source: its
digest), so a quad store keeps the provenance whatever it makes of reification. The default graph
holds the ontology header, one ``dcterms:source`` line per named graph (which source it is) and the
dataset's description, whose counts are the file's quads. Records without a source (relationships
the build derives from several reports) stay in the default graph.

The rendering is N-Triples' (kg.export.ntriples_fast), one record at a time: in its text every raw
line feed ends a triple (literals escape theirs), so ``" .\\n"`` is where the graph name goes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from kg.export.iri import SOURCE
from kg.export.ntriples_rows import BATCH, WHOLE, connect, describe, maker_for, piece_query

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Dataset

#: Where the provenance source sits in a store row of each table.
_SOURCE_AT = {"nodes": 3, "edges": 4}


def graph_iri(base: str, source: str) -> str:
    """The named graph of a source: its CURIE under ``<base>graph/``, or a digest of a URL."""
    if source.startswith(("http://", "https://")):
        return f"{base}graph/url-{hashlib.blake2b(source.encode(), digest_size=12).hexdigest()}"
    return f"{base}graph/{source}"


def store_nquads(store: Any, base: str | None = None, batch: int = BATCH) -> Iterator[str]:
    """The whole store as N-Quads blocks (see the module docstring); memory stays flat."""
    maker = maker_for(store, base)
    header = maker.header()
    yield header
    count = header.count("\n")
    graphs: dict[str, tuple[str, str]] = {}  # source -> (graph term, source term)
    db = connect(store.path)
    try:
        for piece in WHOLE:
            render = maker.node_rows if piece[0] == "nodes" else maker.edge_rows
            at = _SOURCE_AT[piece[0]]
            rows = db.execute(*piece_query(piece))
            while chunk := list(islice(rows, batch)):
                parts = []
                for row in chunk:
                    text, triples = render((row,))
                    count += triples
                    source = row[at]
                    if source and row[at + 1] is not None:  # provenance is written only with a loader
                        found = graphs.get(source)
                        if found is None:  # the source's IRI first: it raises the error that names the record
                            iri = maker.minter.reference(source, row[0])
                            found = graphs[source] = (f"<{graph_iri(maker.minter.base, source)}>", f"<{iri}>")
                        text = text.replace(" .\n", f" {found[0]} .\n")
                    parts.append(text)
                yield "".join(parts)
    finally:
        db.close()
    named = "".join(f"{g} <{SOURCE}> {s} .\n" for g, s in sorted(graphs.values()))
    yield named
    yield describe(maker, store, count + len(graphs))


def trig_text(dataset: Dataset) -> str:
    """TriG of a dataset (rdflib's serializer, which calls Dataset's own deprecated methods)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Dataset\.\w+ is deprecated", DeprecationWarning)
        return dataset.serialize(format="trig")


def store_dataset(store: Any, base: str | None = None) -> Dataset:
    """An rdflib Dataset of the quads (for TriG), with the export's prefixes bound."""
    import warnings

    from rdflib import Dataset

    from kg.export.context import namespaces

    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib 7's N-Quads parser calls Dataset's own deprecated methods
        warnings.filterwarnings("ignore", r"Dataset\.\w+ is deprecated", DeprecationWarning)
        dataset.parse(data="".join(store_nquads(store, base)), format="nquads")
    for name, namespace in namespaces(store.schema(), base).items():
        dataset.bind(name, namespace, replace=True)
    return dataset
