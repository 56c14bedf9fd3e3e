"""A seed's registered multisig wallets as stored: vault records ``{"name", "descriptor"[,
"fingerprint"]}`` - the name the person gave the wallet, its canonical descriptor, and the master
fingerprint that registered it (the seed's own, or the seed's with a passphrase).

Loading the records for one network keeps that network's wallets and sets the others aside: a
testnet wallet never stops the seed from signing on mainnet, nor the reverse. A record that cannot
be read is set aside too, with the reason, for the review to mention; it never stops unrelated work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from signer.btc.errors import DescriptorError
from signer.btc.multisig import MultisigWallet, parse_descriptor
from signer.derivation import Network
from signer.errors import AirlockError

RecordLike = MultisigWallet | Mapping[str, str] | str


@dataclass(frozen=True)
class Registered:
    """A seed's registered wallets as seen from one network."""

    wallets: tuple[MultisigWallet, ...]  # of this network: the ones that can sign here
    unreadable: tuple[str, ...]  # "name: reason" for records that could not be read (left out)


def wallet_of_record(item: RecordLike, *, strict: bool = False) -> MultisigWallet:
    """The wallet a stored record (or a bare descriptor) stands for, under the record's name."""
    if isinstance(item, MultisigWallet):
        return item
    if isinstance(item, str):
        return parse_descriptor(item, require_checksum=strict)
    descriptor, name = item.get("descriptor"), item.get("name")
    if not isinstance(descriptor, str) or not isinstance(name, str):
        raise DescriptorError("the record needs a name and a descriptor")
    return parse_descriptor(descriptor, require_checksum=strict).named(name)


def record_name(item: RecordLike) -> str:
    if isinstance(item, MultisigWallet):
        return item.name
    if isinstance(item, str):
        return "multisig wallet"
    return str(item.get("name", "multisig wallet"))


def load_registered(items: Iterable[RecordLike], network: str) -> Registered:
    """The wallets of ``items`` that belong to ``network``; those of the other network are left out
    (they can never sign here), unreadable ones are listed: nothing is raised."""
    wallets: list[MultisigWallet] = []
    unreadable: list[str] = []
    for item in items:
        try:
            wallet = wallet_of_record(item)
        except AirlockError as exc:
            unreadable.append(f"{record_name(item)}: {exc}")
            continue
        if wallet.network_is_main == (network == Network.MAIN):
            wallets.append(wallet)
    return Registered(tuple(wallets), tuple(unreadable))


def describe_record(item: RecordLike) -> str:
    """A short line for lists: ``2 of 3, testnet``, or ``unreadable``."""
    try:
        wallet = wallet_of_record(item)
    except AirlockError:
        return "unreadable"
    return f"{wallet.m} of {wallet.n}, {'mainnet' if wallet.network_is_main else 'testnet'}"
