"""Multisig: reading a wallet file of each format and registering it, loading a seed's registered
wallets before a review, reviewing and signing 2-of-3 spends (P2WSH and legacy P2SH), and the
worst case of an address check (an address that is not ours: every receive and change index).
Figures are best-of times here, with the Pi Zero 2 W estimate beside them."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any

from bench.timing import best_ms, pi_estimate

MNEMONICS = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
)
INPUTS = (1, 10, 100)
GAP = 1000


def _line(what: str, ms: float) -> None:
    print(f"{what:44} {ms:>9.1f} ms   {pi_estimate(ms)}")


def _spend(wallet: Any, n: int) -> bytes:
    from builders import In, Out, build_psbt, external, funding_tx, origin

    ins = []
    for i in range(n):
        spk, ws, redeem = wallet.scripts_at(0, i)
        bip32 = {
            c.key.derive([0, i]).key.sec(): origin(c.fingerprint, (*c.path, 0, i)) for c in wallet.cosigners
        }
        prev = funding_tx([(100_000, spk)], salt=i)
        ins.append(In(prev, 0, bip32=bip32, witness_script=ws, redeem=redeem, wu=ws is not None))
    cspk, cws, credeem = wallet.scripts_at(1, 0)
    cb = {c.key.derive([1, 0]).key.sec(): origin(c.fingerprint, (*c.path, 1, 0)) for c in wallet.cosigners}
    change = Out(n * 50_000 - 2_000 * n, cspk, bip32=cb, witness_script=cws, redeem=credeem)
    return build_psbt(ins, [external(n * 50_000), change])


def run() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "btc"))
    from embit.bip39 import mnemonic_to_seed
    from multisig_files import bsms_record, caravan_json, coldcard_text, cosigner, descriptor, specter_json

    from signer.btc import BtcKeys, load_psbt, review_psbt, sign_reviewed
    from signer.btc.address_check import check_address
    from signer.btc.multisig_formats import parse_wallet
    from signer.btc.multisig_registry import register_multisig

    seed = mnemonic_to_seed(MNEMONICS[0])
    keys = [cosigner(m, "p2wsh") for m in MNEMONICS]
    first = parse_wallet(descriptor(keys, 2)).address(0, 0)
    files = {
        "descriptor": descriptor(keys, 2),
        "Coldcard text": coldcard_text(keys, 2),
        "Specter JSON": specter_json(keys, 2),
        "Caravan JSON": caravan_json(keys, 2),
        "BSMS record": bsms_record(keys, 2, first),
    }
    signer = BtcKeys.from_seed(seed, "test")
    for name, text in files.items():
        _line(f"register a 2-of-3 from a {name}", best_ms(partial(register_multisig, text, signer)))
    records = [{"name": f"wallet {i}", "descriptor": descriptor(keys, 1 + i % 3)} for i in range(10)]
    load = best_ms(lambda: BtcKeys.from_seed(seed, "test", records))
    _line("load 10 registered wallets before a review", load)
    for script_type in ("p2wsh", "p2sh"):
        wallet_keys = [cosigner(m, script_type) for m in MNEMONICS]
        record = {"name": "Family vault", "descriptor": descriptor(wallet_keys, 2, script_type)}
        wallet = parse_wallet(record["descriptor"])
        for n in INPUTS:
            raw = _spend(wallet, n)

            def review_and_sign(raw: bytes = raw, record: dict[str, str] = record) -> None:
                k = BtcKeys.from_seed(seed, "test", [record])
                sign_reviewed(review_psbt(load_psbt(raw), k), k)

            _line(f"review and sign {script_type} 2-of-3, {n} input(s)", best_ms(review_and_sign, repeat=3))
    loaded = BtcKeys.from_seed(seed, "test", [{"name": "Family vault", "descriptor": descriptor(keys, 2)}])
    foreign = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"
    _line(f"address check, not found (gap {GAP}, all accounts)", best_ms(
        lambda: check_address(foreign, loaded, gap=GAP), repeat=1))  # fmt: skip
