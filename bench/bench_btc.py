"""Bitcoin signing time for 1, 10, 100 and 500 inputs (P2WPKH and P2TR), Airlock vs embit's sign_with.

Airlock keeps one transaction per PSBT and caches the BIP-143 / BIP-341 midstates, so the time per
input stays flat; ``embit.psbt.PSBT.sign_with`` (what SeedSigner calls) rebuilds the transaction for
every input and grows quadratically. Review time (amount proofs, ownership, change) is shown apart,
and the strict codec's own time (parse, and parse plus write back) first.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

from bench.timing import best_ms

SIZES = (1, 10, 100, 500)
EMBIT_MAX = 500  # embit's signer is quadratic: fine here, slow on a Pi Zero


def _psbts(kind: str, n: int) -> bytes:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "btc"))
    from builders import Wallet, build_psbt, external, root_from

    w = Wallet(root_from(), kind)
    ins = [w.utxo(10_000 + i, 0, i, salt=i) for i in range(n)]
    total = sum(10_000 + i for i in range(n))
    return build_psbt(ins, [external(total // 2), w.change(total // 2 - 200 * n, n)])


def _round_trip(raw: bytes) -> bytes:
    from signer.btc.psbt import parse_psbt

    return parse_psbt(raw).serialize()


def run() -> None:
    from embit.psbt import PSBT

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "btc"))
    from builders import root_from

    from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed
    from signer.btc.psbt import parse_psbt

    print(f"{'kind':7} {'inputs':>6} {'parse ms':>9} {'round trip ms':>14} {'bytes':>8}")
    for kind in ("p2wpkh", "p2tr"):
        for n in SIZES:
            raw = _psbts(kind, n)
            parse_ms = best_ms(partial(parse_psbt, raw), repeat=5)
            trip_ms = best_ms(partial(_round_trip, raw), repeat=5)
            print(f"{kind:7} {n:>6} {parse_ms:>9.2f} {trip_ms:>14.2f} {len(raw):>8}")
    print()

    root = root_from()
    head = f"{'kind':7} {'inputs':>6} {'review ms':>10} {'sign ms':>9} {'ms/input':>9}"
    print(f"{head} {'embit ms':>9} {'embit ms/input':>15}")
    for kind in ("p2wpkh", "p2tr"):
        for n in SIZES:
            raw = _psbts(kind, n)
            keys = BtcKeys(root, "main")  # fresh key cache each time: derivation cost is included
            t0 = time.perf_counter()
            review = review_psbt(load_psbt(raw), keys)
            t1 = time.perf_counter()
            signed = sign_reviewed(review, keys)
            t2 = time.perf_counter()
            assert len(signed.signed_inputs) == n
            embit = "skipped"
            if n <= EMBIT_MAX:
                psbt = PSBT.parse(raw)
                t3 = time.perf_counter()
                count = psbt.sign_with(root)
                embit_ms = (time.perf_counter() - t3) * 1000
                embit = f"{embit_ms:>9.0f} {embit_ms / n:>15.2f}"
                assert count == n
            sign_ms = (t2 - t1) * 1000
            line = f"{kind:7} {n:>6} {(t1 - t0) * 1000:>10.0f} {sign_ms:>9.0f} {sign_ms / n:>9.2f}"
            print(f"{line} {embit}")
