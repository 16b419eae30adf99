"""Export throughput: the streaming N-Triples writer beside rdflib's own ``Graph.serialize``.

    python benchmarks/export.py [--copies 35] [--repeats 3] [--workdir DIR]

Builds the curated graph and replicates it (kg.core.synthetic: every class and relationship type,
findings, cohorts, derived shortcuts; ids valid for every command) to about 1,000,000 triples,
then measures, each in processes of its own (so each peak RSS is its own):

* stream  — ``kg.export.rdf.export_rdf(store, file, "ntriples")``, what ``kg export rdf -f ntriples``
  runs, store to file, end to end, in a fresh process each time: a large store is rendered by
  worker processes taking turns (kg.export.ntriples_write). Its memory is the exporting process's peak
  and the largest worker's (``RUSAGE_CHILDREN``); the workers are forked, so most of their pages
  are the exporter's, shared;
* rdflib  — the same triples loaded into an ``rdflib.Graph`` (timed apart, once), then
  ``Graph.serialize(format="nt")`` to a file, ``--repeats`` times on that graph;
* stream at a quarter of the size, to show that its peak memory does not grow with the graph.

Each side runs ``--repeats`` times and the ratio is that of the medians.
The copies' identifiers are invented for the benchmark and are not facts.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from timing import child_json, children_peak_mb, cpu_seconds, median, peak_mb, reset_peak, spread


def make_store(path: Path, copies: int, source: Path) -> None:
    """``copies`` copies of the built curated graph (kg.core.synthetic: valid ids, same shape)."""
    from kg.core.synthetic import replicate

    replicate(source, path, copies)


def measure(kind: str, store_path: Path, out: Path, repeats: int) -> dict[str, Any]:
    """Run in a child process: export(s), their times and this process's peak RSS."""
    from kg.core.store import Store
    from kg.export.rdf import store_ntriples, to_graph

    with Store(store_path) as store:
        store.schema()
        if kind == "stream":
            import kg.export.rdf
            from kg.export.ntriples_write import parallel_workers

            kg.export.rdf.IriMinter(store.schema())  # load the Bioregistry before the clock starts
            reset_peak()
            before = peak_mb()
            start, cpu = time.perf_counter(), cpu_seconds()
            triples = kg.export.rdf.export_rdf(store_path, out, "ntriples")
            seconds, cpu_used = time.perf_counter() - start, cpu_seconds() - cpu
            out.unlink()
            worker_mb = children_peak_mb()  # the largest worker
            return {"triples": triples, "seconds": [seconds], "cpu_seconds": [cpu_used],
                    "parent_mb": peak_mb(), "worker_mb": worker_mb, "workers": parallel_workers(),
                    "baseline_mb": before}
        reset_peak()
        before = peak_mb()
        start = time.perf_counter()
        graph = to_graph(store_ntriples(store))
        load_seconds = time.perf_counter() - start
        times, cpu_times = [], []
        for _ in range(repeats):
            start, cpu = time.perf_counter(), time.process_time()
            graph.serialize(destination=str(out), format="nt", encoding="utf-8")
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu)
            out.unlink()
        return {"triples": len(graph), "seconds": times, "cpu_seconds": cpu_times, "load_seconds": load_seconds,
                "parent_mb": peak_mb(), "baseline_mb": before}


def _child(kind: str, store: Path, out: Path, repeats: int = 1) -> dict[str, Any]:
    return child_json([__file__, "--measure", kind, str(store), str(out), str(repeats)], f"{kind} run")


def _streams(store: Path, out: Path, repeats: int) -> dict[str, Any]:
    """``repeats`` stream runs, each in a fresh process, merged: times listed, memory at its peak."""
    runs = [_child("stream", store, out) for _ in range(repeats)]
    merged = dict(runs[0])
    for key in ("seconds", "cpu_seconds"):
        merged[key] = [run[key][0] for run in runs]
    for key in ("parent_mb", "worker_mb"):
        merged[key] = max(run[key] for run in runs)
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=35, help="copies of the curated graph (35 ≈ 1M triples)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each side; the ratio is of the medians")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--measure", nargs=4, metavar=("KIND", "STORE", "OUT", "REPEATS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, store, out, repeats = args.measure
        print(json.dumps(measure(kind, Path(store), Path(out), int(repeats))))
        return

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        from kg.core.build import build

        curated, big, small = work / "curated.sqlite", work / "big.sqlite", work / "small.sqlite"
        start = time.perf_counter()
        build(curated)
        make_store(big, args.copies, curated)
        make_store(small, max(1, args.copies // 4), curated)
        print(f"stores built in {time.perf_counter() - start:.1f}s ({args.copies} and {args.copies // 4} copies)")
        stream = _streams(big, work / "stream.nt", args.repeats)
        stream_small = _streams(small, work / "stream-small.nt", args.repeats)
        rdflib = _child("rdflib", big, work / "rdflib.nt", args.repeats)
        if stream["triples"] != rdflib["triples"]:
            raise SystemExit(f"triple counts differ: stream {stream['triples']}, rdflib {rdflib['triples']}")

    triples = stream["triples"]

    def rate(seconds: list[float]) -> float:
        return triples / median(seconds)

    def memory(run: dict[str, Any]) -> str:
        return f"exporter {run['parent_mb']:.0f} MB + {run['workers']} workers of at most {run['worker_mb']:.0f} MB"

    ratio = rate(stream["seconds"]) / rate(rdflib["seconds"])
    print(f"triples: {int(triples):,} (quarter-size run: {int(stream_small['triples']):,})")
    print(f"streaming N-Triples writer (store -> file, end to end): {rate(stream['seconds']):12,.0f} triples/s  "
          f"{spread(stream['seconds'])}; peak RSS {memory(stream)} (at start {stream['baseline_mb']:.0f} MB)")
    print(f"rdflib Graph.serialize(format='nt') (serialize only):  {rate(rdflib['seconds']):12,.0f} triples/s  "
          f"{spread(rdflib['seconds'])}; peak RSS {rdflib['parent_mb']:.0f} MB "
          f"(at start {rdflib['baseline_mb']:.0f} MB; building the Graph took a further {rdflib['load_seconds']:.2f}s)")
    end_to_end = triples / (median(rdflib["seconds"]) + rdflib["load_seconds"])
    print(f"ratio (stream / rdflib serialize, medians): {ratio:.1f}x   "
          f"(stream / rdflib store->Graph->file: {rate(stream['seconds']) / end_to_end:.1f}x)   target >= 10x")
    cpu_ratio = rate(stream["cpu_seconds"]) / rate(rdflib["cpu_seconds"])
    print(f"CPU time (all processes): stream {rate(stream['cpu_seconds']):,.0f} triples/s, rdflib "
          f"{rate(rdflib['cpu_seconds']):,.0f} triples/s, ratio {cpu_ratio:.1f}x")
    print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  "
          f"CPUs: {os.cpu_count()}")
    print(f"peak memory, full size: stream {memory(stream)}; rdflib {rdflib['parent_mb']:.0f} MB")
    print(f"peak memory, quarter size: stream {memory(stream_small)} "
          f"(growth to full size: exporter {stream['parent_mb'] - stream_small['parent_mb']:+.0f} MB, "
          f"worker {stream['worker_mb'] - stream_small['worker_mb']:+.0f} MB)")


if __name__ == "__main__":
    main()
