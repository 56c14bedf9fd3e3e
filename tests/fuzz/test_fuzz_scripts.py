"""The atheris scripts (tests/fuzz/fuzz_*.py, coverage-guided fuzzing by hand) keep working: each
imports without atheris, its seeds are valid inputs of its entry points, and its one-input
function takes them and their damaged forms without any error but the signer's own."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from fuzz.mutations import fuzz_settings, mutated_bytes
from hypothesis import given
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
SCRIPTS = {  # script -> its one-input function
    "fuzz_assembler": "test_one_input",
    "fuzz_eth": "test_one_input",
    "fuzz_psbt": "test_one_input",
    "fuzz_ur": "fuzz_one_input",
}


def _script(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"fuzz.{name}")


def test_every_script_is_listed() -> None:
    assert sorted(p.stem for p in HERE.glob("fuzz_*.py")) == sorted(SCRIPTS)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_seeds_run_through_the_one_input_function(name: str) -> None:
    script = _script(name)
    seeds = script.seeds()
    assert len(seeds) >= 3 and all(isinstance(s, bytes) and s for s in seeds)
    for seed in seeds:
        getattr(script, SCRIPTS[name])(seed)


@fuzz_settings(15)
@given(data=st.data())
def test_damaged_seeds_run_through_the_one_input_functions(data: st.DataObject) -> None:
    for name in sorted(SCRIPTS):
        script = _script(name)
        getattr(script, SCRIPTS[name])(data.draw(mutated_bytes(script.seeds())))
