"""Embedded graph engines compared on cellkg's own questions and data: the choice behind the
embedded default (docs/architecture.md).

    pip install kuzu   # the engine to compare beside LadybugDB (ladybug is a dependency already)
    python benchmarks/engines.py [--engines ladybug kuzu] [--copies 1 100] [--runs 5]

For each engine and size (copies of the curated graph, kg.core.synthetic), in fresh processes:

* coverage: how many of the named questions run, and how many give exactly LadybugDB's rows
  (which tests/test_neo4j.py holds equal to Neo4j's);
* cold: one `kg ask`-like run (import the engine, open the file, one question), wall seconds and
  peak RSS, beside bare `python -c pass`;
* warm: the median latency of every question, run again in the same process.

Both engines are Kùzu's code line (LadybugDB is its maintained fork); they share one Python API, so
one derive step (kg.backends.embedded) writes both.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from timing import child_json, median, timed

CHILD = r"""
import json, resource, statistics, sys, time
engine, store, mode, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.perf_counter()
if engine != "ladybug":
    sys.modules["ladybug"] = __import__(engine)  # the same API: kg's derive and backend work unchanged
from pathlib import Path
from kg.backends import embedded
from kg.queries import all_questions, get_question
from kg.queries.answer import resolve
store = Path(store)
if mode == "derive":
    embedded.derive(store)
    print(json.dumps({"seconds": time.perf_counter() - start}))
    sys.exit()
backend = embedded.EmbeddedBackend(store)
examples = {"target": "BCMA", "disease": "autoimmune disease", "product": "eque-cel", "event": "ICANS",
            "therapy": "rituximab", "modality": "CAR-NK"}
questions = [get_question("antibody-mediated-diseases-for-target")] if mode == "cold" else all_questions()
result = {}
for q in questions:
    params = resolve(q, {p.name: examples[p.name] for p in q.params}, store)
    try:
        rows = backend.ask(q, params)  # plain values, as `kg ask` prints them
    except Exception as exc:
        result[q.name] = {"error": str(exc)[:200]}
        continue
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        backend.ask(q, params)
        times.append(time.perf_counter() - t)
    result[q.name] = {"rows": sorted(json.dumps(r, sort_keys=True, default=str) for r in rows),
                      "warm": statistics.median(times) if times else None}
result["_wall"] = time.perf_counter() - start
result["_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", nargs="+", default=["ladybug", "kuzu"])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from kg.core.build import build
    from kg.core.synthetic import replicate

    report: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "curated.sqlite"
        build(base)
        for n in args.copies:
            for engine in args.engines:
                store = Path(tmp) / engine / f"x{n}.sqlite"  # one folder per engine: each derives its own file
                store.parent.mkdir(exist_ok=True)
                replicate(base, store, n)
                derive = child_json(["-c", CHILD, engine, str(store), "derive", "0"], f"{engine} derive")
                cold = [child_json(["-c", CHILD, engine, str(store), "cold", "0"], f"{engine} cold")
                        for _ in range(args.runs)]
                warm = child_json(["-c", CHILD, engine, str(store), "warm", str(args.runs)], f"{engine} warm")
                bare = [timed([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
                report[(engine, n)] = {"derive": derive["seconds"], "cold": median([c["_wall"] for c in cold]),
                                       "cold_mb": max(c["_peak_mb"] for c in cold), "bare": median(bare),
                                       "questions": {k: v for k, v in warm.items() if not k.startswith("_")},
                                       "warm_mb": warm["_peak_mb"]}
    reference = {n: report[(args.engines[0], n)]["questions"] for n in args.copies}
    print(f"{'engine':10} {'size':>5} {'run':>5} {'same':>5} {'derive s':>9} {'cold s':>7} {'cold MB':>8} "
          f"{'warm median s':>14} {'warm max s':>11} {'warm MB':>8}")
    for (engine, n), r in report.items():
        qs = r["questions"]
        ran = [k for k, v in qs.items() if "rows" in v]
        same = [k for k in ran if "rows" in reference[n].get(k, {}) and qs[k]["rows"] == reference[n][k]["rows"]]
        warm = [qs[k]["warm"] for k in ran]
        print(f"{engine:10} {n:>4}x {len(ran):>2}/{len(qs):<2} {len(same):>5} {r['derive']:9.1f} {r['cold']:7.3f} "
              f"{r['cold_mb']:8.0f} {median(warm):14.4f} {max(warm):11.4f} {r['warm_mb']:8.0f}")
        for k, v in qs.items():
            if "error" in v:
                print(f"    {k}: {v['error']}")
            elif k not in same:
                print(f"    {k}: {len(v['rows'])} rows, not {args.engines[0]}'s {len(reference[n][k].get('rows', []))}")
    print("bare python -c pass:", f"{median([r['bare'] for r in report.values()]):.3f} s;",
          json.dumps({"engines": args.engines, "copies": args.copies}))


if __name__ == "__main__":
    main()
