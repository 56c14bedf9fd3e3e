"""Shared by the benches: best-of timing, and the assumed speed of a Pi Zero 2 W."""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# An assumption, not a measurement: a Pi Zero 2 W is taken to be ten times slower than the machine
# running the bench. Every "on a Pi" figure printed from it says so; on a Pi, `make bench` (the same
# script) prints the real times in the "here" columns.
PI_FACTOR = 10
PI_NOTE = (
    f"Pi Zero 2 W figures are estimates: this machine's times x {PI_FACTOR} (assumed, bench/timing.py). "
    "For real figures run `make bench` on the Pi itself: its 'here' times are the Pi's."
)


def pi_estimate(ms: float) -> str:
    """``~1.2 s on a Pi Zero 2 W (assumed 10x slower)`` for a time measured here, in milliseconds."""
    pi_ms = ms * PI_FACTOR
    amount = f"{pi_ms / 1000:.1f} s" if pi_ms >= 1000 else f"{pi_ms:.0f} ms"
    return f"~{amount} on a Pi Zero 2 W (assumed {PI_FACTOR}x slower)"


def best_ms(fn: Callable[[], object], repeat: int = 5, warm_up: bool = False) -> float:
    """The fastest of ``repeat`` calls, in milliseconds (the least disturbed by other load)."""
    if warm_up:
        fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


@dataclass(frozen=True)
class ProcessRuns:
    """Whole-process runs of one command: the fastest wall time and the least CPU time (user + system
    of the process), in milliseconds, and what the last run printed."""

    wall_ms: float
    cpu_ms: float
    stdout: str


def interleaved_runs(
    commands: Sequence[Sequence[str]], repeat: int = 5, env: Mapping[str, str] | None = None
) -> list[ProcessRuns]:
    """Run every command ``repeat`` times, taking turns (A B A B ...), so that load from other programs
    on the machine falls on each alike; one ProcessRuns per command, in order. The CPU time of a run is
    the change of this process's RUSAGE_CHILDREN over it (subprocess.run reaps the child before the
    second reading), so it counts the child's own work whatever else the machine is doing."""
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    outputs = [""] * len(commands)
    for _ in range(repeat):
        for i, command in enumerate(commands):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(
                list(command), check=True, capture_output=True, text=True, timeout=120, env=env
            )
            walls[i].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[i].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            outputs[i] = done.stdout
    return [
        ProcessRuns(min(wall) * 1000, min(cpu) * 1000, out)
        for wall, cpu, out in zip(walls, cpus, outputs, strict=True)
    ]
