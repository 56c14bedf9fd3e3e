"""Run every bench module (bench/bench_*.py), each exposing ``run() -> None`` that prints figures.

``python -m bench [NAME ...]`` runs only the named modules (e.g. ``vault`` for bench_vault).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import bench
from bench.timing import PI_NOTE


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if n.removeprefix("bench_") in argv or n in argv]
    print(PI_NOTE + "\n", flush=True)
    for name in names:
        print(f"== {name.removeprefix('bench_')}", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").run()
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
