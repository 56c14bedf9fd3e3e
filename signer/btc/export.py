"""Bitcoin account exports as UR, and the way back from a scanned multisig output to descriptor text.

* ``account_ur``: ur:crypto-account (BCR-2020-015) with this one account's output, written as
  SeedSigner and Keystone write it, so that every deployed reader takes it: Sparrow, Nunchuk,
  Specter, BlueWallet and Keystone's registry, urtypes (SeedSigner, Krux). The output is the bare
  script-tag chain (no 308 wrapper), and multisig cosigner keys (BIP-48) go in as
  ``sh(wsh(KEY))`` / ``wsh(KEY)``: Keystone's registry knows no ``cosigner`` tag (410), and
  Sparrow and urtypes read the script type from the wrappers either way.
* ``output_ur``: ur:crypto-output (BCR-2020-010 v1) with the same output, what BlueWallet reads.
* ``descriptor_from_output``: descriptor text of a scanned sorted-multisig crypto-output (P2WSH,
  P2SH-P2WSH or legacy P2SH), for multisig wallet registration; ``multisig_wallet_text`` finds the
  wallet in any scanned payload (that output, or a wallet file's text in a plain QR, BBQr or
  ur:bytes, as Sparrow exports it).

Only account-level public keys with their origins go out; the key carries its depth, parent
fingerprint and child number, so a reader rebuilds the exact xpub of ``derive_btc_account``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from embit import ec
from embit.base import EmbitError
from embit.bip32 import HDKey as Bip32Key
from embit.networks import NETWORKS

from signer.btc.multisig_formats import looks_like_multisig
from signer.derivation import Network
from signer.errors import AirlockError
from signer.transport.errors import TransportError
from signer.transport.payload import PayloadKind
from signer.transport.urtypes import (
    COIN_BTC,
    NETWORK_MAINNET,
    NETWORK_TESTNET,
    Account,
    CoinInfo,
    CryptoOutput,
    HDKey,
    Keypath,
    MultiKey,
    to_ur,
)

if TYPE_CHECKING:
    from signer.keys.accounts import BtcAccount
    from signer.transport.payload import Payload
    from signer.transport.ur import UR
    from signer.transport.urtypes import CryptoOutput, HDKey

# account kind -> script expressions around the key, outermost first (crypto-output v1)
SCRIPTS: dict[str, tuple[str, ...]] = {
    "btc-44": ("pkh",),
    "btc-49": ("sh", "wpkh"),
    "btc-84": ("wpkh",),
    "btc-86": ("tr",),
    "btc-48-1": ("sh", "wsh"),
    "btc-48-2": ("wsh",),
}
MULTISIG_SCRIPTS = {
    ("wsh", "sortedmulti"): "wsh({})",
    ("sh", "wsh", "sortedmulti"): "sh(wsh({}))",
    ("sh", "sortedmulti"): "sh({})",
}


def account_hdkey(account: BtcAccount) -> HDKey:
    """crypto-hdkey of the account key: origin with master fingerprint and depth, parent fingerprint,
    and coin info (Bitcoin, testnet for every network but main)."""
    key = Bip32Key.from_string(account.xpub)
    network = NETWORK_MAINNET if account.spec.network == Network.MAIN else NETWORK_TESTNET
    origin = Keypath.from_path_string(account.path, int(account.fingerprint, 16), key.depth)
    parent = int.from_bytes(key.fingerprint, "big")
    return HDKey(
        key.key.sec(),
        key.chain_code,
        use_info=CoinInfo(COIN_BTC, network),
        origin=origin,
        parent_fingerprint=parent or None,  # zero means "none" in crypto-hdkey
    )


def account_output(account: BtcAccount) -> CryptoOutput:
    """The account's crypto-output: its script expressions around ``account_hdkey``."""
    return CryptoOutput(SCRIPTS[account.spec.kind], account_hdkey(account))


def account_ur(account: BtcAccount) -> UR:
    """ur:crypto-account with this one account's output (Sparrow, Nunchuk, Specter)."""
    return to_ur(Account(int(account.fingerprint, 16), (account_output(account),)), legacy=True)


def output_ur(account: BtcAccount) -> UR:
    """ur:crypto-output of the account (BlueWallet)."""
    return to_ur(account_output(account), legacy=True)


def xpub_from_hdkey(key: HDKey) -> str:
    """The base58 xpub/tpub a public crypto-hdkey stands for (depth, parent and child from its origin)."""
    if key.is_private:
        raise TransportError("a cosigner key must be public, not a private key")
    if key.chain_code is None or key.origin is None:
        raise TransportError("a multisig key needs its chain code and origin")
    if not key.origin.is_concrete:
        raise TransportError("a multisig key's origin must be a plain derivation path")
    indexes = key.origin.indexes
    depth = key.origin.depth if key.origin.depth is not None else len(indexes)
    try:
        node = Bip32Key(
            ec.PublicKey.parse(key.key_data),
            key.chain_code,
            version=NETWORKS[Network.TEST if key.is_testnet else Network.MAIN]["xpub"],
            depth=depth,
            fingerprint=(key.parent_fingerprint or 0).to_bytes(4, "big"),
            child_number=indexes[-1] if indexes else 0,
        )
    except EmbitError:
        raise TransportError("a multisig key is not a valid public key") from None
    return node.to_base58()


def descriptor_from_output(output: object) -> str:
    """Descriptor text of a sorted-multisig crypto-output (P2WSH, P2SH-P2WSH or P2SH) whose keys
    carry their origins."""
    if not isinstance(output, CryptoOutput) or not isinstance(output.key, MultiKey):
        raise TransportError("only a multisig output descriptor can be registered")
    if output.scripts not in MULTISIG_SCRIPTS:
        raise TransportError(
            "only wsh(sortedmulti), sh(wsh(sortedmulti)) and sh(sortedmulti) wallets can be registered"
        )
    parts = []
    for key in output.key.keys:
        if not isinstance(key, HDKey) or key.origin is None or key.origin.source_fingerprint is None:
            raise TransportError("every key of the wallet needs its master fingerprint and path")
        path = key.origin.to_path_string().replace("'", "h")[1:]
        children = key.children.to_path_string("") if key.children is not None else "<0;1>/*"
        parts.append(f"[{key.origin.source_fingerprint:08x}{path}]{xpub_from_hdkey(key)}/{children}")
    return MULTISIG_SCRIPTS[output.scripts].format(f"sortedmulti({output.key.threshold},{','.join(parts)})")


# what a multisig wallet file or descriptor arrives as, other than a crypto-output
_WALLET_TEXT_KINDS = (PayloadKind.DESCRIPTOR_TEXT, PayloadKind.JSON, PayloadKind.TEXT, PayloadKind.BYTES)

def multisig_wallet_text(payload: Payload) -> str | None:
    """The multisig wallet a scanned payload holds, as descriptor or wallet-file text; None when it
    holds something else. Raises TransportError for a multisig output that cannot be registered."""
    if payload.kind == PayloadKind.OUTPUT_DESCRIPTOR:
        scripts: tuple[str, ...] = getattr(payload.obj, "scripts", ())
        is_multisig = bool(scripts) and scripts[-1] in ("multi", "sortedmulti")
        return descriptor_from_output(payload.obj) if is_multisig else None
    if payload.kind not in _WALLET_TEXT_KINDS:
        return None
    try:
        text = payload.text()
    except AirlockError:
        return None
    return text if looks_like_multisig(text) else None
