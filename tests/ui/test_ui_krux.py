"""Krux encrypted QR codes on the device: a code made by Krux loads (ID, version and key rounds shown
before the password; a wrong password stores nothing), and a seed is shown as a code that a Krux
loads with the password typed twice."""

from __future__ import annotations

from pathlib import Path

from ui_driver import ABANDON, ABANDON_FP, PASSWORD, FrameCamera, collect_qr, unlocked

from signer.keys import bip39, kef_mnemonic
from signer.keys.vault import Vault
from signer.transport import base43
from signer.transport.frames import decode_qr_image, render_qr
from ui.events import Key

# Krux's own encrypted mnemonic QR codes of these words (selfcustody/krux tests/test_encryption.py),
# made with the key "test key" and the ID "test ID": AES-GCM (shown by Krux as base43 text) and the
# legacy AES-CBC code (shown as a binary QR code).
WORDS = "crush inherit small egg include title slogan mom remain blouse boost bonus"
KRUX_GCM = (
    b"\x07test ID\x14\x00\x00\nOR\xa1\x93l>2q \x9e\x9dd\xbf\xb7vo]]\x8aO\x90\x8e\x86\xe784L\x02]\x8f\xedT"
)
KRUX_CBC_V1 = (
    b"\x07test ID\x01\x00\x00\nOR\xa1\x93l>2q \x9e\x9dd\x05\x9e\xd7\x8e\x01\x03`u_\xd7\xab/N\xbc@\x19"
    b'\xcc\n"\xc5\x8a^3xt\xa4\xb3\x0bK\xca\x8a@\x82\xdaz\xd3'
)


def fingerprint(words: str) -> str:
    from signer.keys.accounts import fingerprint as fp

    return fp(bip39.mnemonic_to_seed(words))


def said(d) -> str:  # type: ignore[no-untyped-def]
    """The screen's text as one line (a message wraps over several)."""
    return " ".join(d.text().split())


def scan_krux(d, camera: FrameCamera, content: str | bytes) -> None:  # type: ignore[no-untyped-def]
    camera.show([render_qr(content, module_px=4)])
    d.choose("Seeds")
    d.choose("Add a seed")
    d.choose("Krux encrypted QR")
    d.tick(3)
    d.settle()


def test_a_krux_code_loads_into_the_vault(tmp_path: Path) -> None:
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    scan_krux(d, camera, base43.encode(KRUX_GCM))
    assert d.title == "Krux encrypted QR" and "ID test ID, AES-GCM, 100,000 key rounds" in said(d)
    d.choose("Password")
    d.type_text("test kex")  # a typo: nothing is stored
    assert d.title == "Wrong password"
    assert Vault.open(session.vault_path, PASSWORD).labels() == ["main"]
    d.choose("OK")
    assert d.title == "Krux password" and d.content().extra["length"] == 0  # the typo is gone
    d.type_text("test key")
    assert d.title == "Seed ready" and fingerprint(WORDS) in d.text()
    d.choose("Save")
    d.type_text("")  # keep the suggested label: the code's ID
    stored = Vault.open(session.vault_path, PASSWORD).get("test ID")
    assert stored.fingerprint == fingerprint(WORDS) and stored.material.mnemonic() == WORDS


def test_a_legacy_binary_krux_code_loads_as_a_temporary_seed(tmp_path: Path) -> None:
    camera = FrameCamera()
    session, d = unlocked(tmp_path, camera=camera)
    d.choose("Lock")
    camera.show([render_qr(KRUX_CBC_V1, module_px=4)])
    d.choose("Temporary seed")
    d.choose("Krux encrypted QR")
    d.tick(3)
    d.settle()
    assert "ID test ID, AES-CBC v1" in said(d)
    d.choose("Password")
    d.type_text("test key")
    d.choose("Use it")
    assert session.seeds()[0].fingerprint == fingerprint(WORDS)


def test_codes_that_cannot_load_say_why(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    scan_krux(d, camera, b"\x07test ID\x02\x00\x00\n" + bytes(32))
    assert d.title == "Cannot read" and "KEF version 2 is not one Airlock reads" in said(d)
    d.go_home()
    scan_krux(d, camera, "signmessage m/84h/0h/0h/0/0 ascii:hello")
    assert d.title == "Scan Krux QR"
    assert "not a Krux encrypted QR" in d.content().warnings[0][1]


def test_a_seed_is_shown_as_a_code_krux_loads(tmp_path: Path) -> None:
    _session, d = unlocked(tmp_path)
    d.choose("Backups")
    d.choose("Krux encrypted QR")
    assert d.title == "Vault password"  # the words leave the device: asked again, as for shares
    d.type_text(PASSWORD)
    assert d.title == "Krux encrypted QR" and f"ID {ABANDON_FP}" in said(d)
    d.choose("Continue")
    d.type_text("krux pass 42")
    d.type_text("krux pass 4")  # the second entry must match
    assert d.title == "Repeat password" and "does not match" in d.content().warnings[0][1]
    for _ in range(len("krux pass 4")):
        d.press(Key.KEY1)  # delete, then type it right
    d.type_text("krux pass 42")
    d.settle()
    assert d.title == "Krux encrypted QR" and d.content().extra["format"] == "Krux"
    (frame,) = collect_qr(d)
    (content,) = decode_qr_image(frame)
    assert set(content.decode()) <= set(base43.ALPHABET)  # base43 text, as Krux shows it
    found = kef_mnemonic.read_mnemonic(content, "krux pass 42")
    assert found.material.mnemonic() == ABANDON and found.envelope.id_text == ABANDON_FP
