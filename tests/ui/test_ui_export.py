"""Exports and the address explorer, checked against the public BIP-84 test vector (the
"abandon ... about" seed) and independent derivations, never against the code under test."""

from __future__ import annotations

from pathlib import Path

from embit.bip32 import HDKey
from embit.networks import NETWORKS
from ui_driver import ABANDON_FP, collect_qr, decode_frames, unlocked
from ui_txbuilders import ABANDON_ETH

from ui.events import Key

# BIP-84 test vector (mnemonic "abandon ... about"): account 0 zpub, first receive and change address
BIP84_ZPUB = (
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNf"
    "E3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs"
)
BIP84_RECEIVE_0 = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
BIP84_CHANGE_0 = "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"


def bip84_account() -> HDKey:
    zpub = HDKey.from_string(BIP84_ZPUB)
    zpub.version = NETWORKS["main"]["xpub"]
    return zpub


def open_export(d, account: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    d.choose("Seeds")
    d.choose("main")
    d.choose("Export accounts")
    d.choose(account)
    d.choose(fmt)


def test_sparrow_account_export(tmp_path: Path) -> None:
    _, d = unlocked(tmp_path)
    open_export(d, "btc-84 #0", "Sparrow")
    payload = decode_frames(collect_qr(d))
    assert payload.kind == "account" and payload.ur_type == "crypto-account"
    account = payload.obj
    assert f"{account.master_fingerprint:08x}" == ABANDON_FP
    (output,) = account.outputs
    assert output.scripts == ("wpkh",)
    key = output.key
    expected = bip84_account()
    assert key.key_data == expected.key.sec() and key.chain_code == expected.chain_code
    assert (
        key.origin.to_path_string() == "m/84'/0'/0'" and f"{key.origin.source_fingerprint:08x}" == ABANDON_FP
    )


def test_bluewallet_output_and_descriptor_text(tmp_path: Path) -> None:
    _, d = unlocked(tmp_path)
    open_export(d, "btc-84 #0", "BlueWallet")
    payload = decode_frames(collect_qr(d))
    assert payload.kind == "output-descriptor" and payload.obj.scripts == ("wpkh",)
    assert payload.obj.key.key_data == bip84_account().key.sec()
    d.press(Key.KEY3)
    d.choose("Descriptor text")
    payload = decode_frames(collect_qr(d))
    text = payload.text()
    assert text.startswith(f"wpkh([{ABANDON_FP}/84h/0h/0h]{bip84_account().to_base58()}/<0;1>/*)#")


def test_metamask_hdkey_derives_our_address(tmp_path: Path) -> None:
    from embit.bip32 import HDKey as Key32
    from embit.ec import PublicKey
    from eth_utils import keccak, to_checksum_address

    _, d = unlocked(tmp_path)
    open_export(d, "eth #0", "MetaMask")
    payload = decode_frames(collect_qr(d))
    assert payload.kind == "hdkey"
    key = payload.obj
    assert (
        key.origin.to_path_string() == "m/44'/60'/0'" and f"{key.origin.source_fingerprint:08x}" == ABANDON_FP
    )
    assert key.children.to_path_string("") == "0/*" and key.note == "account.standard"
    node = Key32(PublicKey.parse(key.key_data), key.chain_code).derive([0, 0])
    point = PublicKey.parse(node.key.sec())
    point.compressed = False
    assert to_checksum_address(keccak(point.sec()[1:])[-20:]) == ABANDON_ETH


def test_address_explorer_and_address_qr(tmp_path: Path) -> None:
    _, d = unlocked(tmp_path)
    d.choose("Seeds")
    d.choose("main")
    d.choose("Addresses")
    d.choose("btc-84 #0")
    d.choose("Receive")
    assert d.content().items[0].startswith("0 bc1qcr8t")
    d.choose("0 ")
    assert d.title == "Receive #0"
    assert d.content().extra["body"].split("\n")[0].replace(" ", "") == BIP84_RECEIVE_0
    assert "m/84h/0h/0h/0/0" in d.content().extra["body"]
    d.choose("Show QR")
    payload = decode_frames(collect_qr(d))
    assert payload.text().lower() == BIP84_RECEIVE_0
    d.back_to("Addresses")
    d.choose("Change")
    d.choose("0 ")
    assert d.content().extra["body"].split("\n")[0].replace(" ", "") == BIP84_CHANGE_0
    d.press(Key.KEY3)
    for _ in range(10):
        d.press(Key.DOWN)
    d.choose("Next 10")
    assert d.content().items[1].startswith("10 bc1q")
    d.back_to("main")
    d.choose("Addresses")
    d.choose("eth #0")
    d.choose("0 ")
    assert d.content().extra["body"].split("\n")[0].replace(" ", "") == ABANDON_ETH


def test_passphrase_changes_the_wallet(tmp_path: Path) -> None:
    from bip_utils import Bip32Slip10Secp256k1, Bip39SeedGenerator
    from ui_driver import ABANDON

    session, d = unlocked(tmp_path)
    d.choose("Seeds")
    d.choose("main")
    d.choose("Passphrase")
    d.choose("Set passphrase")
    assert d.content().secret
    d.type_text("TREZOR")
    seed = Bip39SeedGenerator(ABANDON).Generate("TREZOR")
    expected = Bip32Slip10Secp256k1.FromSeed(seed).PublicKey().FingerPrint().ToBytes().hex()
    assert expected != ABANDON_FP and expected in d.content().extra["body"]
    d.choose("OK")
    d.press(Key.KEY3)
    assert d.content().lines[0] == f"Fingerprint {expected}"
    assert session.vault.get("main").fingerprint == ABANDON_FP  # type: ignore[union-attr]  (not stored)
    d.choose("Passphrase")
    d.choose("Clear passphrase")
    d.choose("OK")
    d.press(Key.KEY3)
    assert d.content().lines[0] == f"Fingerprint {ABANDON_FP}"


def test_add_and_remove_accounts(tmp_path: Path) -> None:
    from ui_driver import PASSWORD

    from signer.keys.vault import Vault

    session, d = unlocked(tmp_path)
    d.choose("Seeds")
    d.choose("main")
    d.choose("Accounts")
    d.choose("Add account")
    d.choose("Taproot (86)")
    assert d.title == "Account number"
    d.press(Key.UP)
    d.press(Key.PRESS)
    d.settle()
    assert d.title == "Accounts" and "btc-86 #1" in d.content().items
    assert [str(a) for a in Vault.open(session.vault_path, PASSWORD).get("main").accounts][-1] == "btc-86 #1"
    d.choose("btc-84 #0")
    d.choose("Remove")
    d.choose("Remove")
    d.settle()
    stored = [str(a) for a in Vault.open(session.vault_path, PASSWORD).get("main").accounts]
    assert stored == ["eth #0", "btc-86 #1"]
