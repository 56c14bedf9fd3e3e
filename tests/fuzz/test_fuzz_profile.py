"""Property tests run seeded: the same examples on every run and every machine, no deadline, and no
example database that could make one run differ from the next (the ``airlock`` profile loaded by
tests/conftest.py). ``AIRLOCK_FUZZ=N`` switches to fresh random examples for fuzzing by hand, and
these checks then stand aside."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("AIRLOCK_FUZZ")), reason="AIRLOCK_FUZZ draws random examples on purpose"
)


def _drawn_twice() -> tuple[list[object], list[object]]:
    runs: list[list[object]] = []

    @settings(max_examples=200)
    @given(st.binary(max_size=64), st.text(max_size=20), st.integers())
    def record(data: bytes, text: str, number: int) -> None:
        runs[-1].append((data, text, number))

    for _ in range(2):
        runs.append([])
        record()
    return runs[0], runs[1]


def test_two_runs_of_a_property_test_draw_the_same_examples() -> None:
    first, second = _drawn_twice()
    assert len(first) >= 10
    assert first == second


def test_the_examples_do_not_depend_on_which_modules_were_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hypothesis draws some examples from literals of the project's imported modules: a test must
    draw the same examples alone as after the rest of the suite imported everything."""
    before = _drawn_twice()[0]
    (tmp_path / "airlock_probe_constants.py").write_text(
        "NAMES = " + repr([f"probe-constant-{n}" for n in range(50)]) + "\n"
        "NUMBERS = " + repr(list(range(10**9, 10**9 + 50))) + "\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        importlib.import_module("airlock_probe_constants")
        assert _drawn_twice()[0] == before
    finally:
        sys.modules.pop("airlock_probe_constants", None)


def test_every_collected_property_test_is_seeded_without_database_or_deadline(
    request: pytest.FixtureRequest,
) -> None:
    checked = []
    for item in request.session.items:
        test = getattr(item, "obj", None)
        used = getattr(test, "_hypothesis_internal_use_settings", None)
        if used is None:
            continue
        checked.append(item.nodeid)
        assert used.derandomize, f"{item.nodeid} draws random examples"
        assert used.database is None, f"{item.nodeid} keeps an example database"
        assert used.deadline is None, f"{item.nodeid} has a deadline (timing belongs in bench/)"
    assert checked, "no property test was collected with this one"


@given(st.integers())
def test_this_file_holds_a_property_test_for_the_check_above(number: int) -> None:
    assert isinstance(number, int)
