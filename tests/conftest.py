"""Suite-wide guards.

Every test that writes files does so under its ``tmp_path``. After each such test, the files it
wrote are scanned for the suite's test mnemonics (and their entropy and seeds, in hex): a secret in
plaintext anywhere but a deliberate input file (written with ``secret_input``) fails the test.

Property tests (hypothesis) run seeded: profile ``airlock`` fixes each test's examples (a seed
derived from the test itself), keeps no example database that could make one run differ from the
next, draws no constants from whichever project modules happen to be imported (so a test draws the
same examples alone as in the whole suite), and sets no deadline (timing belongs in bench/).
``AIRLOCK_FUZZ=N`` instead draws fresh random examples, N times as many in the fuzz targets of
tests/fuzz, for fuzzing by hand; a failure it finds prints the ``@reproduce_failure`` blob to
replay it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("airlock", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("airlock-fuzz", derandomize=False, database=None, deadline=None, print_blob=True)
FUZZING = bool(os.environ.get("AIRLOCK_FUZZ"))
settings.load_profile("airlock-fuzz" if FUZZING else "airlock")


def _no_local_constants() -> None:
    """Hypothesis also mixes literals of the project's imported modules into its examples; which
    modules are imported depends on the tests that ran before, so a test would draw other examples
    alone than in the whole suite. Its pool of such constants stays empty in the seeded profile (an
    internal of hypothesis: tests/fuzz/test_fuzz_profile.py notices if it stops working); fuzzing by
    hand keeps them, as they help reach deeper."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a hypothesis without it draws no local constants
        return
    if hasattr(providers, "_get_local_constants") and hasattr(providers, "Constants"):
        empty = providers.Constants()
        providers._get_local_constants = lambda: empty


if not FUZZING:
    _no_local_constants()

ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
ZOO24 = " ".join(["zoo"] * 23 + ["vote"])
LEGAL = "legal winner thank year wave sausage worth useful legal winner thank yellow"
TEST_MNEMONICS = (ABANDON, ZOO24, LEGAL)
INPUTS_DIR = "_secret_inputs"


def _needles() -> list[bytes]:
    from signer.keys import bip39

    needles = []
    for words in TEST_MNEMONICS:
        entropy = bip39.entropy_from_mnemonic(words)
        seed = bip39.mnemonic_to_seed(words)
        needles += [
            words.encode(),
            " ".join(words.split()[:6]).encode(),
            entropy.hex().encode(),
            seed.hex().encode(),
            seed,
            words.upper().encode(),
        ]
    # ABANDON's all-zero and ZOO24's all-ones entropy would match any run of 00 or ff bytes
    # (uint256 max calldata, zero padding): keep only distinctive needles
    return [n for n in needles if len(set(n)) > 2]


_NEEDLES: list[bytes] | None = None


def scan_for_secrets(root: Path) -> list[str]:
    global _NEEDLES
    if _NEEDLES is None:
        _NEEDLES = _needles()
    hits = []
    for path in root.rglob("*"):
        if not path.is_file() or INPUTS_DIR in path.parts:
            continue
        data = path.read_bytes()
        for needle in _NEEDLES:
            if needle in data:
                hits.append(f"{path.relative_to(root)} holds test secret material in plaintext")
                break
    return hits


@pytest.fixture(autouse=True)
def _no_plaintext_secrets(request: pytest.FixtureRequest) -> Iterator[None]:
    tmp = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    if tmp is not None:
        hits = scan_for_secrets(tmp)
        assert not hits, "; ".join(hits)


@pytest.fixture
def secret_input(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a deliberate secret input file (e.g. for --mnemonic-file), exempt from the scan."""

    def write(name: str, text: str) -> Path:
        folder = tmp_path / INPUTS_DIR
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(text)
        return path

    return write
