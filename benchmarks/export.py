"""Export throughput: the streaming N-Triples writer beside rdflib's own ``Graph.serialize``.

    python benchmarks/export.py [--units 2700] [--workdir DIR]

Builds a synthetic store with the shape of tests/data/curated/graph.yaml (every class, every
relationship type, reified outcome properties, derived shortcuts), scaled to about 1,000,000
triples, then measures in separate processes (so each peak RSS is its own):

* stream  — ``kg.rdf.export_rdf(store, file, "ntriples")`` (what ``kg export rdf -f ntriples``
  runs: a large store is rendered by parallel worker processes, see kg.ntriples), store to file,
  end to end; its peak memory is the exporting process's plus its largest worker's
  (``RUSAGE_CHILDREN``);
* rdflib  — the same triples loaded into an ``rdflib.Graph`` (timed apart), then
  ``Graph.serialize(format="nt")`` to a file (the figure the ratio uses);
* stream at a quarter of the size, to show that its peak memory does not grow with the graph.

Identifiers are invented for the benchmark and are not facts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRIPLES_PER_UNIT_HINT = 396


def synthetic(units: int) -> tuple[list, list]:  # type: ignore[type-arg]
    """Nodes and edges: ``units`` copies of the test graph's shape, with distinct identifiers."""
    from kg.model import Edge, Node, Provenance

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
    from kg import resources
    from kg.owl import load_schema
    from kg.store import write_store

    nodes, edges = synthetic(units)
    write_store(path, load_schema(resources.ontology_file()), nodes, edges)


def _peak_mb() -> float:
    """This process's peak RSS in MB: VmHWM (resettable, see _reset_peak), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _reset_peak() -> bool:
    """Reset the peak-RSS mark to the current RSS (Linux: clear_refs 5), so that the peak measured
    afterwards is the export's own and not the Bioregistry's loading; False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the export's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(kind: str, store_path: Path, out: Path) -> dict[str, float]:
    """Run in a child process: one export, its time and this process's peak RSS."""
    from kg.rdf import store_ntriples, to_graph
    from kg.store import Store

    with Store(store_path) as store:
        store.schema()
        if kind == "stream":
            import kg.rdf

            kg.rdf.IriMinter(store.schema())  # load the Bioregistry before the clock starts
            _reset_peak()
            before = _peak_mb()
            start, cpu = time.perf_counter(), _cpu_seconds()
            triples = kg.rdf.export_rdf(store_path, out, "ntriples")
            seconds, cpu_seconds = time.perf_counter() - start, _cpu_seconds() - cpu
            children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest worker
            return {"triples": triples, "seconds": seconds, "cpu_seconds": cpu_seconds,
                    "peak_mb": _peak_mb() + children_mb, "parent_mb": _peak_mb(), "children_mb": children_mb,
                    "baseline_mb": before}
        _reset_peak()
        before = _peak_mb()
        start = time.perf_counter()
        graph = to_graph(store_ntriples(store))
        load_seconds = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        graph.serialize(destination=str(out), format="nt", encoding="utf-8")
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        return {"triples": len(graph), "seconds": seconds, "cpu_seconds": cpu_seconds, "load_seconds": load_seconds,
                "peak_mb": _peak_mb(), "baseline_mb": before}


def _child(kind: str, store: Path, out: Path) -> dict[str, float]:
    proc = subprocess.run([sys.executable, __file__, "--measure", kind, str(store), str(out)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{proc.stderr}")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2700, help="copies of the test graph's shape (2700 ≈ 1.07M triples)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--measure", nargs=3, metavar=("KIND", "STORE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, store, out = args.measure
        print(json.dumps(measure(kind, Path(store), Path(out))))
        return

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        big, small = work / "big.sqlite", work / "small.sqlite"
        start = time.perf_counter()
        make_store(big, args.units)
        make_store(small, max(1, args.units // 4))
        print(f"synthetic stores built in {time.perf_counter() - start:.1f}s ({args.units} and {args.units // 4} units)")
        stream = _child("stream", big, work / "stream.nt")
        stream_small = _child("stream", small, work / "stream-small.nt")
        rdflib = _child("rdflib", big, work / "rdflib.nt")
        if stream["triples"] != rdflib["triples"]:
            raise SystemExit(f"triple counts differ: stream {stream['triples']}, rdflib {rdflib['triples']}")

    def rate(run: dict[str, float]) -> float:
        return run["triples"] / run["seconds"]

    def cpu_rate(run: dict[str, float]) -> float:
        return run["triples"] / run["cpu_seconds"]

    ratio = rate(stream) / rate(rdflib)
    print(f"triples: {int(stream['triples']):,} (quarter-size run: {int(stream_small['triples']):,})")
    print(f"streaming N-Triples writer (store -> file, end to end): {rate(stream):12,.0f} triples/s  "
          f"{stream['seconds']:.2f}s  peak RSS {stream['peak_mb']:.0f} MB "
          f"(exporter {stream['parent_mb']:.0f} + largest worker {stream['children_mb']:.0f}; at start "
          f"{stream['baseline_mb']:.0f} MB; quarter size: peak {stream_small['peak_mb']:.0f} MB = "
          f"{stream_small['parent_mb']:.0f} + {stream_small['children_mb']:.0f})")
    print(f"rdflib Graph.serialize(format='nt') (serialize only):  {rate(rdflib):12,.0f} triples/s  "
          f"{rdflib['seconds']:.2f}s  peak RSS {rdflib['peak_mb']:.0f} MB "
          f"(at start {rdflib['baseline_mb']:.0f} MB; building the Graph took a further {rdflib['load_seconds']:.2f}s)")
    end_to_end = rdflib["triples"] / (rdflib["seconds"] + rdflib["load_seconds"])
    print(f"ratio (stream / rdflib serialize): {ratio:.1f}x   "
          f"(stream / rdflib store->Graph->file: {rate(stream) / end_to_end:.1f}x)   target >= 10x")
    print(f"CPU time (the machine may be shared): stream {cpu_rate(stream):,.0f} triples/s, rdflib "
          f"{cpu_rate(rdflib):,.0f} triples/s, ratio {cpu_rate(stream) / cpu_rate(rdflib):.1f}x")
    print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  "
          f"CPUs: {os.cpu_count()}")
    print(f"peak memory: stream {stream['peak_mb']:.0f} MB vs rdflib {rdflib['peak_mb']:.0f} MB; stream growth from "
          f"1/4 to full size: {stream['peak_mb'] - stream_small['peak_mb']:+.0f} MB")


if __name__ == "__main__":
    main()
