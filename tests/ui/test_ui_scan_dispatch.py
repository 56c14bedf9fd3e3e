"""Scan from the home menu: a multisig wallet to register, an address to check, an encrypted backup
to restore, and codes the device has nothing to do with."""

from __future__ import annotations

from pathlib import Path

import pytest
from embit.bip32 import HDKey
from embit.bip39 import mnemonic_to_seed
from ui_driver import ABANDON, ABANDON_FP, KDF, LEGAL, PASSWORD, FrameCamera, qr_images, unlocked
from ui_txbuilders import ABANDON_ETH

from signer.keys.vault import Vault
from signer.transport.frames import render_qr
from ui import text
from ui.events import Key

LEGAL_FP = "b8688df1"


def cosigner(mnemonic: str, fp: str) -> str:
    key = HDKey.from_seed(mnemonic_to_seed(mnemonic)).derive("m/48h/0h/0h/2h").to_public()
    return f"[{fp}/48h/0h/0h/2h]{key.to_base58()}/<0;1>/*"


def scan(d, camera: FrameCamera, images: list) -> None:  # type: ignore[no-untyped-def,type-arg]
    camera.show(images)
    d.choose("Scan")
    d.tick(12)
    d.settle()


def test_register_multisig_wallet(tmp_path: Path) -> None:
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    descriptor = f"wsh(sortedmulti(2,{cosigner(ABANDON, ABANDON_FP)},{cosigner(LEGAL, LEGAL_FP)}))"
    scan(d, camera, [render_qr(descriptor, module_px=3)])
    content = d.content()
    assert content.title.startswith("Multisig"), d.text()
    facts = dict(content.extra["facts"])
    assert facts["Policy"] == "2 of 2, native segwit P2WSH"
    assert any("(this seed)" in label for label, _ in content.extra["facts"])
    while not d.content().extra["seen_all"]:
        d.press(Key.DOWN)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Registered"
    stored = Vault.open(session.vault_path, PASSWORD).get("main").multisig
    assert len(stored) == 1 and stored[0]["descriptor"].startswith("wsh(sortedmulti(2,")
    d.choose("OK")
    d.choose("Seeds")
    d.choose("main")
    d.choose("Multisig wallets")
    d.choose(stored[0]["name"])
    d.choose("Receive addresses")
    assert d.content().items[0].startswith("0 bc1q")


def test_multisig_without_our_key_is_refused(tmp_path: Path) -> None:
    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    other = " ".join(["zoo"] * 23 + ["vote"])
    descriptor = f"wsh(sortedmulti(1,{cosigner(LEGAL, LEGAL_FP)},{cosigner(other, '12345678')}))"
    scan(d, camera, [render_qr(descriptor, module_px=3)])
    assert d.title == "Not registered" and "seeds (73c5da0a) is a cosigner" in d.text()


def test_address_check(tmp_path: Path) -> None:
    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    scan(d, camera, [render_qr("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el", module_px=4)])
    assert d.title == "Address is ours" and "Change address #0" in d.text()
    d.choose("OK")
    scan(d, camera, [render_qr("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", module_px=4)])
    assert d.title == "Not found"
    d.choose("OK")
    scan(d, camera, [render_qr(ABANDON_ETH, module_px=4)])
    assert d.title == "Address is ours" and "m/44h/60h/0h/0/0" in d.text()


BIP84_0 = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"


@pytest.mark.parametrize(
    "qr",
    [
        f"bitcoin:{BIP84_0}?amount=0.001&label=Coffee",
        f"bitcoin:{BIP84_0}?foo",
        f"BITCOIN:{BIP84_0.upper()}?AMOUNT=0.001",
        BIP84_0.upper(),
    ],
)
def test_address_check_of_every_bitcoin_form_shows_the_address_and_says_it_is_ours(
    tmp_path: Path, qr: str
) -> None:
    """Issue 9.5: a bitcoin: URI showed a Python repr and 'Not found' for our own address."""
    from signer.address_lookup import SeedToSearch, check, parse_address_query
    from signer.keys.bip39 import mnemonic_to_seed

    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    scan(d, camera, [render_qr(qr, module_px=3)])
    assert d.title == "Address is ours", d.text()
    body = d.content().extra["body"]
    assert body.startswith(text.chunked(BIP84_0) + "\n") and "BitcoinAddress(" not in body
    # the same words as airlock address check
    cli = check(parse_address_query(qr), [SeedToSearch("main", lambda: mnemonic_to_seed(ABANDON))])
    assert body.split("\n")[1:] == cli.lines()


