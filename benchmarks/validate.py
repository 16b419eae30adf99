"""`kg validate` with rudof (the default) beside pyshacl (the reference), in the same run.

    python benchmarks/validate.py [--copies 1 3] [--runs 3] [--workdir DIR]

Builds the curated graph and replicates it (kg.core.synthetic: valid ids, same shape; 3 copies is
about 100,000 triples), then times ``kg validate --engine rudof`` and ``--engine pyshacl`` as fresh
processes, interleaved, for each size, and reports the medians and their ratio. Then, at the largest
size, it corrupts the graph (a missing product, a wrong datatype, an extra name, a link to the
wrong class) and checks that both engines give the same results (focus node, path, constraint
component, severity). The copies' identifiers are invented for the benchmark and are not facts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from timing import interleaved, median, spread

V = "https://w3id.org/cellkg/vocab/"


def agree(store: Path) -> str:
    """Corrupt the store's graph in four ways; both engines' verdicts, compared."""
    from rdflib import Literal, URIRef

    from kg.core.store import Store
    from kg.export.rdf import IriMinter, store_graph
    from kg.export.shacl import validate_graph
    from kg.export.shacl_fast import validate_ntriples

    with Store(store) as s:
        schema, graph = s.schema(), store_graph(s)
    product = next(graph.subjects(URIRef(V + "hasModality"), None))
    evidence = next(graph.subjects(URIRef(V + "aboutProduct"), None))
    graph.remove((evidence, URIRef(V + "aboutProduct"), None))
    graph.set((evidence, URIRef(V + "patients"), Literal("ten")))
    graph.add((product, URIRef(V + "name"), Literal("a second name")))
    graph.add((product, URIRef(V + "targets"), evidence))
    curie = IriMinter(schema).curie
    start = time.perf_counter()
    reference = {r.verdict() for r in validate_graph(graph, schema, curie=curie).results}
    middle = time.perf_counter()
    fast = {r.verdict() for r in validate_ntriples(graph.serialize(format="nt"), schema, curie=curie).results}
    end = time.perf_counter()
    same = "the same" if fast == reference else f"DIFFERENT ({len(fast ^ reference)} differ)"
    return (f"{len(graph):,} triples, corrupted: {len(reference)} results from pyshacl ({middle - start:.1f}s), "
            f"{len(fast)} from rudof ({end - middle:.1f}s, from an rdflib graph): {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--runs", type=int, default=3, help="runs of each engine; the ratio is of the medians")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    kg = shutil.which("kg") or sys.exit("the `kg` command is not installed (pip install .)")
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        from kg.core.build import build
        from kg.core.synthetic import replicate

        work = Path(tmp)
        curated = work / "curated.sqlite"
        build(curated)
        stores = {}
        for n in args.copies:
            stores[n] = work / f"x{n}.sqlite"
            replicate(curated, stores[n], n)
        for n, store in stores.items():
            commands = {engine: [kg, "validate", "--store", str(store), "--engine", engine]
                        for engine in ("rudof", "pyshacl")}
            times = interleaved(commands, args.runs)
            ratio = median(times["pyshacl"]) / median(times["rudof"])
            print(f"{n} cop{'y' if n == 1 else 'ies'}: rudof {spread(times['rudof'])}; "
                  f"pyshacl {spread(times['pyshacl'])}; ratio (pyshacl / rudof) {ratio:.1f}x   target >= 10x")
        print("verdicts at", agree(stores[max(stores)]))


if __name__ == "__main__":
    main()
