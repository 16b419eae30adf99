"""Neo4j load throughput: the batched loader against a naive one-statement-per-row baseline.

    NEO4J_PASSWORD=... python benchmarks/neo4j_load.py [--copies 140] [--naive-fraction 0.1]

Needs a running Neo4j 5 (NEO4J_URI, default bolt://127.0.0.1:7687; e.g. scripts/neo4j-local start).
WARNING: it empties the target database. The graph is the curated one replicated ``--copies``
times (kg.core.synthetic), so it has the curated graph's shape; at 140 copies it holds ~108,000
relationships. "batched" is `kg load --commit-every-batch` (batches of 2,000 rows, each its own
transaction): the default one-transaction load needs the whole graph in the server's transaction
memory, so it is measured at the quarter size only. Each load runs in its own process so its peak memory (max RSS) is its own. The
naive baseline (one auto-commit MERGE per node and per relationship, same Cypher, same
constraints) loads a ``--naive-fraction`` replica of the same shape; rates (rows per second) are
compared, since its per-row cost hardly depends on the graph's size. Memory flatness: the batched load also runs on a
quarter-size graph, and the two peaks are compared.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from timing import child_json

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, store = sys.argv[1], Path(sys.argv[2])
from kg.backends.neo4j import Neo4jBackend
from kg.backends import neo4j_statements as st
from kg.core.store import Store
backend = Neo4jBackend()
with backend._driver.session() as s:
    s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
start = time.perf_counter()
if mode in ("batched", "atomic"):
    nodes, rels = backend.load(store, atomic=(mode == "atomic"))
else:
    # naive: one auto-commit transaction per row, with the same Cypher and constraints as the batched load
    with Store(store) as db, backend._driver.session() as s:
        schema, build = db.schema(), db.build_id()
        for statement in st.constraints(schema):
            s.run(statement).consume()
        start = time.perf_counter()
        nodes = rels = 0
        for batch in st.node_batches(schema, db.nodes_by_label(), build, 1):
            s.run(batch.statement, rows=batch.rows).consume()
            nodes += 1
        for batch in st.edge_batches(db.edges_with_labels(), build, 1):
            s.run(batch.statement, rows=batch.rows).consume()
            rels += 1
elapsed = time.perf_counter() - start
backend.close()
print(json.dumps({"nodes": nodes, "rels": rels, "seconds": elapsed,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(mode: str, store: Path) -> dict[str, Any]:
    return child_json(["-c", CHILD, mode, str(store)], f"{mode} load")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=140)
    parser.add_argument("--naive-fraction", type=float, default=0.1)
    args = parser.parse_args()
    from kg.core.build import build
    from kg.core.synthetic import replicate

    with tempfile.TemporaryDirectory() as tmp:
        curated, big, small, sample = (Path(tmp) / f"{n}.sqlite" for n in ("curated", "big", "small", "sample"))
        build(curated)
        nodes, rels = replicate(curated, big, args.copies)
        replicate(curated, small, max(1, args.copies // 4))
        replicate(curated, sample, max(1, round(args.copies * args.naive_fraction)))
        print(f"graph: {nodes} nodes, {rels} relationships ({args.copies} copies of the curated graph)")
        run("batched", small)  # warm-up: the server plans and JIT-compiles the statements once
        batched = run("batched", big)
        batched_small = run("batched", small)
        atomic_small = run("atomic", small)
        naive = run("naive", sample)
    for name, r in (("batched", batched), ("batched (1/4 size)", batched_small),
                    ("atomic (1/4 size)", atomic_small), ("naive (1 row/tx)", naive)):
        print(f"{name:20} {r['nodes']:>8} nodes {r['rels']:>8} rels {r['seconds']:8.1f} s "
              f"{r['nodes'] / r['seconds']:10.0f} nodes/s {r['rels'] / r['seconds']:10.0f} rels/s "
              f"peak {r['peak_mb']:.0f} MB")
    ratio = (batched["rels"] / batched["seconds"]) / (naive["rels"] / naive["seconds"])
    print(f"batched / naive relationships per second: {ratio:.1f}x (target >= 20x)")
    print(f"loader peak memory: {batched_small['peak_mb']:.0f} MB at 1/4 size, {batched['peak_mb']:.0f} MB at full size")


if __name__ == "__main__":
    main()
