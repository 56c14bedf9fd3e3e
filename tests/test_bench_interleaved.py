"""The whole-process comparison of the benches (bench.timing.interleaved_runs) takes turns between
the commands, so load on a shared machine falls on each alike, and it charges each command the CPU
time of its own process, not of the other's."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.timing import interleaved_runs

# Appends its name to the log, prints it, and spins until it has used ``cpu`` seconds of CPU time.
SCRIPT = (
    "import sys, time\n"
    "name, log, cpu = sys.argv[1], sys.argv[2], float(sys.argv[3])\n"
    "open(log, 'a').write(name)\n"
    "end = time.process_time() + cpu\n"
    "while time.process_time() < end: pass\n"
    "print(name)\n"
)


def test_runs_take_turns_and_each_is_charged_its_own_cpu_time(tmp_path: Path) -> None:
    log = tmp_path / "order.txt"
    busy, idle = (
        [sys.executable, "-c", SCRIPT, name, str(log), cpu] for name, cpu in (("A", "0.3"), ("B", "0"))
    )
    a, b = interleaved_runs([busy, idle], repeat=3)
    assert log.read_text() == "ABABAB"
    assert (a.stdout, b.stdout) == ("A\n", "B\n")
    assert a.cpu_ms >= 300  # A spun 0.3 s of its own CPU time, and it is counted to A
    assert b.cpu_ms < a.cpu_ms - 200  # B did not spin: none of A's time is counted to B
    assert a.wall_ms > 0 and b.wall_ms > 0
