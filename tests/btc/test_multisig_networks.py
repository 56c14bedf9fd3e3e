"""A seed cosigning a testnet and a mainnet multisig wallet signs on both networks, single-sig and
multisig: a wallet of another network is left aside, never an error. The same for a stored record
that cannot be read: the review says so, and unrelated signing goes on.

Driven through the ``airlock`` CLI with a real vault, as a person would."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from builders import In, Out, Wallet, build_psbt, external, funding_tx, origin, root_from
from conftest import ABANDON, LEGAL
from multisig_files import cosigner, descriptor

from signer.btc import BtcKeys, load_psbt, review_psbt
from signer.btc.multisig_formats import parse_wallet
from signer.cli import main
from signer.keys.accounts import AccountSpec
from signer.keys.envelope import TEST_KDF
from signer.keys.seed import Bip39Seed
from signer.keys.vault import Vault

PW = "networks test password"
LETTER = "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"
NAMES = {"main": "Cold storage", "test": "Practice vault"}


def wallet_descriptor(network: str) -> str:
    return descriptor([cosigner(m, "p2wsh", network) for m in (ABANDON, LEGAL, LETTER)], 2)


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.setenv("AIRLOCK_PASSWORD", PW)
    path = tmp_path / "vault"
    accounts = [AccountSpec.parse("btc-84", "main"), AccountSpec.parse("btc-84", "test")]
    Vault.create(path, PW, TEST_KDF).add_seed("main", Bip39Seed.from_mnemonic(ABANDON), accounts)
    for network in ("test", "main"):  # the testnet wallet first: it used to stop mainnet signing
        wallet = tmp_path / f"{network}.txt"
        wallet.write_text(wallet_descriptor(network))
        code = main(["multisig", "register", str(wallet), "--vault", str(path), "--seed", "main",
                     "--name", NAMES[network], "--yes"])  # fmt: skip
        assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    return path


def single_sig_psbt(network: str) -> bytes:
    w = Wallet(root_from(ABANDON, network), "p2wpkh", network)
    return build_psbt([w.utxo(100_000, salt=1)], [external(60_000), w.change(39_000, 1)])


def multisig_psbt(network: str) -> bytes:
    wallet = parse_wallet(wallet_descriptor(network))
    spk, ws, _ = wallet.scripts_at(0, 3)
    bip32 = {c.key.derive([0, 3]).key.sec(): origin(c.fingerprint, (*c.path, 0, 3)) for c in wallet.cosigners}
    cspk, cws, _ = wallet.scripts_at(1, 0)
    cb = {c.key.derive([1, 0]).key.sec(): origin(c.fingerprint, (*c.path, 1, 0)) for c in wallet.cosigners}
    inp = In(funding_tx([(100_000, spk)], salt=5), 0, bip32=bip32, witness_script=ws)
    return build_psbt([inp], [external(60_000), Out(39_000, cspk, bip32=cb, witness_script=cws)])


def sign(tmp_path: Path, vault: Path, raw: bytes, *extra: str) -> tuple[int, dict[str, object]]:
    """``airlock sign`` of ``raw`` (base64) with the vault's seed "main": exit code and review JSON."""
    request, review = tmp_path / "request.txt", tmp_path / "review.json"
    request.write_text(base64.b64encode(raw).decode())
    args = ["sign", str(request), "--vault", str(vault), "--seed", "main", "--review-json", str(review)]
    return main([*args, *extra]), json.loads(review.read_text())


@pytest.mark.parametrize("network", ["main", "test"])
@pytest.mark.parametrize("kind", ["single-sig", "multisig"])
def test_both_networks_sign_single_and_multisig(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], network: str, kind: str
) -> None:
    raw = single_sig_psbt(network) if kind == "single-sig" else multisig_psbt(network)
    code, review = sign(tmp_path, vault, raw, "--network", network)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert load_psbt(captured.out.strip()).inputs[0].partial_sigs
    assert [o["kind"] for o in review["outputs"]] == ["external", "change"]  # type: ignore[union-attr]
    if kind == "multisig":  # the registered name, everywhere the wallet is named
        assert review["multisig_wallets"] == [NAMES[network]]
        assert review["inputs"][0]["wallet"] == NAMES[network]  # type: ignore[index]
        assert f"wallet: {NAMES[network]}" in captured.err


@pytest.mark.parametrize("network", ["main", "test"])
def test_address_check_names_the_registered_wallet_on_each_network(
    vault: Path, capsys: pytest.CaptureFixture[str], network: str
) -> None:
    address = parse_wallet(wallet_descriptor(network)).address(1, 7)
    code = main(["address", "check", address, "--vault", str(vault), "--seed", "main", "--network", network,
                 "--gap", "20"])  # fmt: skip
    out = capsys.readouterr().out
    doc = json.loads(out)
    expected = {
        "address": address,
        "ours": True,
        "wallet": NAMES[network],
        "script_type": "p2wsh",
        "path": "1/7",
        "change": True,
        "index": 7,
    }
    assert code == 0 and {key: doc.get(key) for key in expected} == expected, doc
    assert f"multisig wallet '{NAMES[network]}'" in doc["message"]


def test_an_unreadable_record_is_named_in_the_review_and_stops_nothing() -> None:
    records = [
        {"name": "Broken", "descriptor": "wsh(sortedmulti(2,not-a-key))"},
        {"name": NAMES["test"], "descriptor": wallet_descriptor("test")},
    ]
    keys = BtcKeys(root_from(ABANDON, "main"), "main", records)
    assert keys.multisig == () and len(keys.unreadable_multisig) == 1
    review = review_psbt(load_psbt(single_sig_psbt("main")), keys)
    assert review.can_sign and not review.has_danger
    found = [w for w in review.warnings if w.code == "multisig-unreadable"]
    assert found and "Broken" in found[0].message and found[0].severity == "warn"
    test_keys = BtcKeys(root_from(ABANDON, "test"), "test", records)
    assert [w.name for w in test_keys.multisig] == [NAMES["test"]]
    assert review_psbt(load_psbt(multisig_psbt("test")), test_keys).can_sign


@pytest.mark.parametrize("network", ["main", "test"])
@pytest.mark.parametrize("kind", ["single-sig", "multisig"])
def test_without_network_the_psbt_picks_it_for_a_seed_with_accounts_on_both(
    vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], network: str, kind: str
) -> None:
    """The seed has accounts on mainnet and testnet: neither may shadow the other."""
    raw = single_sig_psbt(network) if kind == "single-sig" else multisig_psbt(network)
    code, review = sign(tmp_path, vault, raw)
    assert code == 0, capsys.readouterr().err
    assert review["network"] == network
