"""Helpers shared by the benchmark scripts: timing, peak memory, machine description, table printing."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python benchmarks/bench_x.py` from the repository root
    sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def machine() -> str:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    import numpy as np
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load average {load}; "
            f"Python {platform.python_version()}, NumPy {np.__version__}")


def _cpu_ticks() -> list[int] | None:
    try:
        with open("/proc/stat") as f:
            return [int(v) for v in f.readline().split()[1:]]
    except OSError:  # not Linux
        return None


class MachineShare:
    """What the machine did while the block ran (Linux /proc/stat): ``steal`` is the share of CPU time the
    hypervisor gave to other guests; on a shared VM it makes every timing slower, so the tables print it."""

    def __enter__(self):
        self.t0 = _cpu_ticks()
        return self

    def __exit__(self, *exc):
        t1 = _cpu_ticks()
        self.steal = self.busy = float("nan")
        if self.t0 and t1:
            d = [b - a for a, b in zip(self.t0, t1)]
            total = sum(d[:8]) or 1  # user nice system idle iowait irq softirq steal
            self.steal = d[7] / total
            self.busy = 1 - (d[3] + d[4]) / total

    def __str__(self) -> str:
        return f"CPU steal {self.steal:.1%} of the run, machine busy {self.busy:.0%} (both cores)"


class Timer:
    """Wall time (``seconds``) and CPU time of this process, all threads (``cpu``). On a shared machine the
    wall time includes waiting for a core; the CPU time does not."""

    def __enter__(self):
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0


def summary(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        print("| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)) + " |")
        if j == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def percentile(vals, q: float) -> float:
    """The ``q`` quantile (0..1) of ``vals``, linear between neighbours (NumPy's default); NaN when empty."""
    s = sorted(vals)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# Linux /proc, for the scripts that watch a server and a browser from outside (OSError when a process is gone)


def proc_parents() -> dict[int, int]:
    """pid -> parent pid of every process now running (a process that ends meanwhile is left out)."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    return parent


def proc_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int, default: float = float("nan")) -> float:
    """Resident memory of a process in MB, ``default`` when it reports none (a zombie)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return default
