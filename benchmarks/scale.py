"""Named questions at scale on the embedded default: cold `kg ask` at 1x, 10x, 100x and 1000x the
curated graph, beside bare Python and, optionally, an older cellkg in the same run.

    python benchmarks/scale.py [--copies 1 10 100 1000] [--runs 5] [--baseline-kg /path/to/old/bin/kg]

Builds the curated graph, replicates it (kg.core.synthetic: same shape, valid ids), derives the
embedded engine's file for each size (timed), then times each command below as a fresh process,
interleaved, and reports medians, ratios to `python -c pass`, and the peak RSS of one run:

* `kg ask antibody-mediated-diseases-for-target -p target=BCMA` and
  `kg ask safety-of-product -p product=CT103A` on the embedded engine;
* with ``--baseline-kg``, the same two questions through that (older) installation's `kg ask`,
  on a store it built and replicated itself (cellkg up to the commit that read the whole store
  into networkx on every `kg ask`).

Ratios, not absolute times, are what to quote: these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import interleaved, median

QUESTIONS = (("antibody-mediated-diseases-for-target", "target=BCMA"), ("safety-of-product", "product=CT103A"))


_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss_mb(cmd: list[str]) -> float:
    """The peak RSS of one run of ``cmd``, as the only child of a fresh process."""
    out = subprocess.run([sys.executable, "-c", _PEAK, *cmd], check=True, capture_output=True, text=True).stdout
    return int(out.strip()) / 1024  # kilobytes on Linux


def replicas(kg: str, python: str, work: Path, copies: list[int], tag: str) -> dict[int, Path]:
    """Build the curated store with ``kg`` and replicate it with that installation's kg.core.synthetic."""
    base = work / f"{tag}-base.sqlite"
    subprocess.run([kg, "build", "--store", str(base)], check=True, stdout=subprocess.DEVNULL)
    stores = {}
    for n in copies:
        path = work / f"{tag}-{n}.sqlite"
        if n != 1:
            code = ("import sys; from pathlib import Path; from kg.core.synthetic import replicate; "
                    "replicate(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))")
            subprocess.run([python, "-c", code, str(base), str(path), str(n)], check=True)
        else:
            shutil.copy(base, path)
        stores[n] = path
    return stores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-kg", help="the `kg` of an older cellkg installation, measured in the same run")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    kg = shutil.which("kg") or sys.exit("the `kg` command is not installed (pip install .)")
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        stores = replicas(kg, sys.executable, work, args.copies, "engine")
        derive = {}
        for n, store in stores.items():
            code = "import sys; from pathlib import Path; from kg.backends.embedded import derive; derive(Path(sys.argv[1]))"
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code, str(store)], check=True)
            derive[n] = time.perf_counter() - start
        baseline: dict[int, Path] = {}
        if args.baseline_kg:
            old_python = str(Path(args.baseline_kg).with_name("python"))
            baseline = replicas(args.baseline_kg, old_python, work, args.copies, "networkx")
        commands: dict[str, list[str]] = {"python -c pass": [sys.executable, "-c", "pass"]}
        for n in args.copies:
            for name, param in QUESTIONS:
                commands[f"{n}x engine {name}"] = [kg, "ask", name, "-p", param, "--store", str(stores[n]), "-f", "json"]
                if baseline:
                    commands[f"{n}x networkx {name}"] = [args.baseline_kg, "ask", name, "-p", param, "--store",
                                                         str(baseline[n]), "-f", "json"]
        for cmd in commands.values():  # warm the file cache
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times = interleaved(commands, args.runs)
        memory = {label: peak_rss_mb(cmd) for label, cmd in commands.items()}
        nodes = {n: json.loads(subprocess.run([kg, "stats", "--store", str(stores[n]), "-f", "json"], check=True,
                                              capture_output=True, text=True).stdout) for n in args.copies}
    bare = median(times["python -c pass"])
    print(f"bare python: {bare * 1000:.1f} ms (median of {args.runs})")
    for n in args.copies:
        total = sum(r["count"] for r in nodes[n] if r["kind"] == "node")
        rels = sum(r["count"] for r in nodes[n] if r["kind"] == "relationship")
        print(f"{n}x: {total:,} nodes, {rels:,} relationships; engine file derived in {derive[n]:.1f} s")
    print(f"{'command':52} {'median s':>9} {'x bare':>8} {'peak MB':>8}")
    for label, values in times.items():
        print(f"{label:52} {median(values):9.3f} {median(values) / bare:8.1f} {memory[label]:8.0f}")


if __name__ == "__main__":
    main()
