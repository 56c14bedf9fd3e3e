"""Shared by the benches: best-of timing, and the assumed speed of a Pi Zero 2 W."""

from __future__ import annotations

import time
from collections.abc import Callable

PI_FACTOR = 10  # a Pi Zero 2 W is taken to be ten times slower than the machine running the bench


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
