"""Address check on one seed, worst case (the address is not ours, so every index is derived), and
the plain-QR decoders added for SeedSigner/Krux/Electrum forms (base43 of a full QR, mnemonic text)."""

from __future__ import annotations

from functools import partial

from bench.timing import best_ms, pi_estimate

ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


def run() -> None:
    from signer.address_lookup import SeedToSearch, check, parse_address_query
    from signer.keys.accounts import AccountSpec
    from signer.keys.bip39 import mnemonic_to_seed
    from signer.transport import base43, plain

    seed = mnemonic_to_seed(ABANDON)
    entry = SeedToSearch("main", lambda: seed, (AccountSpec("btc-84"), AccountSpec("eth")))
    cases = [
        ("bitcoin p2wpkh, 1000 x 2 chains", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
        ("bitcoin p2sh-p2wpkh, 1000 x 2", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        ("ethereum, 100 addresses", "0x" + "11" * 20),
    ]
    print(f"{'address check (not found)':34} {'ms':>8}")
    for label, text in cases:
        query = parse_address_query(text)
        ms = best_ms(partial(check, query, [entry]), repeat=3)
        print(f"{label:34} {ms:8.2f}   {pi_estimate(ms)}")
    # the longest base43 text one QR code holds (version 40, alphanumeric): the worst a scan decodes
    body = b"psbt\xff" + bytes(range(256)) * 12
    while len(base43.encode(body)) > base43.MAX_CHARS:
        body = body[:-1]
    big = base43.encode(body)
    words = " ".join(w[:4] for w in ABANDON.split())
    for label, text in ((f"base43 PSBT, {len(big)} chars", big), ("mnemonic text, 4-letter words", words)):
        ms = best_ms(partial(plain.recognise, text))
        print(f"{label:34} {ms:8.2f}   {pi_estimate(ms)}")
