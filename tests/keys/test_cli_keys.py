"""The ``airlock`` seed, vault, account, slip39 and backup commands, as a power user runs them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ABANDON

from signer.cli import main


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRLOCK_PASSWORD", "cli vault password")
    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "cli backup password")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_new_and_check(capsys: pytest.CaptureFixture[str]) -> None:
    rolls = "16253443521662534435216625344352166253443521662534"
    code, out, err = run(capsys, "seed", "new", "--words", "12", "--dice", rolls)
    assert code == 0 and len(out.split()) == 12 and "50 dice rolls (129.2 bits claimed)" in err
    code, out, err = run(capsys, "seed", "new", "--words", "12", "--dice", "3" * 50)
    assert code == 0 and len(out.split()) == 12 and "all 50 rolls are 3" in err and "claimed" not in err
    code, out, _ = run(capsys, "seed", "check", *out.split())
    assert code == 0 and out.startswith("valid: 12 words, fingerprint ")
    code, _, err = run(capsys, "seed", "check", *ABANDON.split()[:-1], "abuot")
    assert code == 1 and "word 12 is not in the BIP-39 English list" in err and "did you mean about" in err
    code, _, err = run(capsys, "seed", "new", "--words", "24", "--dice", "1" * 98)
    assert code == 1 and "at least 99" in err


def test_vault_lifecycle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret_input: Callable[[str, str], Path]
) -> None:
    vault = str(tmp_path / "v.airlock")
    mnemonic = secret_input("m.txt", ABANDON + "\n")
    assert run(capsys, "vault", "init", "--vault", vault)[0] == 0
    assert (
        run(
            capsys,
            "vault",
            "add",
            "--vault",
            vault,
            "--label",
            "main",
            "--mnemonic-file",
            str(mnemonic),
            "--accounts",
            "btc-84,btc-86,eth",
        )[0]
        == 0
    )
    assert (
        run(capsys, "vault", "add", "--vault", vault, "--label", "fresh", "--generate", "--words", "12")[0]
        == 0
    )
    code, out, _ = run(capsys, "vault", "list", "--vault", vault, "--json")
    rows = json.loads(out)
    assert code == 0 and [r["label"] for r in rows] == ["main", "fresh"]
    assert rows[0]["fingerprint"] == "73c5da0a" and rows[0]["kind"] == "bip39"
    assert [a["kind"] for a in rows[0]["accounts"]] == ["btc-84", "btc-86", "eth"]
    assert "secret" not in out and "abandon" not in out

    assert run(capsys, "vault", "rename", "--vault", vault, "fresh", "spare")[0] == 0
    code, _, err = run(capsys, "vault", "delete", "--vault", vault, "spare", "--confirm", "spar")
    assert code == 1 and "nothing was deleted" in err
    assert run(capsys, "vault", "delete", "--vault", vault, "spare", "--confirm", "spare")[0] == 0
    code, out, _ = run(capsys, "vault", "list", "--vault", vault)
    assert out.startswith("main") and "spare" not in out


def test_wrong_password_and_passwd(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = str(tmp_path / "v.airlock")
    run(capsys, "vault", "init", "--vault", vault)
    before = Path(vault).read_bytes()
    monkeypatch.setenv("AIRLOCK_PASSWORD", "nope")
    code, _, err = run(capsys, "vault", "list", "--vault", vault)
    assert code == 1 and "wrong password" in err and Path(vault).read_bytes() == before
    monkeypatch.setenv("AIRLOCK_PASSWORD", "cli vault password")
    monkeypatch.setenv("AIRLOCK_NEW_PASSWORD", "second password")
    assert run(capsys, "vault", "passwd", "--vault", vault)[0] == 0
    monkeypatch.setenv("AIRLOCK_PASSWORD", "second password")
    assert run(capsys, "vault", "list", "--vault", vault)[0] == 0


def test_account_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret_input: Callable[[str, str], Path]
) -> None:
    mnemonic = str(secret_input("m.txt", ABANDON))
    code, out, _ = run(
        capsys,
        "account",
        "show",
        "--mnemonic-file",
        mnemonic,
        "--account",
        "btc-84",
        "--json",
        "--addresses",
        "2",
    )
    data = json.loads(out)
    assert code == 0 and data["receive"][0] == "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    assert (
        data["descriptor"].startswith("wpkh([73c5da0a/84h/0h/0h]xpub") and "<0;1>/*)#" in data["descriptor"]
    )
    code, out, _ = run(capsys, "account", "show", "--mnemonic-file", mnemonic, "--account", "eth")
    assert "m/44h/60h/0h/0/0       0x9858EfFD232B4033E47d90003D41EC34EcaEda94" in out
    code, out, _ = run(
        capsys, "account", "show", "--mnemonic-file", mnemonic, "--account", "btc-48-2", "--network", "test"
    )
    assert "cosigner key [73c5da0a/48h/1h/0h/2h]tpub" in out and "Vpub" in out
    code, _, err = run(capsys, "account", "show", "--account", "btc-84")
    assert code == 2 and "say which seed" in err


def test_slip39_cli_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret_input: Callable[[str, str], Path]
) -> None:
    mnemonic = str(secret_input("m.txt", ABANDON))
    code, out, err = run(capsys, "slip39", "split", "--mnemonic-file", mnemonic, "--plan", "2of3")
    shares = out.splitlines()
    assert code == 0 and len(shares) == 3 and "different wallet" in err
    shares_file = secret_input("shares.txt", "\n".join([shares[2], shares[0]]))
    code, out, _ = run(capsys, "slip39", "combine", str(shares_file), "--kind", "bip39")
    assert code == 0 and out.strip() == ABANDON
    code, _, err = run(capsys, "slip39", "split", "--mnemonic-file", mnemonic, "--kind", "native")
    assert code == 2 and "use --kind bip39" in err
    one = secret_input("one.txt", shares[1])
    code, _, err = run(capsys, "slip39", "combine", str(one))
    assert code == 1 and "1 of 2; 1 more needed" in err


def test_backup_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret_input: Callable[[str, str], Path]
) -> None:
    vault, other = str(tmp_path / "a.airlock"), str(tmp_path / "b.airlock")
    run(capsys, "vault", "init", "--vault", vault)
    run(
        capsys,
        "vault",
        "add",
        "--vault",
        vault,
        "--label",
        "main",
        "--mnemonic-file",
        str(secret_input("m.txt", ABANDON)),
    )
    out_file = str(tmp_path / "backup.bin")
    assert run(capsys, "backup", "export", "--vault", vault, "-o", out_file)[0] == 0
    code, out, _ = run(capsys, "backup", "restore", "--vault", other, out_file, "--create")
    assert code == 0 and "restored 'main'" in out
    code, out, _ = run(capsys, "vault", "list", "--vault", other, "--json")
    assert json.loads(out)[0]["fingerprint"] == "73c5da0a"
