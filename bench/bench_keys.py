"""Vault unlock time at the chosen Argon2id cost, mnemonic -> seed, SLIP-39 split and candidates, the
dice check and drawing a SeedQR.

A Pi Zero 2 W is assumed ten times slower than the machine running this.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial
from pathlib import Path

from bench.timing import best_ms, pi_estimate

ABANDON = " ".join(["abandon"] * 11 + ["about"])


def run() -> None:
    from signer.keys import envelope, slip39
    from signer.keys.bip39 import mnemonic_to_seed
    from signer.keys.seed import Bip39Seed, Slip39Seed
    from signer.keys.vault import Vault

    kdf = envelope.KdfParams()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault"
        vault = Vault.create(path, "bench password", kdf)
        vault.add_seed("main", Bip39Seed.from_mnemonic(ABANDON))
        unlock = best_ms(lambda: Vault.open(path, "bench password"))
        save = best_ms(
            lambda: Vault.open(path, "bench password").update_settings(touched=time.time()), repeat=3
        )
    print(
        f"vault unlock (Argon2id {kdf.memory_kib // 1024} MiB, t={kdf.iterations}, p={kdf.lanes}): "
        f"{unlock:.0f} ms here, {pi_estimate(unlock)}"
    )
    print(f"vault open + change + save: {save:.0f} ms here")
    for mem, it in ((32, 3), (64, 2), (64, 3), (128, 2)):
        params = envelope.KdfParams(mem * 1024, it, 4)
        t = best_ms(partial(envelope._derive, "pw", b"s" * 16, params), repeat=3)
        print(f"  Argon2id {mem:>3} MiB t={it}: {t:.0f} ms, {pi_estimate(t)}")
    print(f"mnemonic -> seed (PBKDF2 2048): {best_ms(lambda: mnemonic_to_seed(ABANDON, 'pass')):.1f} ms")
    seed = Bip39Seed.from_mnemonic(ABANDON)
    plan = slip39.SplitPlan.parse("3of5")
    print(f"SLIP-39 split 3-of-5 (BIP-39 entropy): {best_ms(lambda: slip39.split_bip39(seed, plan)):.1f} ms")
    native = Slip39Seed.generate(256)
    groups = slip39.SplitPlan.parse("2:2of3,3of5,1of1")
    split_ms = best_ms(lambda: slip39.split_native(native, groups))
    print(f"SLIP-39 split 2 of 3 groups, 256-bit native: {split_ms:.1f} ms")
    shares = slip39.split_native(native, plan)[0][:3]
    print(f"SLIP-39 combine 3 shares + decrypt: {best_ms(lambda: slip39.master_secret(shares)):.1f} ms")
    both = best_ms(lambda: slip39.candidates(shares))
    print(
        f"SLIP-39 candidates (both wallets, fingerprint + first address): {both:.1f} ms, "
        f"{pi_estimate(both)}"
    )

    from signer.keys import dice, reveal

    rolls = "16253443521662534435216625344352166253443521662534" * 2
    def first_check() -> None:
        dice.run_limit.cache_clear()
        dice.check_rolls(rolls)

    first = best_ms(first_check, repeat=3)
    print(
        f"dice check of 100 rolls (run limit not cached): {first:.1f} ms, "
        f"{pi_estimate(first)}"
    )
    qr = best_ms(lambda: reveal.seedqr_image(seed, reveal.SeedQrFormat.STANDARD, canvas_px=240))
    print(f"SeedQR drawn for the screen: {qr:.1f} ms, {pi_estimate(qr)}")
