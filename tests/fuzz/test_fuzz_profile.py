"""Property tests run seeded: the same examples on every run and every machine, no deadline, and no
example database that could make one run differ from the next (the ``airlock`` profile loaded by
tests/conftest.py). ``AIRLOCK_FUZZ=N`` switches to fresh random examples for fuzzing by hand, and
these checks then stand aside."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("AIRLOCK_FUZZ")), reason="AIRLOCK_FUZZ draws random examples on purpose"
)


def _drawn_twice() -> tuple[list[bytes], list[bytes]]:
    runs: list[list[bytes]] = []

    @settings(max_examples=30)
    @given(st.binary(max_size=64))
    def record(data: bytes) -> None:
        runs[-1].append(data)

    for _ in range(2):
        runs.append([])
        record()
    return runs[0], runs[1]


def test_two_runs_of_a_property_test_draw_the_same_examples() -> None:
    first, second = _drawn_twice()
    assert len(first) >= 10
    assert first == second


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
