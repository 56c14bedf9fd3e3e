"""Public-key exports as QR payloads: UR crypto-account / crypto-output for Bitcoin wallets
(Sparrow, BlueWallet, Nunchuk, Specter), UR crypto-hdkey for MetaMask and Rabby, and plain text
(descriptors, extended keys, addresses), each as a function ``density -> FrameSet``.

The payloads themselves are built in the signer (``signer.btc.export``, ``signer.eth.export``),
which the ``airlock`` command shares; this module only turns them into frames for the screen.
``signer.btc.export`` loads embit: it is imported when a Bitcoin export is made.

No secret ever goes into an export: only account-level public keys with their origins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from signer.eth.export import account_hdkey, ledger_live_account
from signer.transport.errors import TransportError
from signer.transport.frames import DENSITY_MODULE_PX, FrameSet, encode_frames, plan_frames, qr_matrix
from signer.transport.urtypes import to_ur

if TYPE_CHECKING:
    from signer.keys.accounts import BtcAccount
    from signer.transport.frames import FrameSet
    from signer.transport.ur import UR

Encoder = Callable[[int], "FrameSet"]


def btc_account_ur(account: BtcAccount) -> UR:
    """crypto-account with this one account's output (Sparrow, Nunchuk, Specter)."""
    from signer.btc.export import account_ur

    return account_ur(account)


def btc_output_ur(account: BtcAccount) -> UR:
    """crypto-output of the account (BlueWallet)."""
    from signer.btc.export import output_ur

    return output_ur(account)


def eth_metamask_ur(seed: bytes) -> UR:
    """crypto-hdkey of m/44'/60'/0' as MetaMask's and Rabby's QR keyring import it ("hd" mode)."""
    return to_ur(account_hdkey(seed), legacy=True)


def eth_ledger_live_ur(seed: bytes, count: int = 5) -> UR:
    """crypto-account of the Ledger Live keys m/44'/60'/i'/0/0 (MetaMask's "pubkey" mode)."""
    return to_ur(ledger_live_account(seed, count), legacy=True)


def ur_encoder(ur: UR) -> Encoder:
    return lambda density: encode_frames(ur, format="ur", density=density)


def bytes_encoder(data: bytes, ur_type: str = "bytes") -> Encoder:
    return lambda density: encode_frames(data, format="ur", ur_type=ur_type, density=density)


def bbqr_encoder(data: bytes, file_type: str) -> Encoder:
    return lambda density: encode_frames(data, format="bbqr", bbqr_type=file_type, density=density)


def text_encoder(value: str, ecc: str = "M") -> Encoder:
    """One QR code holding ``value`` as text (the densest mode it allows), ECC M unless told."""

    def encode(density: int) -> FrameSet:
        size = qr_matrix(value, ecc=ecc).shape[0]
        version = (size - 17) // 4
        for level in range(density, len(DENSITY_MODULE_PX)):  # a single code: go denser if it must
            plan = plan_frames(240, level)
            if version <= plan.max_version:
                return FrameSet((value,), format="plain", version=version, ecc=ecc, plan=plan)
        raise TransportError("too long for one QR code on this screen")

    return encode


def address_qr_text(address: str) -> str:
    """Bech32 addresses in capitals, so the QR code uses the compact alphanumeric mode (BIP-173)."""
    lower = address.lower()
    if lower.startswith(("bc1", "tb1", "bcrt1")):
        return address.upper()
    return address


def descriptor_from_output(output: object) -> str:
    """Descriptor text of a scanned multisig crypto-output, for wallet registration."""
    from signer.btc.export import descriptor_from_output as from_output

    return from_output(output)
