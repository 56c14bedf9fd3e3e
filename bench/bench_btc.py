"""Bitcoin signing time for 1, 10, 100 and 500 inputs (P2WPKH and P2TR), Airlock vs embit's sign_with.

Airlock keeps one transaction per PSBT and caches the BIP-143 / BIP-341 midstates, so the time per
input stays flat; ``embit.psbt.PSBT.sign_with`` (what SeedSigner calls) rebuilds the transaction for
every input and grows quadratically. Review time (amount proofs, ownership, change) is shown apart,
and the strict codec's own time (parse, and parse plus write back) first.

Hostile sizes come last: 1,000 and 4,000 inputs of every input type the signer spends. The anchor
of a 4,000-input figure is four times the 1,000-input one, so a ratio near 1 means linear and near 4
quadratic. Legacy sighashes (P2PKH, P2SH multisig) hash the whole transaction once per input by
design of the pre-segwit algorithm, so that hashing alone grows quadratically. These figures are
the process's CPU time, not wall time, so that other work on a shared machine moves them less.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench.report import Table
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


HOSTILE_SIZES = (1_000, 4_000)
HOSTILE_SINGLE = ("p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr")
HOSTILE_MULTI = ("p2sh", "p2sh-p2wsh", "p2wsh")  # 2-of-3 multisig, our seed one of the cosigners


def _hostile_single(kind: str, n: int) -> tuple[bytes, Any]:
    from builders import Wallet, build_psbt, external, root_from

    from signer.btc import BtcKeys

    w = Wallet(root_from(), kind)
    ins = [w.utxo(10_000 + i, 0, i, salt=i) for i in range(n)]
    total = sum(10_000 + i for i in range(n))
    raw = build_psbt(ins, [external(total // 2), w.change(total // 2 - 200 * n, n)])
    return raw, lambda: BtcKeys(root_from(), "main")


def _hostile_multi(script_type: str, n: int) -> tuple[bytes, Any]:
    from builders import (
        MNEMONIC,
        OTHER_MNEMONIC,
        In,
        Out,
        build_psbt,
        external,
        funding_tx,
        origin,
        seed_from,
    )
    from multisig_files import cosigner, descriptor

    from signer.btc import BtcKeys
    from signer.btc.multisig_formats import parse_wallet

    third = "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"
    keys = [cosigner(m, script_type) for m in (MNEMONIC, OTHER_MNEMONIC, third)]
    record = {"name": "Family vault", "descriptor": descriptor(keys, 2, script_type)}
    wallet = parse_wallet(record["descriptor"])

    def origins(branch: int, index: int) -> dict[bytes, bytes]:
        return {
            c.key.derive([branch, index]).key.sec(): origin(c.fingerprint, (*(c.path or ()), branch, index))
            for c in wallet.cosigners
        }

    ins = []
    for i in range(n):
        spk, ws, redeem = wallet.scripts_at(0, i)
        prev = funding_tx([(100_000, spk)], salt=i)
        ins.append(In(prev, 0, bip32=origins(0, i), witness_script=ws, redeem=redeem, wu=ws is not None))
    cspk, cws, credeem = wallet.scripts_at(1, 0)
    cb = origins(1, 0)
    change = Out(n * 50_000 - 2_000 * n, cspk, bip32=cb, witness_script=cws, redeem=credeem)
    raw = build_psbt(ins, [external(n * 50_000), change])
    seed = seed_from()
    return raw, lambda: BtcKeys.from_seed(seed, "test", [record])


def _review_and_sign(raw: bytes, make_keys: Any) -> tuple[float, float, int]:
    from signer.btc import load_psbt, review_psbt, sign_reviewed

    keys = make_keys()
    t0 = time.process_time()
    review = review_psbt(load_psbt(raw), keys)
    t1 = time.process_time()
    signed = sign_reviewed(review, keys, accept_risk=True)
    t2 = time.process_time()
    return t1 - t0, t2 - t1, len(signed.signed_inputs)


def hostile_sizes() -> None:
    """Review and sign 1,000 and 4,000 inputs of every input type the signer spends."""
    table = Table("Hostile sizes: review and sign n inputs, CPU s (anchor: 4 x 1,000 inputs = linear)")
    print(f"{'kind':17} {'inputs':>6} {'KB':>6} {'review s':>9} {'sign s':>8} {'sign ms/input':>14}")
    for kind in HOSTILE_SINGLE + HOSTILE_MULTI:
        build = _hostile_single if kind in HOSTILE_SINGLE else _hostile_multi
        label = kind if kind in HOSTILE_SINGLE else f"{kind} 2-of-3"
        times: dict[int, tuple[float, float]] = {}
        for n in HOSTILE_SIZES:
            raw, make_keys = build(kind, n)
            review_s, sign_s, signed = _review_and_sign(raw, make_keys)
            assert signed == n, (kind, n, signed)
            times[n] = (review_s, sign_s)
            print(f"{label:17} {n:>6} {len(raw) / 1024:>6.0f} {review_s:>9.2f} {sign_s:>8.2f} "
                  f"{sign_s * 1000 / n:>14.2f}", flush=True)  # fmt: skip
        small, big = HOSTILE_SIZES
        scale = big / small
        table.add(f"review {big:,} {label} inputs", times[big][0], scale * times[small][0], "s", "4 x 1,000")
        table.add(f"sign {big:,} {label} inputs", times[big][1], scale * times[small][1], "s", "4 x 1,000")
    print()
    table.print()


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
    print()
    hostile_sizes()
