"""Export throughput: the streaming N-Triples writer beside rdflib's own ``Graph.serialize``.

    python benchmarks/export.py [--units 2700] [--repeats 3] [--workdir DIR]

Builds a synthetic store with the shape of tests/data/curated/graph.yaml (every class, every
relationship type, reified outcome properties, derived shortcuts), scaled to about 1,000,000
triples, then measures, each in processes of its own (so each peak RSS is its own):

* stream  — ``kg.export.rdf.export_rdf(store, file, "ntriples")``, what ``kg export rdf -f ntriples``
  runs, store to file, end to end, in a fresh process each time: a large store is rendered by
  worker processes taking turns (kg.export.ntriples_write). Its memory is the exporting process's peak
  and the largest worker's (``RUSAGE_CHILDREN``); the workers are forked, so most of their pages
  are the exporter's, shared;
* rdflib  — the same triples loaded into an ``rdflib.Graph`` (timed apart, once), then
  ``Graph.serialize(format="nt")`` to a file, ``--repeats`` times on that graph;
* stream at a quarter of the size, to show that its peak memory does not grow with the graph.

Each side runs ``--repeats`` times and the ratio is that of the medians.
Identifiers are invented for the benchmark and are not facts.
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

TRIPLES_PER_UNIT_HINT = 396


def synthetic(units: int) -> tuple[list, list]:  # type: ignore[type-arg]
    """Nodes and edges: ``units`` copies of the test graph's shape, with distinct identifiers."""
    from kg.core.model import Edge, Node, Provenance

    nodes: list[Node] = []
    edges: list[Edge] = []
    line = 0

    def prov(source: str | None) -> Provenance:
        nonlocal line
        line += 1
        return Provenance(source, "curated", file="curated/graph.yaml", line=line)

    def node(id_: str, label: str, source: str | None = None, **props: object) -> str:
        nodes.append(Node(id_, label, props, prov(source)))
        return id_

    def edge(s: str, p: str, o: str, source: str | None = None, **props: object) -> None:
        edges.append(Edge(s, p, o, props, prov(source)))

    modality = node("cellkg:modality-auto", "Modality", name="autologous CAR-T")
    for u in range(units):
        pm1 = node(f"pubmed:{10_000_000 + 2 * u}", "Source", title=f"Case report {u}", kind="journal-article", year=2024)
        pm2 = node(f"pubmed:{10_000_001 + 2 * u}", "Source", title=f"Case series {u}", kind="journal-article",
                   year=2023)
        press = node(f"cellkg:src-press-{u}", "Source", title=f"Press release \"{u}\"", kind="press-release",
                     year=2025, url=f"https://example.org/press/{u}")
        bcma = node(f"cellkg:target-bcma-{u}", "Target", name=f"BCMA {u}", synonyms=["TNFRSF17"])
        cd19 = node(f"cellkg:target-cd19-{u}", "Target", name=f"CD19 {u}")
        crs = node(f"cellkg:outcome-crs-{u}", "AdverseEvent", name="cytokine release syndrome", abbreviation="CRS",
                   synonyms=["CRS"], safety=True, grading="ASTCT")
        icans = node(f"cellkg:outcome-icans-{u}", "AdverseEvent", name="neurotoxicity", abbreviation="ICANS",
                     safety=True)
        remission = node(f"cellkg:outcome-remission-{u}", "Outcome", name="remission")
        org = node(f"cellkg:org-{u}", "Organization", name=f"Maker Bio {u}", kind="company")
        prods = [node(f"cellkg:prod-{u}-{k}", "Product", pm1, name=f"product {u}-{k}", synonyms=[f"P-{u}{k}", "Brand"])
                 for k in range(3)]
        d1 = node(f"MONDO:{1_000_000 + 3 * u:07d}", "Disease", pm1, name=f"myopathy {u}", antibody_mediated=True)
        d2 = node(f"MONDO:{1_000_001 + 3 * u:07d}", "Disease", pm1, name=f"necrotising myopathy {u}",
                  synonyms=["NM"], antibody_mediated=True)
        d3 = node(f"MONDO:{1_000_002 + 3 * u:07d}", "Disease", pm2, name=f"lupus {u}", antibody_mediated=False)
        mab = node(f"cellkg:therapy-mab-{u}", "Therapy", name="monoclonal antibody class")
        rtx = node(f"cellkg:therapy-rtx-{u}", "Therapy", name="rituximab-like")
        steroid = node(f"cellkg:therapy-steroid-{u}", "Therapy", name="steroid")
        study = node(f"clinicaltrials:NCT{90_000_000 + u:08d}", "Study", f"clinicaltrials:NCT{90_000_000 + u:08d}",
                     name=f"Trial {u}", phase="phase-1")
        edge(d2, "IS_A", d1, pm1)
        edge(rtx, "IS_A", mab)
        edge(prods[0], "TARGETS", bcma, pm1)
        edge(prods[1], "TARGETS", cd19, pm2)
        edge(prods[2], "TARGETS", bcma, press)
        edge(prods[2], "TARGETS", cd19, press)
        edge(prods[0], "HAS_MODALITY", modality, pm1)
        edge(prods[1], "HAS_MODALITY", modality, pm2)
        edge(prods[0], "DEVELOPED_BY", org, pm1)
        edge(study, "STUDIES_PRODUCT", prods[1], study)
        edge(study, "STUDIES_CONDITION", d3, study)
        evidence = [
            (prods[0], d2, pm1, "case-report", 1, 18, [rtx, steroid],
             [(crs, {"present": True, "grade": 1}), (icans, {"present": False}), (remission, {"present": True})]),
            (prods[1], d3, pm2, "case-series", 5, 12.5, [steroid],
             [(crs, {"present": True, "grade": 1, "max_grade": 2, "patients": 4})]),
            (prods[2], d1, press, "press-release", 2, None, [], []),
        ]
        for k, (prod, disease, src, level, patients, follow_up, priors, outcomes) in enumerate(evidence):
            ev = node(f"cellkg:ev-{u}-{k}", "Evidence", src, level=level, patients=patients,
                      follow_up_months=follow_up)
            edge(ev, "ABOUT_PRODUCT", prod, src)
            edge(ev, "IN_DISEASE", disease, src)
            edge(ev, "REPORTED_IN", src, src)
            for therapy in priors:
                edge(ev, "HAS_PRIOR_THERAPY", therapy, src)
            for outcome, props in outcomes:
                edge(ev, "REPORTED_OUTCOME", outcome, src, **props)
            edges.append(Edge(prod, "HAS_EVIDENCE_IN", disease, {"evidence": [ev]}, Provenance(None, "derived")))
    return nodes, edges


def make_store(path: Path, units: int) -> None:
    from kg.core import resources
    from kg.core.owl import load_schema
    from kg.core.store import write_store

    nodes, edges = synthetic(units)
    write_store(path, load_schema(resources.ontology_file()), nodes, edges)


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
    parser.add_argument("--units", type=int, default=2700, help="copies of the test graph's shape (2700 ≈ 1.06M triples)")
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
        big, small = work / "big.sqlite", work / "small.sqlite"
        start = time.perf_counter()
        make_store(big, args.units)
        make_store(small, max(1, args.units // 4))
        print(f"synthetic stores built in {time.perf_counter() - start:.1f}s ({args.units} and {args.units // 4} units)")
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
