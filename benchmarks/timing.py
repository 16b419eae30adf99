"""What every benchmark here measures with: wall and CPU clocks, cold processes, peak memory.

Benchmarks report ratios against a baseline measured in the same run (these machines are noisy),
so the helpers interleave the commands they compare and take medians.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any


def timed(cmd: Sequence[str]) -> float:
    """Wall seconds of one fresh process running ``cmd`` (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(list(cmd), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def interleaved(commands: Mapping[str, Sequence[str]], runs: int) -> dict[str, list[float]]:
    """Each command ``runs`` times as a cold process, in turns, so that noise hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(timed(cmd))
    return times


def clock(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call of ``work``."""
    start, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - start, time.process_time() - cpu


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """'median 0.35s of 0.36, 0.34, 0.35'."""
    return f"median {median(values):.2f}s of {', '.join(f'{v:.2f}' for v in values)}"


def peak_mb() -> float:
    """This process's peak RSS in MB: VmHWM (resettable, see reset_peak), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def children_peak_mb() -> float:
    """The largest peak RSS of this process's finished children, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def reset_peak() -> bool:
    """Reset the peak-RSS mark to the current RSS (Linux: clear_refs 5), so that a peak measured
    afterwards is the work's own; False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_json(args: Sequence[str], what: str) -> dict[str, Any]:
    """Run ``python ARGS`` in a fresh process and parse the JSON object it prints last."""
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result