def test_address_check_of_an_eip681_request(tmp_path: Path) -> None:
    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    scan(d, camera, [render_qr(f"ethereum:{ABANDON_ETH.lower()}@1", module_px=3)])
    assert d.title == "Address is ours" and d.content().extra["body"].startswith(text.chunked(ABANDON_ETH))
    d.choose("OK")
    scan(
        d,
        camera,
        [render_qr(f"ethereum:{ABANDON_ETH}@1/approve?address={ABANDON_ETH}&uint256=1", module_px=3)],
    )
    assert d.title == "Not an address" and "calls 'approve'" in d.text()


def test_not_found_says_what_was_searched_with_the_address_in_full(tmp_path: Path) -> None:
    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    stranger = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    scan(d, camera, [render_qr(f"bitcoin:{stranger}?amount=1", module_px=3)])
    assert d.title == "Not found"
    assert d.content().extra["body"] == (
        f"{text.chunked(stranger)}\nNot found in the first 1000 receive and change addresses of "
        "BIP-84 native segwit account 0 of the seed 'main'."
    )


def test_backup_scanned_from_home_restores_into_the_vault(tmp_path: Path) -> None:
    from signer.btc.multisig_registry import check_seed_records
    from signer.keys.backup import export_backup
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import SeedEntry

    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    entry = SeedEntry("legal", Bip39Seed.from_mnemonic(LEGAL), LEGAL_FP, "2025-01-01T00:00:00+00:00")
    scan(d, camera, qr_images(export_backup([entry], "backup pw 77", KDF, check=check_seed_records)))
    assert d.title == "Backup password"
    d.type_text("backup pw 77")
    assert d.title == "Backup restored" and "legal" in d.text()
    assert Vault.open(session.vault_path, PASSWORD).labels() == ["main", "legal"]


def test_things_with_nothing_to_do(tmp_path: Path) -> None:
    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    scan(d, camera, [render_qr("hello there", module_px=4)])
    assert d.title == "Scan" and d.content().warnings == [
        ("danger", "Not an Airlock request: plain text.")
    ]
    d.press(Key.KEY3)
    key = HDKey.from_seed(mnemonic_to_seed(LEGAL)).derive("m/84h/0h/0h").to_public().to_base58()
    scan(d, camera, [render_qr(key, module_px=3)])
    assert d.title == "Nothing to do" and "public key" in d.text()


def test_a_wallet_with_a_unicode_digit_threshold_is_an_error_not_a_crash(tmp_path: Path) -> None:
    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    descriptor = f"wsh(sortedmulti(²,{cosigner(ABANDON, ABANDON_FP)},{cosigner(LEGAL, LEGAL_FP)}))"
    scan(d, camera, [render_qr(descriptor, module_px=3)])  # int("²") used to escape the scan loop
    assert d.title == "Not registered" and "is not a number" in d.text()


def test_mnemonic_words_as_text_import_a_seed(tmp_path: Path) -> None:
    """A SeedSigner/Krux word QR (words as plain text, here 4-letter prefixes in upper case) scanned
    from home goes to the seed import, like a SeedQR."""
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    scan(d, camera, [render_qr(" ".join(w[:4] for w in LEGAL.split()).upper(), module_px=3)])
    assert d.title == "Seed ready" and LEGAL_FP in d.text()
    d.choose("Save")
    d.type_text("words")
    assert sorted(s.fingerprint for s in Vault.open(session.vault_path, PASSWORD).seeds) == sorted(
        [ABANDON_FP, LEGAL_FP]
    )


def test_mnemonic_text_with_a_bad_checksum_is_refused_on_the_scan_screen(tmp_path: Path) -> None:
    camera = FrameCamera()
    _, d = unlocked(tmp_path, camera=camera)
    scan(d, camera, [render_qr(LEGAL.replace("yellow", "winner"), module_px=3)])
    assert d.title == "Scan"
    ((severity, message),) = d.content().warnings
    assert severity == "danger" and "checksum does not match" in message and "winner" not in message
