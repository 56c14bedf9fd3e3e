"""Atheris fuzz target for the PSBT parser, review and signer (coverage-guided, run by hand).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_psbt.py -max_total_time=600 [corpus_dir]

Any exception other than an AirlockError (PsbtError, refusals...) is a finding.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "btc"))

from builders import Wallet, build_psbt, external, root_from

from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed
from signer.errors import AirlockError

ROOT = root_from()
KEYS = BtcKeys(ROOT, "main")


def seeds() -> list[bytes]:
    """Valid PSBTs of every supported kind and both versions, to start the corpus from."""
    out = []
    for kind in ("p2wpkh", "p2sh-p2wpkh", "p2pkh", "p2tr"):
        w = Wallet(ROOT, kind)
        for version in (0, 2):
            out.append(
                build_psbt(
                    [w.utxo(100_000, 0, 1, salt=1)], [external(60_000), w.change(39_000, 2)], version=version
                )
            )
    return out


def test_one_input(data: bytes) -> None:
    try:
        review = review_psbt(load_psbt(data), KEYS)
        review.to_json()
        if review.can_sign:
            sign_reviewed(review, KEYS, accept_risk=True)
    except AirlockError:
        pass


def main() -> None:
    import atheris

    corpus = [a for a in sys.argv[1:] if not a.startswith("-")]
    if corpus:
        folder = Path(corpus[0])
        folder.mkdir(parents=True, exist_ok=True)
        for n, seed in enumerate(seeds()):
            (folder / f"seed-{n}.psbt").write_bytes(seed)
    for seed in seeds():  # load the lazily imported review and signing code before instrumenting it
        test_one_input(seed)
    atheris.instrument_all()  # coverage feedback for the already imported signer code
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
