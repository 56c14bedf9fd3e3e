"""Public-key exports as QR payloads: UR crypto-account / crypto-output for Bitcoin wallets
(Sparrow, BlueWallet, Nunchuk, Specter), UR crypto-hdkey for MetaMask and Rabby, and plain text
(descriptors, extended keys, addresses), each as a function ``density -> FrameSet``.

No secret ever goes into an export: only account-level public keys with their origins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from signer.transport.errors import TransportError

if TYPE_CHECKING:
    from signer.keys.accounts import BtcAccount
    from signer.transport.frames import FrameSet
    from signer.transport.ur import UR
    from signer.transport.urtypes import HDKey

Encoder = Callable[[int], "FrameSet"]

# account kind -> script expressions around the key (crypto-output v1)
SCRIPTS: dict[str, tuple[str, ...]] = {
    "btc-44": ("pkh",),
    "btc-49": ("sh", "wpkh"),
    "btc-84": ("wpkh",),
    "btc-86": ("tr",),
    "btc-48-1": ("sh", "wsh", "cosigner"),
    "btc-48-2": ("wsh", "cosigner"),
}


def _hdkey(
    xpub: str,
    path: str,
    master_fp: str,
    *,
    use_info: tuple[int, int] | None,
    depth: bool,
    children: str | None = None,
    name: str | None = None,
    note: str | None = None,
) -> HDKey:
    from embit.bip32 import HDKey as Bip32Key

    from signer.transport.urtypes import CoinInfo, HDKey, Keypath

    key = Bip32Key.from_string(xpub)
    origin = Keypath.from_path_string(
        path.replace("h", "'"), source_fingerprint=int(master_fp, 16), depth=key.depth if depth else None
    )
    parent = int.from_bytes(key.fingerprint, "big")
    return HDKey(
        key.key.sec(),
        key.chain_code,
        use_info=CoinInfo(*use_info) if use_info is not None else None,
        origin=origin,
        children=Keypath.from_path_string(children) if children else None,
        parent_fingerprint=parent or None,
        name=name,
        note=note,
    )


def btc_hdkey(account: BtcAccount) -> HDKey:
    from signer.transport.urtypes import COIN_BTC, NETWORK_MAINNET, NETWORK_TESTNET

    network = NETWORK_MAINNET if account.spec.network == "main" else NETWORK_TESTNET
    return _hdkey(account.xpub, account.path, account.fingerprint, use_info=(COIN_BTC, network), depth=True)


def btc_output(account: BtcAccount) -> object:
    from signer.transport.urtypes import CryptoOutput

    return CryptoOutput(SCRIPTS[account.spec.kind], btc_hdkey(account))


def btc_account_ur(account: BtcAccount) -> UR:
    """crypto-account with this one account's output (what SeedSigner and Keystone export)."""
    from signer.transport.urtypes import Account, to_ur

    return to_ur(Account(int(account.fingerprint, 16), (btc_output(account),)), legacy=True)  # type: ignore[arg-type]


def btc_output_ur(account: BtcAccount) -> UR:
    from signer.transport.urtypes import to_ur

    return to_ur(btc_output(account), legacy=True)  # type: ignore[arg-type]


def eth_metamask_ur(seed: bytes) -> UR:
    """crypto-hdkey of m/44'/60'/0' as MetaMask's and Rabby's QR keyring import it ("hd" mode)."""
    from signer.eth.export import account_hdkey
    from signer.transport.urtypes import to_ur

    return to_ur(account_hdkey(seed), legacy=True)


def eth_ledger_live_ur(seed: bytes, count: int = 5) -> UR:
    """crypto-account of the Ledger Live keys m/44'/60'/i'/0/0 (MetaMask's "pubkey" mode)."""
    from signer.eth.export import ledger_live_account
    from signer.transport.urtypes import to_ur

    return to_ur(ledger_live_account(seed, count), legacy=True)


def ur_encoder(ur: UR) -> Encoder:
    from signer.transport.frames import encode_frames

    return lambda density: encode_frames(ur, format="ur", density=density)


def bytes_encoder(data: bytes, ur_type: str = "bytes") -> Encoder:
    from signer.transport.frames import encode_frames

    return lambda density: encode_frames(data, format="ur", ur_type=ur_type, density=density)


def bbqr_encoder(data: bytes, file_type: str) -> Encoder:
    from signer.transport.frames import encode_frames

    return lambda density: encode_frames(data, format="bbqr", bbqr_type=file_type, density=density)


def text_encoder(value: str) -> Encoder:
    """One QR code holding ``value`` as text (the densest mode it allows), ECC M."""

    def encode(density: int) -> FrameSet:
        from signer.transport.frames import DENSITY_MODULE_PX, FrameSet, plan_frames, qr_matrix

        size = qr_matrix(value, ecc="M").shape[0]
        version = (size - 17) // 4
        for level in range(density, len(DENSITY_MODULE_PX)):  # a single code: go denser if it must
            plan = plan_frames(240, level)
            if version <= plan.max_version:
                return FrameSet((value,), format="plain", version=version, ecc="M", plan=plan)
        raise TransportError("too long for one QR code on this screen")

    return encode


def address_qr_text(address: str) -> str:
    """Bech32 addresses in capitals, so the QR code uses the compact alphanumeric mode (BIP-173)."""
    lower = address.lower()
    if lower.startswith(("bc1", "tb1", "bcrt1")):
        return address.upper()
    return address


def _xpub_of(key: HDKey) -> str:
    from embit import ec
    from embit.bip32 import HDKey as Bip32Key
    from embit.networks import NETWORKS

    if key.chain_code is None or key.origin is None:
        raise TransportError("a multisig key needs its chain code and origin")
    network = "test" if key.is_testnet else "main"
    components = key.origin.components
    depth = key.origin.depth if key.origin.depth is not None else len(components)
    child = key.origin.indexes[-1] if components and key.origin.is_concrete else 0
    parent = (key.parent_fingerprint or 0).to_bytes(4, "big")
    node = Bip32Key(
        ec.PublicKey.parse(key.key_data),
        key.chain_code,
        version=NETWORKS[network]["xpub"],
        depth=depth,
        fingerprint=parent,
        child_number=child,
    )
    return node.to_base58()


def descriptor_from_output(output: object) -> str:
    """Descriptor text of a crypto-output ``[sh(]wsh(sortedmulti(...))`` with origin-bearing keys."""
    from signer.transport.urtypes import CryptoOutput, HDKey, MultiKey

    if not isinstance(output, CryptoOutput) or not isinstance(output.key, MultiKey):
        raise TransportError("only a multisig output descriptor can be registered")
    if output.scripts not in (("wsh", "sortedmulti"), ("sh", "wsh", "sortedmulti")):
        raise TransportError("only wsh(sortedmulti) and sh(wsh(sortedmulti)) wallets can be registered")
    parts = []
    for key in output.key.keys:
        if not isinstance(key, HDKey) or key.origin is None or key.origin.source_fingerprint is None:
            raise TransportError("every key of the wallet needs its master fingerprint and path")
        path = key.origin.to_path_string().replace("'", "h")[1:]
        children = key.children.to_path_string("") if key.children is not None else "<0;1>/*"
        parts.append(f"[{key.origin.source_fingerprint:08x}{path}]{_xpub_of(key)}/{children}")
    body = f"sortedmulti({output.key.threshold},{','.join(parts)})"
    return f"wsh({body})" if output.scripts[0] == "wsh" else f"sh(wsh({body}))"
