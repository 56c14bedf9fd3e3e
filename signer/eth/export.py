"""Account export for MetaMask / Rabby QR hardware-wallet sync (ERC-4527 / Keystone conventions).

* ``account_hdkey_ur``: ur:crypto-hdkey of the m/44'/60'/0' account key with source fingerprint,
  children 0/* and note ``account.standard``: MetaMask derives m/44'/60'/0'/0/i from it ("hd" mode).
* ``ledger_live_account_ur``: ur:crypto-account with one key per Ledger Live path
  m/44'/60'/i'/0/0 and note ``account.ledger_live`` ("pubkey" mode; MetaMask wants a multiple of 5).
"""

from __future__ import annotations

from typing import Any

from signer.derivation import HARDENED
from signer.eth.errors import EthError
from signer.transport.ur import encode_single
from signer.transport.urtypes import (
    COIN_ETH,
    NETWORK_MAINNET,
    Account,
    CoinInfo,
    CryptoOutput,
    HDKey,
    Keypath,
    to_ur,
)

STANDARD_PATH = "m/44'/60'/0'"
NAME = "Airlock"
NOTE_STANDARD = "account.standard"
NOTE_LEDGER_LIVE = "account.ledger_live"


def _root(seed: bytes) -> Any:
    from embit.bip32 import HDKey  # when a key is derived: the device's export menus import this module

    return HDKey.from_seed(seed)


def _fp(key: Any) -> int:
    return int.from_bytes(key.my_fingerprint, "big")


def account_hdkey(seed: bytes) -> Any:
    """The transport HDKey object for the standard account (m/44'/60'/0')."""
    root = _root(seed)
    parent = root.derive("m/44h/60h")
    account = parent.derive([HARDENED])
    return HDKey(
        key_data=account.key.get_public_key().sec(),
        chain_code=account.chain_code,
        use_info=CoinInfo(COIN_ETH, NETWORK_MAINNET),
        origin=Keypath.from_path_string(STANDARD_PATH, _fp(root)),
        children=Keypath.from_path_string("0/*"),
        parent_fingerprint=_fp(parent),
        name=NAME,
        note=NOTE_STANDARD,
    )


def account_hdkey_ur(seed: bytes) -> str:
    """ur:crypto-hdkey for MetaMask / Rabby "Connect a QR hardware wallet"."""
    return encode_single(to_ur(account_hdkey(seed), legacy=True))


def ledger_live_account(seed: bytes, count: int = 5) -> Any:
    if not 1 <= count <= 100 or count % 5:
        raise EthError("MetaMask reads Ledger Live accounts in groups of 5: give 5, 10, ... up to 100")
    root = _root(seed)
    outputs = []
    for i in range(count):
        path = f"m/44'/60'/{i}'/0/0"
        parent = root.derive(f"m/44h/60h/{i}h/0")
        key = parent.derive([0])
        hdkey = HDKey(
            key_data=key.key.get_public_key().sec(),
            chain_code=key.chain_code,
            use_info=CoinInfo(COIN_ETH, NETWORK_MAINNET),
            origin=Keypath.from_path_string(path, _fp(root)),
            parent_fingerprint=_fp(parent),
            name=NAME,
            note=NOTE_LEDGER_LIVE,
        )
        # A bare key with no script expression, as Keystone writes Ledger Live keys: MetaMask
        # takes each key through getHDKey(), and no Bitcoin wallet mistakes it for a pkh account.
        outputs.append(CryptoOutput((), hdkey))
    return Account(_fp(root), tuple(outputs))


def ledger_live_account_ur(seed: bytes, count: int = 5) -> str:
    """ur:crypto-account with ``count`` Ledger Live keys m/44'/60'/i'/0/0."""
    return encode_single(to_ur(ledger_live_account(seed, count), legacy=True))
