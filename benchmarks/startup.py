"""Cold-process wall time of `kg lookup` and `kg ask`, as ratios to bare Python in the same run.

    python benchmarks/startup.py [--runs 15]

Builds the packaged curated data into a temporary store, then times each command as a fresh
process, interleaved so that machine noise hits all of them alike. Target (issue 2): the median
cold `kg lookup` within 8x a bare `python -c pass`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import interleaved, median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    kg = shutil.which("kg") or sys.exit("the `kg` command is not installed (pip install .)")
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "bench.sqlite")
        subprocess.run([kg, "build", "--store", store], check=True, stdout=subprocess.DEVNULL)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import kg'": [sys.executable, "-c", "import kg"],
            "kg lookup ct103a": [kg, "lookup", "ct103a", "--store", store],
            "kg ask (embedded)": [kg, "ask", "antibody-mediated-diseases-for-target", "-p", "target=BCMA",
                                "--store", store],
        }
        times = interleaved(commands, args.runs)
    medians = {name: median(values) for name, values in times.items()}
    bare, import_kg = medians["python -c pass"], medians["python -c 'import kg'"]
    print(f"{'command':28} {'median s':>9} {'x bare':>8} {'x import kg':>12}   ({args.runs} runs each)")
    for name, value in medians.items():
        print(f"{name:28} {value:9.3f} {value / bare:8.2f} {value / import_kg:12.2f}")
    ratio = medians["kg lookup ct103a"] / bare
    print(f"target: kg lookup within 8x bare python -> {ratio:.2f}x {'OK' if ratio <= 8 else 'MISSED'}")


if __name__ == "__main__":
    main()
