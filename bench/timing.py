"""Shared by the benches: best-of timing, and the assumed speed of a Pi Zero 2 W."""

from __future__ import annotations

import time
from collections.abc import Callable

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
