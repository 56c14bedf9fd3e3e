"""``airlock multisig register|list|rename|delete``: policy shown with every key in full, stored under
the seed with its name, hostile wallets refused, renames and deletes atomic and confirmed."""

from __future__ import annotations

import json
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


def test_register_reads_specter_parts_and_refuses_an_incomplete_set(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Specter shows a descriptor as animated ``pMofN`` parts. All of them register the wallet; the
    first alone (it holds whole xpubs, issue 9.4) says the scan is incomplete and changes nothing,
    instead of calling a descriptor 'not a multisig wallet'."""
    text = descriptor(ABANDON, LEGAL, ZOO24)
    size = -(-len(text) // 2)
    parts = [f"p{n + 1}of2 {text[n * size : (n + 1) * size]}" for n in range(2)]
    qr = tmp_path / "wallet.qr"
    qr.write_text(parts[0] + "\n")
    before = vault.read_bytes()
    code, out, err = register(capsys, qr, vault, "--yes")
    assert code == 2 and out == ""
    assert "the QR texts do not make a complete message: specter: 1 of 2 parts" in err
    assert vault.read_bytes() == before
    qr.write_text(parts[1] + "\n" + parts[0] + "\n")
    code, out, err = register(capsys, qr, vault, "--yes")
    assert code == 0, err
    assert "2-of-3 multisig" in out
    assert Vault.open(vault, PW).get("main").multisig[0]["descriptor"] == text


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


def register_ok(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, vault: Path, text: str, *extra: str
) -> str:
    wallet = tmp_path / "wallet-file"
    wallet.write_text(text)
    code, out, err = run(capsys, "multisig", "register", str(wallet), "--vault", str(vault), "--seed", "main",
                         "--yes", *extra)  # fmt: skip
    assert code == 0, err
    return out


def test_register_reads_every_format_and_stores_the_name_and_who_registered(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from multisig_files import caravan_json, cosigner
    from multisig_files import descriptor as make_descriptor

    keys = [cosigner(m, "p2sh") for m in (ABANDON, LEGAL, ZOO24)]
    out = register_ok(capsys, tmp_path, vault, caravan_json(keys, 2, "p2sh", name="Caravan legacy"))
    assert "Caravan legacy: 2-of-3 multisig, legacy P2SH" in out and "first address: 2" in out
    assert all(k.xpub in out for k in keys)  # every cosigner key in full, to compare
    (stored,) = Vault.open(vault, PW).get("main").multisig
    expected = make_descriptor(keys, 2, "p2sh")
    assert stored == {"name": "Caravan legacy", "descriptor": expected, "fingerprint": "73c5da0a"}


def test_register_without_network_takes_the_wallets_and_refuses_a_contradiction(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wallet = tmp_path / "wallet.txt"
    wallet.write_text(descriptor(ABANDON, LEGAL, ZOO24))
    base = ("multisig", "register", str(wallet), "--vault", str(vault), "--seed", "main", "--yes")
    code, _, err = run(capsys, *base, "--network", "main")
    assert code == 1 and "wallet keys are for testnet/signet/regtest, but this signer is on main" in err
    assert Vault.open(vault, PW).get("main").multisig == []
    code, out, err = run(capsys, *base)
    assert code == 0 and "network: testnet/signet/regtest" in out and "testnet" in err


def two_networks(capsys: pytest.CaptureFixture[str], tmp_path: Path, vault: Path) -> None:
    register_ok(capsys, tmp_path, vault, descriptor(ABANDON, LEGAL, ZOO24), "--name", "Practice")
    from embit.descriptor.checksum import add_checksum

    main_keys = ",".join(cosigner_key(m, "main") for m in (ABANDON, LEGAL, ZOO24))
    savings = add_checksum(f"wsh(sortedmulti(2,{main_keys}))")
    register_ok(capsys, tmp_path, vault, savings, "--name", "Savings")


def test_list_shows_every_wallet_by_name_with_network_and_full_keys(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two_networks(capsys, tmp_path, vault)
    base = ("--vault", str(vault), "--seed", "main")
    code, out, _ = run(capsys, "multisig", "list", *base)
    assert code == 0 and out.index("Practice: 2-of-3") < out.index("Savings: 2-of-3")
    assert "network: mainnet" in out and "network: testnet/signet/regtest" in out
    assert cosigner_key(LEGAL).split("]")[1].split("/")[0] in out  # a cosigner's xpub, whole
    code, out, _ = run(capsys, "multisig", "list", *base, "--network", "main")
    assert code == 0 and "Savings" in out and "Practice" not in out
    code, out, _ = run(capsys, "multisig", "list", *base, "--json")
    rows = json.loads(out)
    assert [(r["name"], r["network"], r["registered_by"]) for r in rows] == [
        ("Practice", "test", "73c5da0a"),
        ("Savings", "main", "73c5da0a"),
    ]


def test_rename_and_delete_keep_the_previous_generation_and_confirm_by_name(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_networks(capsys, tmp_path, vault)
    base = ("--vault", str(vault), "--seed", "main")
    prev = vault.with_name(vault.name + ".prev")
    code, out, _ = run(capsys, "multisig", "rename", "Practice", "  Practice   2024 ", *base)
    assert code == 0 and "to 'Practice 2024'" in out
    names = lambda path: [m["name"] for m in Vault.open(path, PW).get("main").multisig]  # noqa: E731
    assert names(vault) == ["Practice 2024", "Savings"] and names(prev) == ["Practice", "Savings"]
    refused = (("Savings", "already registered"), ("", "cannot be empty"), ("x" * 65, "at most 64"))
    for bad, message in refused:
        code, _, err = run(capsys, "multisig", "rename", "Practice 2024", bad, *base)
        assert code == 1 and message in err
    code, _, err = run(capsys, "multisig", "rename", "Nope", "Other", *base)
    assert code == 1 and "no multisig wallet named 'Nope'" in err
    before = vault.read_bytes()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "multisig", "delete", "Savings", *base)
    assert code == 2 and "--confirm NAME" in err
    code, _, err = run(capsys, "multisig", "delete", "Savings", *base, "--confirm", "savings")
    assert code == 1 and "does not match" in err and vault.read_bytes() == before
    code, out, _ = run(capsys, "multisig", "delete", "Savings", *base, "--confirm", "Savings")
    assert code == 0 and "unregistered multisig wallet 'Savings'" in out
    assert names(vault) == ["Practice 2024"] and names(prev) == ["Practice 2024", "Savings"]
