"""What a person does with a watch-only wallet, once: the CLI and the web page both call these.

Each function takes the data folder's :class:`Wallets` and raises :class:`CompanionError` (one line,
nothing changed) on bad input, an unknown wallet or an unreachable node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.btc.wallets import Status, WalletRecord, Wallets, check_name, open_bdk
from companion.errors import CompanionError

if TYPE_CHECKING:
    from signer.transport.payload import Payload


@dataclass(frozen=True)
class ReceiveAddress:
    address: str
    index: int
    path: str  # m/84h/1h/0h/0/INDEX
    synced: bool  # False: the wallet was never synced, so a used address may be given again


def import_wallet(
    wallets: Wallets, name: str, export: bytes | Payload, network: str, node: str
) -> WalletRecord:
    """A new wallet ``name`` from a device export: file bytes, or a payload scanned by the assembler."""
    from companion.btc.chain import parse_node_url
    from companion.btc.exports import read_export, read_payload

    check_name(name)
    parse_node_url(node)
    account = read_export(export, network) if isinstance(export, bytes) else read_payload(export, network)
    return wallets.create(name, account, node)


def sync_wallet(wallets: Wallets, name: str) -> Status:
    """Bring ``name`` to its node's tip and keep what the sync saw (``balance`` answers from it)."""
    from companion.btc.chain import chain_source

    record = wallets.load(name)
    source = chain_source(record.node)
    wallet = open_bdk(record, wallets.folder(name))
    status = source.sync(record, wallet, wallets.folder(name))
    wallets.save_status(name, status)
    return status


def next_address(wallets: Wallets, name: str) -> ReceiveAddress:
    """The next unused receive address as of the last sync (the first one before any sync).

    The address is revealed in BDK's store, so that the next compact block filter sync watches it.
    """
    import bdkpython as bdk

    record = wallets.load(name)
    status = wallets.status(name)
    index = 0 if status is None or status.last_used_receive is None else status.last_used_receive + 1
    opened = open_bdk(record, wallets.folder(name))
    opened.wallet.reveal_addresses_to(bdk.KeychainKind.EXTERNAL, index)
    opened.persist()
    address = str(opened.wallet.peek_address(bdk.KeychainKind.EXTERNAL, index).address)
    return ReceiveAddress(address, index, f"{record.account_path}/0/{index}", status is not None)


def balance(wallets: Wallets, name: str) -> Status:
    """The balance the last sync saw; refuses a wallet never synced."""
    record = wallets.load(name)
    status = wallets.status(name)
    if status is None:
        raise CompanionError(
            f"{record.name} was never synced: run `airlock-companion btc sync {record.name}`"
        )
    return status


def receive_address_at(wallets: Wallets, name: str, index: int) -> ReceiveAddress:
    """Receive address ``index`` of ``name``, without revealing anything in the store."""
    import bdkpython as bdk

    if not 0 <= index < 2**31:
        raise CompanionError(f"address index {index} is out of range")
    record = wallets.load(name)
    opened = open_bdk(record, wallets.folder(name))
    address = str(opened.wallet.peek_address(bdk.KeychainKind.EXTERNAL, index).address)
    return ReceiveAddress(
        address, index, f"{record.account_path}/0/{index}", wallets.status(name) is not None
    )


def device_check_text(address: str) -> str:
    """The address as the device's address check scans it: bech32 in capitals, so the QR code can use
    the compact alphanumeric mode (BIP-173); other addresses as they are (their case matters)."""
    if address.lower().startswith(("bc1", "tb1", "bcrt1")):
        return address.upper()
    return address


def payment_uri(address: str) -> str:
    """A BIP-21 payment request for the address (wallet apps read it; so does the device's check)."""
    text = device_check_text(address)
    return ("BITCOIN:" if text.isupper() else "bitcoin:") + text
