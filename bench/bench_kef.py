"""Krux encrypted QR (KEF) open and make, the costliest envelope Airlock accepts, and a sign-message
request reviewed and signed.

A Pi Zero 2 W is assumed ten times slower than the machine running this.
"""

from __future__ import annotations

from bench.timing import best_ms, pi_estimate

ABANDON = " ".join(["abandon"] * 11 + ["about"])


def run() -> None:
    from signer.btc import BtcKeys
    from signer.btc.message_request import review_message, sign_reviewed_message
    from signer.keys import kef, kef_mnemonic
    from signer.keys.bip39 import mnemonic_to_seed
    from signer.keys.seed import Bip39Seed
    from signer.transport.signmessage import parse

    seed = Bip39Seed.from_mnemonic(ABANDON)
    blob = kef_mnemonic.export_mnemonic(seed, "bench password", "73c5da0a", rounds=100_000)
    text = kef_mnemonic.qr_content(blob)
    assert isinstance(text, str)
    opened = best_ms(lambda: kef_mnemonic.read_mnemonic(text.encode(), "bench password"), repeat=3)
    print(
        f"Krux QR open (base43, AES-GCM, 100,000 rounds): {opened:.0f} ms here, "
        f"{pi_estimate(opened)}"
    )
    made = best_ms(lambda: kef_mnemonic.export_mnemonic(seed, "bench password", "73c5da0a"), repeat=3)
    print(f"Krux QR make (100,000-110,000 rounds): {made:.0f} ms here")
    worst = best_ms(lambda: kef.derive_key("bench password", b"id", kef.MAX_ROUNDS), repeat=1)
    print(
        f"costliest accepted envelope ({kef.MAX_ROUNDS:,} rounds): {worst:.0f} ms here, "
        f"{pi_estimate(worst)}"
    )
    keys = BtcKeys.from_seed(mnemonic_to_seed(ABANDON))
    request = parse("signmessage m/84h/0h/0h/0/0 ascii:" + "I control this address. " * 40)

    def review_and_sign() -> None:
        sign_reviewed_message(review_message(request, keys), keys)

    print(f"sign-message request (960 chars) reviewed + signed: {best_ms(review_and_sign):.1f} ms here")
