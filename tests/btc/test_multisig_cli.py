"""``airlock multisig register|list``: policy shown, stored under the seed, hostile wallets refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ABANDON, LEGAL, ZOO24

from signer.cli import main
from signer.keys.accounts import AccountSpec, derive_btc_account
from signer.keys.bip39 import mnemonic_to_seed
from signer.keys.envelope import TEST_KDF
from signer.keys.seed import Bip39Seed
from signer.keys.vault import Vault

PW = "multisig test password"


def cosigner_key(mnemonic: str, network: str = "test") -> str:
    return derive_btc_account(
        mnemonic_to_seed(mnemonic), AccountSpec.parse("btc-48-2", network)
    ).key_expression


def descriptor(*mnemonics: str) -> str:
    from embit.descriptor.checksum import add_checksum

    return add_checksum(f"wsh(sortedmulti(2,{','.join(cosigner_key(m) for m in mnemonics)}))")


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AIRLOCK_PASSWORD", PW)
    path = tmp_path / "vault"
    Vault.create(path, PW, TEST_KDF).add_seed("main", Bip39Seed.from_mnemonic(ABANDON))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def register(
    capsys: pytest.CaptureFixture[str], wallet: Path, vault: Path, *extra: str
) -> tuple[int, str, str]:
    """``airlock multisig register WALLET`` for the vault's seed "main" on testnet."""
    return run(
        capsys,
        "multisig",
        "register",
        str(wallet),
        "--vault",
        str(vault),
        "--seed",
        "main",
        "--network",
        "test",
        *extra,
    )


def test_register_from_descriptor_and_list(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wallet = tmp_path / "wallet.txt"
    wallet.write_text(descriptor(ABANDON, LEGAL, ZOO24) + "\n")
    base = ("--vault", str(vault), "--seed", "main", "--network", "test")
    code, out, err = register(capsys, wallet, vault, "--name", "family", "--yes")
    assert code == 0, err
    assert "2-of-3 multisig" in out and "<- this seed" in out and "73c5da0a" in out
    stored = Vault.open(vault, PW).get("main").multisig
    assert [m["name"] for m in stored] == ["family"] and stored[0]["descriptor"].startswith(
        "wsh(sortedmulti(2,"
    )
    code, _, err = register(capsys, wallet, vault, "--yes")
    assert code != 0 and "already registered" in err
    code, out, _ = run(capsys, "multisig", "list", *base)
    assert code == 0 and stored[0]["descriptor"] in out


def test_register_from_bbqr_text_export(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from signer.commands.qr import encode_texts

    keys = [cosigner_key(m) for m in (ABANDON, LEGAL, ZOO24)]
    export = ["Name: Vault 2of3", "Policy: 2 of 3", "Derivation: m/48'/1'/0'/2'", "Format: P2WSH", ""]
    for key in keys:
        fp, rest = key[1:].split("/", 1)
        export.append(f"{fp.upper()}: {rest.split(']')[1].split('/')[0]}")
    qr = tmp_path / "wallet.qr"
    qr.write_text("\n".join(encode_texts("\n".join(export).encode(), "bbqr", "U", None, None)) + "\n")
    code, out, err = register(capsys, qr, vault, "--yes")
    assert code == 0, err
    assert "Vault 2of3: 2-of-3" in out
    assert Vault.open(vault, PW).get("main").multisig[0]["name"] == "Vault 2of3"


def test_wallet_without_our_key_is_refused(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wallet = tmp_path / "wallet.txt"
    third = "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"
    wallet.write_text(descriptor(LEGAL, ZOO24, third))
    code, _, err = register(capsys, wallet, vault, "--yes")
    assert code != 0 and "not one of the cosigners" in err
    assert Vault.open(vault, PW).get("main").multisig == []


def test_register_needs_confirmation_and_a_stored_seed(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], secret_input: Callable[[str, str], Path]
) -> None:
    wallet = tmp_path / "wallet.txt"
    wallet.write_text(descriptor(ABANDON, LEGAL, ZOO24))
    code, _, err = register(capsys, wallet, vault)
    assert code == 2 and "--yes" in err and Vault.open(vault, PW).get("main").multisig == []
    code, _, err = run(
        capsys,
        "multisig",
        "register",
        str(wallet),
        "--mnemonic-file",
        str(secret_input("m.txt", ABANDON)),
        "--network",
        "test",
        "--yes",
    )
    assert code == 2 and "stored seed" in err
