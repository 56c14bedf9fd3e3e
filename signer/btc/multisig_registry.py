"""Registering a multisig wallet for a seed, and checking the ones a backup brings.

Before a wallet is stored (see ``multisig_records`` for the record) it must be one this seed cosigns:
its key for the seed's fingerprint must be the key the seed derives at that path (a fingerprint
alone is trivial to spoof), the network must be the signer's, and the seed must not have it yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from embit.networks import NETWORKS

from signer.btc.errors import DescriptorError, NotACosigner
from signer.btc.keys import BtcKeys
from signer.btc.multisig import MultisigWallet, ScriptType
from signer.btc.multisig_formats import parse_wallet
from signer.btc.multisig_records import RecordLike, record_name, wallet_of_record
from signer.btc.networks import format_path
from signer.btc.paths import MULTISIG_PURPOSE
from signer.derivation import HARDENED, CoinType, Network, Purpose
from signer.errors import AirlockError
from signer.keys.vault import MAX_WALLET_NAME, SeedEntry, clean_wallet_name

T = TypeVar("T")


def check_cosigner(wallet: MultisigWallet, keys: BtcKeys) -> None:
    """Refuse (NotACosigner) a wallet in which this seed's key is not at the path it claims."""
    fp = keys.fingerprint
    ours = [wallet.cosigners[i] for i in wallet.ours(fp)]
    if not ours:
        hidden = _our_key_without_origin(wallet, keys)
        if hidden is not None:
            raise NotACosigner(
                f"{wallet.name} lists this seed's key ({hidden}) without its fingerprint and path, so "
                "transactions made from it cannot name this seed; add the key to the coordinator with "
                "its fingerprint and path, then export the wallet again"
            )
        raise NotACosigner(f"this seed ({fp.hex()}) is not one of the cosigners of {wallet.name}")
    version = NETWORKS[wallet.network]["xpub"]
    if not any(c.path is not None and keys.xpub(c.path).to_base58(version) == c.xpub for c in ours):
        raise NotACosigner(
            f"the key listed for this seed's fingerprint {fp.hex()} is not the key this seed derives "
            "at that path"
        )


def _usual_path(wallet: MultisigWallet) -> tuple[int, ...]:
    if wallet.script_type == ScriptType.P2SH:
        return (Purpose.BIP45 + HARDENED,)
    coin = CoinType.BITCOIN if wallet.network_is_main else CoinType.BITCOIN_TEST
    script = 2 if wallet.script_type == ScriptType.P2WSH else 1
    return (MULTISIG_PURPOSE, coin + HARDENED, HARDENED, script + HARDENED)  # BIP-48 account 0


def _our_key_without_origin(wallet: MultisigWallet, keys: BtcKeys) -> str | None:
    """The usual path of this seed's key when the wallet lists that key without an origin."""
    bare = {c.xpub for c in wallet.cosigners if not c.has_origin}
    if not bare:
        return None
    path = _usual_path(wallet)
    if keys.xpub(path).to_base58(NETWORKS[wallet.network]["xpub"]) in bare:
        return format_path(path)
    return None


def _free_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = name[: MAX_WALLET_NAME - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def check_new(wallet: MultisigWallet, existing: Iterable[RecordLike]) -> MultisigWallet:
    """Refuse a wallet the seed already has (same keys, threshold and script); a name already used
    by another wallet gets a number, so nothing registered is ever shadowed."""
    taken: set[str] = set()
    for item in existing:
        taken.add(record_name(item))
        try:
            other = wallet_of_record(item)
        except AirlockError:
            continue
        if (
            {c.xpub for c in other.cosigners} == {c.xpub for c in wallet.cosigners}
            and other.m == wallet.m
            and other.script_type == wallet.script_type
        ):
            raise DescriptorError(f"this wallet is already registered as {other.name}")
    return wallet.named(_free_name(wallet.name, taken))


def admit(wallet: MultisigWallet, keys: BtcKeys, existing: Iterable[RecordLike] = ()) -> MultisigWallet:
    """Check ``wallet`` is safe to store for this seed: network, our key, not yet registered.
    Returns it under the name it will be stored as."""
    if wallet.network_is_main != (keys.network == Network.MAIN):
        raise DescriptorError(
            f"wallet keys are for {wallet.network_name}, but this signer is on {keys.network}"
        )
    check_cosigner(wallet, keys)
    return check_new(wallet, existing)


def register_multisig(
    text: str, keys: BtcKeys, name: str | None = None, existing: Iterable[RecordLike] = ()
) -> MultisigWallet:
    """``admit`` the wallet a file (in any format ``multisig_formats`` reads) describes."""
    return admit(parse_wallet(text, name), keys, existing)


def register_for_seeds(
    text: str, candidates: Iterable[tuple[T, bytes, Sequence[RecordLike]]], name: str | None = None
) -> tuple[T, MultisigWallet, bytes]:
    """The first candidate seed (token, BIP-32 seed, its records) that cosigns the wallet in ``text``,
    the wallet to store for it and the master fingerprint that registers it."""
    wallet = parse_wallet(text, name)
    problem: AirlockError | None = None
    tried: list[str] = []
    for token, seed, records in candidates:
        keys = BtcKeys.from_seed(seed, wallet.network)
        tried.append(keys.fingerprint.hex())
        if not wallet.ours(keys.fingerprint) and _our_key_without_origin(wallet, keys) is None:
            continue
        try:
            check_cosigner(wallet, keys)
            return token, check_new(wallet, records), keys.fingerprint
        except AirlockError as exc:
            problem = problem or exc
    if problem is not None:
        raise problem
    raise NotACosigner(f"none of the loaded seeds ({', '.join(tried)}) is a cosigner of {wallet.name}")


def check_seed_records(entry: SeedEntry) -> None:
    """Refuse a seed record (from a backup) whose multisig wallets are not valid, not sorted-multisig
    wallets this seed is part of, or carry a bad checksum. The message names the seed and wallet."""
    names: set[str] = set()
    keys: dict[str, BtcKeys] = {}  # by network: one BIP-32 seed derivation for all the records
    for record in entry.multisig:
        name = record.get("name")
        where = f"seed {entry.label!r}, multisig wallet {name!r}"
        try:
            if not isinstance(name, str) or clean_wallet_name(name) != name:
                raise DescriptorError("the wallet name is not valid")
            if name in names:
                raise DescriptorError("the name is used twice")
            names.add(name)
            wallet = wallet_of_record(record, strict=True)
            registered_by = str(record.get("fingerprint") or entry.fingerprint).lower()
            if not _is_fingerprint(registered_by):
                raise DescriptorError(f"the fingerprint {registered_by!r} is not 8 hex digits")
            if not wallet.ours(bytes.fromhex(registered_by)):
                raise NotACosigner(f"this seed ({registered_by}) is not one of its cosigners")
            if registered_by == entry.fingerprint:  # with a passphrase, the key cannot be checked here
                if wallet.network not in keys:
                    keys[wallet.network] = BtcKeys.from_seed(entry.bip32_seed(""), wallet.network)
                check_cosigner(wallet, keys[wallet.network])
        except AirlockError as exc:
            kind = NotACosigner if isinstance(exc, NotACosigner) else DescriptorError
            raise kind(f"{where}: {exc}") from None


def _is_fingerprint(text: str) -> bool:
    return len(text) == 8 and all(c in "0123456789abcdef" for c in text)
