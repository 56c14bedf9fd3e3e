"""Krux encrypted mnemonics through the CLI: ``backup export --format kef`` writes the text of a
Krux QR code; ``backup restore`` recognises such a code (or Krux's base64, hex, binary) by itself
and stores its seed; a wrong password or a bad file stores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ABANDON

from signer.cli import main
from signer.keys import kef, kef_mnemonic, kef_text
from signer.transport import base43

GCM_SD_CARD = "CEtFRmdjbUlEFAAACk9SoZNsPjJxIJ6dZL+jDD/X+v8sJY3z7oiBTgjTt9BbJh1mAQus1rbFF4D4HH+SVw=="
GCM_WORDS = (
    "alone lady rib jazz hold honey stem upgrade pass elite cinnamon joy fiction either dolphin knife "
    "nominee seed eternal make game unusual rigid pass"
)


@pytest.fixture(autouse=True)
def _passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRLOCK_PASSWORD", "cli vault password")
    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "krux key 1234")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def vault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret_input: Callable[[str, str], Path]
) -> str:
    path = str(tmp_path / "a.airlock")
    run(capsys, "vault", "init", "--vault", path)
    words = str(secret_input("m.txt", ABANDON))
    assert run(capsys, "vault", "add", "--vault", path, "--label", "main", "--mnemonic-file", words)[0] == 0
    return path


def test_export_writes_the_text_of_a_krux_qr_code_and_restores_elsewhere(
    tmp_path: Path, vault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "krux.txt"
    code, _, err = run(
        capsys, "backup", "export", "--vault", vault, "--seeds", "main", "--format", "kef", "-o", str(out)
    )
    assert code == 0 and "ID 73c5da0a, AES-GCM" in err
    text = out.read_text().strip()
    assert set(text) <= set(base43.ALPHABET)  # what the Krux QR code holds
    envelope = kef_mnemonic.inspect(text.encode())
    assert envelope.id == b"73c5da0a" and envelope.version == 20
    other = str(tmp_path / "b.airlock")
    code, stdout, err = run(capsys, "backup", "restore", "--vault", other, str(out), "--create")
    assert code == 0 and "restored '73c5da0a' (fingerprint 73c5da0a)" in stdout
    assert "Krux encrypted mnemonic: ID 73c5da0a, AES-GCM" in err
    listed = json.loads(run(capsys, "vault", "list", "--vault", other, "--json")[1])
    assert [(s["label"], s["fingerprint"]) for s in listed] == [("73c5da0a", "73c5da0a")]


@pytest.mark.parametrize("encoding", ["base64", "hex", "binary"])
def test_every_encoding_restores(tmp_path: Path, vault: str, capsys, encoding: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "krux.bin"
    args = [
        "backup",
        "export",
        "--vault",
        vault,
        "--seeds",
        "main",
        "--format",
        "kef",
        "--encoding",
        encoding,
    ]
    assert run(capsys, *args, "--kef-id", "my label", "-o", str(out))[0] == 0
    other = str(tmp_path / "b.airlock")
    code, stdout, _ = run(
        capsys, "backup", "restore", "--vault", other, str(out), "--create", "--label", "kept"
    )
    assert code == 0 and "restored 'kept' (fingerprint 73c5da0a) from ID my label" in stdout


def test_a_krux_sd_card_entry_restores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from signer.keys import bip39
    from signer.keys.accounts import fingerprint

    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "test key")  # the key of Krux's test vectors
    source = tmp_path / "seeds-entry.txt"
    source.write_text(GCM_SD_CARD + "\n")
    target = str(tmp_path / "v.airlock")
    code, stdout, _ = run(
        capsys, "backup", "restore", "--vault", target, str(source), "--create", "--format", "kef"
    )
    expected = fingerprint(bip39.mnemonic_to_seed(GCM_WORDS))
    assert code == 0 and f"restored 'KEFgcmID' (fingerprint {expected})" in stdout


def test_wrong_password_and_bad_files_store_nothing(
    tmp_path: Path, vault: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "krux.txt"
    run(capsys, "backup", "export", "--vault", vault, "--seeds", "main", "--format", "kef", "-o", str(out))
    other = tmp_path / "b.airlock"
    run(capsys, "vault", "init", "--vault", str(other))
    before = other.read_bytes()
    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "not the key")
    code, _, err = run(capsys, "backup", "restore", "--vault", str(other), str(out))
    assert code == 1 and "wrong password (or a damaged code)" in err
    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "krux key 1234")
    bad = tmp_path / "bad.bin"
    for content, message in [
        (b"\x02id\x09\x00\x00\x0a" + bytes(32), "KEF version 9 is not one Airlock reads"),
        (
            kef.unwrap(kef_text.candidates(out.read_bytes())[0]).id + b"!",
            "neither an Airlock backup nor a Krux",
        ),
    ]:
        bad.write_bytes(content)
        code, _, err = run(capsys, "backup", "restore", "--vault", str(other), str(bad))
        assert code == 1 and message in err
    assert other.read_bytes() == before
    code, _, err = run(capsys, "backup", "restore", "--vault", str(other), str(out))
    assert code == 0
    code, _, err = run(capsys, "backup", "restore", "--vault", str(other), str(out), "--label", "again")
    assert code == 1 and "already stored as '73c5da0a'" in err


def test_export_needs_exactly_one_seed(
    tmp_path: Path, vault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "k.txt")
    code, _, err = run(capsys, "backup", "export", "--vault", vault, "--format", "kef", "-o", out)
    assert code == 2 and "holds one seed: give --seeds LABEL" in err
    assert not Path(out).exists()


def test_one_seed_of_a_krux_seeds_json_restores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Krux's SD card file (its test suite's seeds.json: KEF entries and two of the older layout)."""
    from test_kef import CTR_WORDS, KRUX_SEEDS_JSON

    from signer.keys import bip39
    from signer.keys.accounts import fingerprint

    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "test key")
    doc = {name: {"b64_kef": b64} for name, (b64, _) in KRUX_SEEDS_JSON.items()}
    doc["ecbID"] = {"version": 0, "key_iterations": 100000, "data": "sMCvAUvVpGSCsXsBl7EBNGPZLymZ"}
    source = tmp_path / "seeds.json"
    source.write_text(json.dumps(doc))
    target = str(tmp_path / "v.airlock")
    code, _, err = run(capsys, "backup", "restore", "--vault", target, str(source), "--create")
    assert (
        code == 2 and "holds 4 seeds: say which with --kef-id (KEFcbcID, KEFctrID, KEFecbID, KEFgcmID)" in err
    )
    code, stdout, _ = run(
        capsys, "backup", "restore", "--vault", target, str(source), "--create", "--kef-id", "KEFctrID"
    )
    expected = fingerprint(bip39.mnemonic_to_seed(CTR_WORDS))
    assert code == 0 and f"restored 'KEFctrID' (fingerprint {expected})" in stdout
