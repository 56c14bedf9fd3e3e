"""Unlock and lock, auto-lock after idle time (secrets wiped), a damaged vault (the device says so,
changes nothing, restores from an encrypted backup into a new file beside the kept damaged one),
the network warning, and settings kept encrypted in the vault."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_driver import (
    ABANDON,
    ABANDON_FP,
    KDF,
    PASSWORD,
    FrameCamera,
    make_session,
    qr_images,
    start,
    unlocked,
    vault_with,
)

from signer.btc.multisig_registry import check_seed_records
from signer.keys.backup import export_backup
from signer.keys.vault import Vault
from signer.netcheck import Interface
from ui.events import Key


def test_wrong_password_then_right_one(tmp_path: Path) -> None:
    vault_with(tmp_path, {"main": ABANDON})
    session = make_session(tmp_path)
    d = start(session)
    assert d.title == "Airlock" and d.content().lines == ["Locked"]
    d.choose("Unlock")
    d.type_text("not the password")
    assert d.title == "Wrong password" and session.vault is None
    d.choose("OK")
    assert d.title == "Vault password" and d.content().extra["length"] == 0
    d.type_text(PASSWORD)
    assert session.vault is not None and d.title == "Airlock"
    assert "Scan" in d.content().items


def test_auto_lock_wipes_secrets(tmp_path: Path) -> None:
    vault_with(tmp_path, {"main": ABANDON}, auto_lock_s=60)
    session = make_session(tmp_path)
    d = start(session)
    d.choose("Unlock")
    d.type_text(PASSWORD)
    d.choose("Seeds")
    d.choose("main")
    entry = session.vault.get("main")  # type: ignore[union-attr]
    assert session.setting("auto_lock_s") == 60
    d.tick(int(59 / 0.05))
    assert session.vault is not None  # not yet
    d.press(Key.DOWN)  # activity resets the timer
    d.tick(int(59 / 0.05))
    assert session.vault is not None
    d.tick(int(2 / 0.05))
    assert session.vault is None and d.title == "Airlock" and d.content().lines == ["Locked"]
    assert entry.material.entropy.wiped  # type: ignore[union-attr]
    assert len(d.app.stack) == 1


def test_auto_lock_wipes_words_on_screen(tmp_path: Path) -> None:
    session, d = unlocked(tmp_path)
    d.choose("Seeds")
    d.choose("main")
    d.choose("SLIP-39 backup")
    d.type_text(PASSWORD)  # the vault password again before a secret is shown
    d.choose("Continue")
    d.choose("2 of 3 shares")
    d.choose("Share 1 of 3")
    d.choose("Show words")
    screen = d.app.screen
    d.press(Key.PRESS)
    assert len(d.content().lines) == 6
    d.tick(int(301 / 0.05))  # default auto-lock: 5 minutes
    assert session.vault is None
    assert all(w == "" for w in screen.words)  # type: ignore[attr-defined]


def test_lock_from_the_menu(tmp_path: Path) -> None:
    session, d = unlocked(tmp_path)
    d.choose("Lock")
    assert session.vault is None and d.content().lines == ["Locked"]


def _damage(path: Path) -> bytes:
    blob = bytearray(path.read_bytes())
    blob[100] ^= 0x01
    path.write_bytes(bytes(blob))
    return bytes(blob)


def test_damaged_vault_is_reported_and_restored_from_backup(tmp_path: Path) -> None:
    path = vault_with(tmp_path, {"main": ABANDON})
    vault = Vault.open(path, PASSWORD)
    backup = export_backup(vault.seeds, "backup pass 1", KDF, check=check_seed_records)
    vault.lock()
    damaged = _damage(path)
    camera = FrameCamera()
    session = make_session(tmp_path, camera=camera)
    d = start(session)
    assert d.title == "Vault damaged"
    assert "damaged (checksum mismatch)" in d.text() and "Nothing has been changed" in d.text()
    assert d.content().warnings and d.content().warnings[0][0] == "danger"
    d.frame()
    d.choose("Options")
    assert d.content().items[0] == "Restore from backup"
    assert path.read_bytes() == damaged  # looking changed nothing
    camera.show(qr_images(backup))
    d.choose("Restore from backup")
    d.tick(10)
    assert d.title == "Backup password", d.text()
    d.type_text("wrong backup pw")
    assert d.title == "Wrong password"
    d.choose("OK")
    d.type_text("backup pass 1")
    assert d.title == "New vault password"
    d.type_text("new vault pass")
    d.type_text("new vault pass")
    assert d.title == "Vault restored", d.text()
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("device.vault.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged and kept[0].name in d.content().extra["body"]
    restored = Vault.open(path, "new vault pass")
    assert restored.get("main").fingerprint == ABANDON_FP
    assert restored.get("main").material.mnemonic() == ABANDON  # type: ignore[union-attr]
    prev_kept = [p for p in tmp_path.iterdir() if p.name.startswith("device.vault.prev.before-restore-")]
    assert len(prev_kept) == 1  # the old .prev generation is kept too


def test_vault_failing_authentication_is_damaged_not_a_wrong_password(tmp_path: Path) -> None:
    """A file whose checksum was fixed up after tampering: the right password opens the header
    check but the AEAD fails. The device must call it damaged and offer the previous copy."""
    import hashlib

    path = vault_with(tmp_path, {"main": ABANDON})
    vault = Vault.open(path, PASSWORD)
    vault.update_settings(device={"auto_lock_s": 120})  # a second save: .prev holds a good generation
    vault.lock()
    blob = bytearray(path.read_bytes())
    blob[80] ^= 0x01  # inside the ciphertext
    blob[-32:] = hashlib.sha256(bytes(blob[:-32])).digest()
    path.write_bytes(bytes(blob))
    session = make_session(tmp_path)
    d = start(session)
    assert d.title == "Airlock"  # the structure checks out without the password
    d.choose("Unlock")
    d.type_text(PASSWORD)
    assert d.title == "Vault damaged" and "authentication" in d.text()
    assert path.read_bytes() == bytes(blob)
    d.choose("Options")
    d.choose("Use previous copy")
    d.type_text(PASSWORD)
    assert d.title == "Vault restored", d.text()
    assert session.vault is not None and session.vault.get("main").fingerprint == ABANDON_FP
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("device.vault.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(blob)


def test_network_interfaces_need_acknowledging(tmp_path: Path) -> None:
    session = make_session(tmp_path, interfaces=[Interface("wlan0", True, True)])
    d = start(session)
    assert (
        d.title == "Network detected"
        and "This device is connected: wlan0 is up." in d.content().extra["body"]
    )
    d.press(Key.KEY3)  # cannot be dismissed by going back
    assert d.title == "Network detected"
    d.choose("I understand")
    assert d.title == "Welcome to Airlock"
    assert d.content().warnings == [("danger", "NETWORK UP: wlan0")]


ETH0_DOWN, WLAN0_DOWN, WLAN0_UP = (
    Interface("eth0", False, False),
    Interface("wlan0", False, True),
    Interface("wlan0", True, True),
)


@pytest.mark.parametrize(
    ("interfaces", "title", "severity", "said", "banner"),
    [
        (
            [ETH0_DOWN],
            "Network hardware found",
            "warn",
            "This device has network hardware: eth0 (down). It is not connected now, but it could be",
            "Network hardware present: eth0 (down)",
        ),
        (
            [ETH0_DOWN, WLAN0_DOWN],
            "Network hardware found",
            "warn",
            "This device has network hardware: eth0 and wlan0 (down). It is not connected now",
            "Network hardware present, down: eth0, wlan0",
        ),
        (
            [ETH0_DOWN, WLAN0_UP],
            "Network detected",
            "danger",
            "This device is connected: wlan0 is up.",
            "NETWORK UP: wlan0",
        ),
    ],
)
def test_the_network_banner_names_only_what_is_up_as_up(
    tmp_path: Path, interfaces: list[Interface], title: str, severity: str, said: str, banner: str
) -> None:
    """Interfaces that are down used to be listed as "NETWORK UP"; hardware that is only present gets
    a milder warning, and the first-start screen says which interfaces are up and which only present."""
    from test_ui_layout import check_screen

    d = start(make_session(tmp_path, interfaces=interfaces))
    assert d.title == title and d.content().extra["severity"] == severity
    assert d.content().extra["body"].startswith(said)
    assert ("Also present, down: eth0." in d.content().extra["body"]) == (severity == "danger")
    d.choose("I understand")
    assert d.title == "Welcome to Airlock" and d.content().warnings == [(severity, banner)]
    check_screen(d.app.screen, "welcome with the network banner")


def test_settings_are_kept_in_the_vault(tmp_path: Path) -> None:
    session, d = unlocked(tmp_path)
    d.choose("Settings")
    d.choose("Auto-lock")
    d.choose("10 min")
    assert session.setting("auto_lock_s") == 600
    d.choose("Camera mirror")
    assert session.setting("camera_mirror") is True
    stored = Vault.open(session.vault_path, PASSWORD)
    assert (
        stored.settings["device"]["auto_lock_s"] == 600 and stored.settings["device"]["camera_mirror"] is True
    )
    assert b"auto_lock_s" not in session.vault_path.read_bytes()  # encrypted with the rest


def test_about_shows_the_code_fingerprint(tmp_path: Path) -> None:
    from ui.about import code_fingerprint

    session = make_session(tmp_path)
    d = start(session)
    d.choose("About")
    fingerprint = code_fingerprint()
    assert len(fingerprint) == 64
    assert fingerprint[:8] in d.text().replace(" ", "")


def test_the_device_keyboard_types_every_character_the_password_rule_allows() -> None:
    """The rule allows exactly what the device can type, so a vault made with the CLI always opens here."""
    from ui_driver import Driver

    from signer.keys.passwords import MAX_LENGTH, TYPABLE
    from ui.app import App
    from ui.screens.keyboard import Keyboard

    typed: list[str] = []
    everything = "".join(sorted(TYPABLE))
    d = Driver(
        App(Keyboard("Vault password", lambda v: typed.append(v) or None, mask=True, max_len=MAX_LENGTH))
    )
    d.type_text(everything)
    assert typed == [everything]


def test_the_device_backup_password_follows_the_same_rule(tmp_path: Path) -> None:
    _session, d = unlocked(tmp_path)
    d.choose("Seeds")
    d.choose("main")
    d.choose("Encrypted backup")
    d.type_text(PASSWORD)  # the vault password again before a secret is shown
    d.choose("Continue")
    d.type_text("short")
    assert d.title == "Backup password"
    assert any("a backup password needs at least 8 characters" in m for _, m in d.content().warnings)


@pytest.mark.parametrize("first_tick", [0.05, 86_400.0])  # the device's clock is monotonic: any value
def test_input_before_the_first_tick_does_not_auto_lock(tmp_path: Path, first_tick: float) -> None:
    """A key handled before the app's first tick starts the idle time at that tick, not at 0.0."""
    from ui.device import build_app
    from ui.events import Input

    path = vault_with(tmp_path, {"main": ABANDON}, auto_lock_s=60)
    session = make_session(tmp_path)
    session.unlocked(Vault.open(path, PASSWORD))
    app = build_app(session)
    app.handle(Input.press(Key.DOWN))
    app.tick(first_tick)
    assert session.vault is not None and not app.locked_by_timer  # type: ignore[attr-defined]
    app.tick(first_tick + 59)
    assert session.vault is not None
    app.tick(first_tick + 60)
    assert session.vault is None and app.locked_by_timer  # type: ignore[attr-defined]
