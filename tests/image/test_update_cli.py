"""``airlock update sign|verify|public-key``: the maintainers sign with a password-protected release
key; anyone checks the file with the public key, exactly as the device does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signer.cli import main

PASSWORD = "release key password for tests"


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path, Path]:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    private = tmp_path / "release.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        )
    )
    public = tmp_path / "update-key.pub"
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    password = tmp_path / "password.txt"
    password.write_text(PASSWORD + "\n")
    return private, public, password


def test_sign_then_verify_as_the_device_does(
    tmp_path: Path, keys: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    private, public, password = keys
    root = tmp_path / "root.sqfs"
    root.write_bytes(b"hsqs" * 1000)
    out = tmp_path / "airlock-0.2.0.update"
    sign = ["update", "sign", "--key", str(private), "--key-password-file", str(password)]
    assert main([*sign, "--version", "0.2.0", "--file", f"root.sqfs={root}", "--out", str(out)]) == 0
    signed = json.loads(capsys.readouterr().out)
    assert main(["update", "verify", str(out), "--public-key", str(public), "--running", "0.1.0"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["ok"] is True and checked["version"] == "0.2.0"
    assert checked["manifest_sha256"] == signed["manifest_sha256"]
    assert list(checked["files"]) == ["root.sqfs"]

    assert main(["update", "verify", str(out), "--public-key", str(public), "--running", "0.2.0"]) == 3
    assert (
        capsys.readouterr().err.strip() == "airlock: this update is version 0.2.0, which is already installed"
    )

    assert main(["update", "public-key", "--key", str(private), "--key-password-file", str(password)]) == 0
    assert capsys.readouterr().out == public.read_text()


def test_a_wrong_password_or_key_file_is_one_clear_line(
    tmp_path: Path, keys: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    private, public, _ = keys
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n")
    root = tmp_path / "root.sqfs"
    root.write_bytes(b"x")
    out = tmp_path / "u.update"
    argv = ["update", "sign", "--key", str(private), "--key-password-file", str(wrong), "--version", "1.0"]
    assert main([*argv, "--file", f"root.sqfs={root}", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a PEM private key this password opens" in err
    assert not out.exists()
    assert (
        main(
            [
                "update",
                "sign",
                "--key",
                str(public),
                "--version",
                "1.0",
                "--file",
                f"r={root}",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "is not a PEM private key" in capsys.readouterr().err


def test_the_device_finds_the_one_update_file_and_checks_it_with_the_image_key(
    tmp_path: Path, keys: tuple[Path, Path, Path]
) -> None:
    from importlib.metadata import version

    from app.device import update_finder
    from signer.update import UpdateError, write_update

    _, public, _ = keys
    folder = tmp_path / "updates"
    folder.mkdir()
    assert update_finder({}, key_path=public) is None  # no folder: no menu item
    assert update_finder({"AIRLOCK_UPDATE_DIR": str(folder)}, key_path=tmp_path / "none.pub") is None
    find = update_finder({"AIRLOCK_UPDATE_DIR": str(folder)}, key_path=public)
    assert find is not None
    with pytest.raises(UpdateError, match="no update file in"):
        find()
    root = tmp_path / "root.sqfs"
    root.write_bytes(b"hsqs")
    running = version("airlock")
    newer = ".".join([*running.split(".")[:-1], str(int(running.split(".")[-1]) + 1)])
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    write_update(folder / f"airlock-{newer}.update", newer, {"root.sqfs": root}, key)
    found = find()
    assert found.version == newer and found.running_version == running
    write_update(folder / "second.update", newer, {"root.sqfs": root}, key)
    with pytest.raises(UpdateError, match="2 update files"):
        find()
