"""Settings > Update Airlock: a real update file, checked by signer.update with the image's key, is shown
with its version and release code and installed only after the person confirms; a refused one says why
and changes nothing."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ui_driver import unlocked

from signer.update import VerifiedUpdate, verify_update, write_update

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
STRANGER = Ed25519PrivateKey.from_private_bytes(bytes(range(7, 39)))


def update_file(tmp_path: Path, version: str, key: Ed25519PrivateKey = KEY) -> Path:
    root = tmp_path / "root.sqfs"
    root.write_bytes(b"hsqs" * 250_000)
    out = tmp_path / f"airlock-{version}.update"
    write_update(out, version, {"root.sqfs": root}, key)
    return out


def folder(tmp_path: Path, name: str = "v") -> Path:
    (tmp_path / name).mkdir()
    return tmp_path / name


def finder(path: Path, running: str = "0.1.0"):  # type: ignore[no-untyped-def]
    return lambda: verify_update(path, KEY.public_key(), running)


def settle(d) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if d.title not in ("Checking update", "Installing"):
            return
        d.tick()
    raise AssertionError(f"still working: {d.title}")


def test_a_signed_update_is_confirmed_then_installed(tmp_path: Path) -> None:
    path = update_file(tmp_path, "0.2.0")
    installed: list[VerifiedUpdate] = []
    _, d = unlocked(folder(tmp_path), find_update=finder(path), install_update=installed.append)
    d.choose("Settings")
    d.choose("Update Airlock")
    settle(d)
    assert d.title == "Install update?"
    body = d.content().extra["body"]
    assert "Airlock 0.2.0 replaces 0.1.0." in body and "1 MB" in body
    assert "Your seeds and vault are not touched." in body
    found = finder(path)()
    assert f"Release code {found.manifest_sha256[:16]}" in body
    assert d.content().items == ["Cancel", "Install"] and d.content().selected == 0  # the safe answer first
    assert installed == []  # nothing before the answer
    d.choose("Install")
    settle(d)
    assert d.title == "Update installed" and installed == [found]


def test_cancel_installs_nothing(tmp_path: Path) -> None:
    installed: list[VerifiedUpdate] = []
    path = update_file(tmp_path, "0.2.0")
    _, d = unlocked(folder(tmp_path), find_update=finder(path), install_update=installed.append)
    d.choose("Settings")
    d.choose("Update Airlock")
    settle(d)
    d.choose("Cancel")
    assert d.title == "Settings" and installed == []


def test_a_refused_update_says_why_and_asks_nothing(tmp_path: Path) -> None:
    installed: list[VerifiedUpdate] = []
    for path, reason in (
        (
            update_file(tmp_path, "0.0.9"),
            "Downgrade refused: the update is version 0.0.9, older than the installed 0.1.0.",
        ),
        (
            update_file(tmp_path, "0.3.0", key=STRANGER),
            "The update is not signed by the Airlock release key.",
        ),
    ):
        _, d = unlocked(
            folder(tmp_path, path.stem), find_update=finder(path), install_update=installed.append
        )
        d.choose("Settings")
        d.choose("Update Airlock")
        settle(d)
        assert d.title == "Update refused"
        assert d.content().extra["body"] == f"{reason} Nothing was changed."
    assert installed == []


def test_without_an_installer_the_confirmed_update_changes_nothing(tmp_path: Path) -> None:
    path = update_file(tmp_path, "0.2.0")
    _, d = unlocked(folder(tmp_path), find_update=finder(path))
    d.choose("Settings")
    d.choose("Update Airlock")
    settle(d)
    d.choose("Install")
    assert d.title == "Not installed"


def test_no_update_item_where_the_device_has_no_update_source(tmp_path: Path) -> None:
    _, d = unlocked(folder(tmp_path))
    d.choose("Settings")
    assert "Update Airlock" not in d.content().items
