"""Every "on a Pi" figure of the benches is an estimate and says so: the factor is applied by
bench.timing.pi_estimate alone, whose text names it as an assumption."""

from __future__ import annotations

import ast
from pathlib import Path

from bench.timing import PI_FACTOR, pi_estimate

BENCH = Path(__file__).resolve().parent.parent / "bench"
# the scanning and UI benches belong to the scanning work, which moves them to pi_estimate
NOT_YET = {"bench_scan.py", "bench_ui.py"}
# runs the show loop on a simulated Pi clock (factor 1 on a real Pi) and prints its basis as assumed
OWN_CLOCK = {"bench_anim.py"}


def uses_the_factor(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    return any(isinstance(node, ast.Name) and node.id == "PI_FACTOR" for node in ast.walk(tree))


def test_only_pi_estimate_applies_the_pi_factor() -> None:
    found = sorted(
        path.name
        for path in BENCH.glob("*.py")
        if path.name != "timing.py" and path.name not in NOT_YET | OWN_CLOCK and uses_the_factor(path)
    )
    assert found == []


def test_the_estimate_says_it_is_assumed() -> None:
    label = f"on a Pi Zero 2 W (assumed {PI_FACTOR}x slower)"
    assert pi_estimate(12.0) == f"~{12 * PI_FACTOR} ms {label}"
    assert pi_estimate(250.0) == f"~{250 * PI_FACTOR / 1000:.1f} s {label}"
