"""One password rule for every new vault and backup password, on the CLI and the device alike;
passwords set before the rule existed still open what they protect."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ABANDON

from signer.cli import main
from signer.keys import envelope
from signer.keys.errors import WeakPassword
from signer.keys.passwords import MAX_LENGTH, MIN_LENGTH, TYPABLE, check_new_password, password_problem
from signer.keys.seed import Bip39Seed
from signer.keys.vault import Vault

GOOD = "eight ch"
SHORT = "x" * (MIN_LENGTH - 1)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("", "at least 8"),
        (SHORT, "at least 8"),
        ("x" * (MAX_LENGTH + 1), "at most 128"),
        ("pässwört-1234", "what the device keyboard can type"),
        ("tab\there-1234", "what the device keyboard can type"),
    ],
)
def test_the_rule_refuses(password: str, reason: str) -> None:
    problem = password_problem(password, "backup password")
    assert problem is not None and reason in problem and problem.startswith("a backup password ")
    with pytest.raises(WeakPassword, match=reason):
        check_new_password(password)


def test_the_rule_never_quotes_the_password() -> None:
    for password in (SHORT, "pässwört-1234", "y" * 200):
        problem = password_problem(password) or ""
        assert password not in problem and "ä" not in problem and str(len(password)) not in problem


@pytest.mark.parametrize("password", [GOOD, "x" * MAX_LENGTH, "".join(sorted(TYPABLE))[:MAX_LENGTH]])
def test_the_rule_accepts(password: str) -> None:
    assert password_problem(password) is None
    check_new_password(password)


def test_typable_is_printable_ascii() -> None:
    assert len(TYPABLE) == 95 and " " in TYPABLE and "~" in TYPABLE and "\x7f" not in TYPABLE


# -- the CLI --------------------------------------------------------------------------------
def test_vault_init_refuses_a_short_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "new" / "v.airlock"
    monkeypatch.setenv("AIRLOCK_PASSWORD", "x")
    code, _, err = run(capsys, "vault", "init", "--vault", str(vault))
    assert code == 1 and "a vault password needs at least 8 characters" in err
    assert not vault.parent.exists()  # nothing was created, not even the folder
    monkeypatch.setenv("AIRLOCK_PASSWORD", GOOD)
    assert run(capsys, "vault", "init", "--vault", str(vault))[0] == 0


def test_vault_passwd_refuses_a_short_new_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "v.airlock"
    monkeypatch.setenv("AIRLOCK_PASSWORD", GOOD)
    run(capsys, "vault", "init", "--vault", str(vault))
    before = vault.read_bytes()
    monkeypatch.setenv("AIRLOCK_NEW_PASSWORD", "pässwört-1234")
    code, _, err = run(capsys, "vault", "passwd", "--vault", str(vault))
    assert code == 1 and "device keyboard" in err and vault.read_bytes() == before
    monkeypatch.setenv("AIRLOCK_NEW_PASSWORD", SHORT)
    code, _, err = run(capsys, "vault", "passwd", "--vault", str(vault))
    assert code == 1 and "at least 8" in err and vault.read_bytes() == before


def test_backup_export_refuses_a_short_backup_password(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    secret_input: Callable[[str, str], Path],
) -> None:
    vault, out = tmp_path / "v.airlock", tmp_path / "backup.bin"
    monkeypatch.setenv("AIRLOCK_PASSWORD", GOOD)
    run(capsys, "vault", "init", "--vault", str(vault))
    words = str(secret_input("m.txt", ABANDON))
    run(capsys, "vault", "add", "--vault", str(vault), "--label", "main", "--mnemonic-file", words)
    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "pw")
    code, _, err = run(capsys, "backup", "export", "--vault", str(vault), "-o", str(out))
    assert code == 1 and "a backup password needs at least 8 characters" in err and not out.exists()


def test_restore_into_a_new_vault_refuses_a_short_vault_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from signer.btc.multisig_registry import check_seed_records
    from signer.keys.backup import export_backup

    source = Vault.create(tmp_path / "source", GOOD, envelope.TEST_KDF)
    source.add_seed("main", Bip39Seed.from_mnemonic(ABANDON))
    blob = tmp_path / "backup.bin"
    sealed = export_backup(source.seeds, "backup password", envelope.TEST_KDF, check=check_seed_records)
    blob.write_bytes(sealed)
    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "backup password")
    monkeypatch.setenv("AIRLOCK_PASSWORD", "short")
    target = tmp_path / "new" / "v.airlock"
    code, _, err = run(capsys, "backup", "restore", "--vault", str(target), str(blob), "--create")
    assert code == 1 and "a vault password needs at least 8" in err and not target.parent.exists()


def test_an_old_vault_with_a_short_password_still_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.airlock"
    old = Vault.create(path, "abc", envelope.TEST_KDF)  # made before the rule existed
    old.add_seed("main", Bip39Seed.from_mnemonic(ABANDON))
    old.lock()
    monkeypatch.setenv("AIRLOCK_PASSWORD", "abc")
    code, out, _ = run(capsys, "vault", "list", "--vault", str(path))
    assert code == 0 and out.startswith("main")
    monkeypatch.setenv("AIRLOCK_NEW_PASSWORD", "a longer password")
    assert run(capsys, "vault", "passwd", "--vault", str(path))[0] == 0
    assert Vault.open(path, "a longer password").labels() == ["main"]
