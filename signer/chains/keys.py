"""The key sources chains review and sign with: a seed's keys, or watch-only keys.

``SeedKeys`` holds the BIP-32 seed: it reviews and signs. ``WatchOnlyKeys`` holds the public keys of
exported accounts (``airlock account show --json``, UR crypto-account / crypto-hdkey /
crypto-output: see signer.chains.exports) with the seed's fingerprint; it derives below those
account keys and knows nothing else, so a review it makes equals the seed's review for every
request within the exported accounts. Asked for a key outside them, or for a private key, it says
so (``WatchOnlyError``) rather than guess.

The Bitcoin keys (signer.btc.keys, the multisig records) are imported where a Bitcoin request needs
them: an Ethereum review or signature should not load them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from embit.bip32 import HDKey
from embit.ec import PrivateKey

from signer.btc.errors import PathError
from signer.btc.networks import check_network, format_path, parse_path
from signer.chains.contract import NO_PRIVATE_KEY, KeySource
from signer.derivation import HARDENED
from signer.errors import WatchOnlyError
from signer.eth.errors import EthError
from signer.eth.keys import SeedEthKeys
from signer.eth.sign import address_of_public

if TYPE_CHECKING:
    from signer.btc.keys import BtcKeys
    from signer.btc.multisig import MultisigWallet
    from signer.btc.multisig_records import RecordLike


class SeedKeys:
    """A seed's keys: its BIP-32 seed and the multisig wallets registered for it. Nothing here ever
    shows key material: the repr names the fingerprint only, and the object cannot be pickled."""

    can_sign = True

    def __init__(self, seed: bytes, multisig: Sequence[RecordLike] = ()) -> None:
        self._seed = bytes(seed)
        self._multisig = tuple(multisig)
        self._bitcoin: dict[str, BtcKeys] = {}

    @cached_property
    def fingerprint(self) -> bytes:
        fingerprint: bytes = HDKey.from_seed(self._seed).my_fingerprint
        return fingerprint

    def bitcoin(self, network: str) -> BtcKeys:
        keys = self._bitcoin.get(network)
        if keys is None:
            from signer.btc.keys import BtcKeys  # lazily: see the module's docstring

            keys = self._bitcoin[network] = BtcKeys.from_seed(self._seed, network, self._multisig)
        return keys

    @cached_property
    def _ethereum(self) -> SeedEthKeys:
        return SeedEthKeys(self._seed)

    def ethereum(self) -> SeedEthKeys:
        return self._ethereum

    def __repr__(self) -> str:
        return f"SeedKeys(fingerprint={self.fingerprint.hex()})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("key material is not picklable")


@dataclass(frozen=True)
class AccountKey:
    """One exported key: its path from the master key and the extended public key there."""

    path: tuple[int, ...]
    key: HDKey

    def __post_init__(self) -> None:
        if self.key.is_private:
            raise WatchOnlyError("an account export must hold a public key, not a private one")
        if self.key.depth != len(self.path):
            raise WatchOnlyError(
                f"the key exported for {format_path(self.path)} is at depth {self.key.depth}, not "
                f"{len(self.path)}: the export is inconsistent"
            )
        if self.path and self.key.child_number != self.path[-1]:
            raise WatchOnlyError(
                f"the key exported for {format_path(self.path)} is another child of its parent: the "
                "export is inconsistent"
            )


class ExportedKeys:
    """Public keys at and below the exported account keys of one seed."""

    _CACHE_LIMIT = 4096

    def __init__(self, fingerprint: bytes, accounts: Iterable[AccountKey]) -> None:
        if len(fingerprint) != 4:
            raise WatchOnlyError("a master key fingerprint is 4 bytes")
        self.fingerprint = bytes(fingerprint)
        by_path: dict[tuple[int, ...], AccountKey] = {}
        for account in accounts:
            known = by_path.get(account.path)
            if known is not None and (known.key.key.sec(), known.key.chain_code) != (
                account.key.key.sec(),
                account.key.chain_code,
            ):
                raise WatchOnlyError(f"two different keys are exported for {format_path(account.path)}")
            by_path[account.path] = account
        if not by_path:
            raise WatchOnlyError("no account key was exported")
        # longest path first: the closest exported key derives a path
        self.accounts = tuple(sorted(by_path.values(), key=lambda a: -len(a.path)))
        self._cache: dict[tuple[int, ...], HDKey] = {a.path: a.key for a in self.accounts}

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(format_path(a.path) for a in self.accounts)

    def node(self, path: Sequence[int]) -> HDKey:
        """The extended public key at ``path``; WatchOnlyError when no exported key is above it."""
        path = tuple(path)
        node = self._cache.get(path)
        if node is not None:
            return node
        for account in self.accounts:
            depth = len(account.path)
            if path[:depth] != account.path or any(i >= HARDENED for i in path[depth:]):
                continue
            known = max(d for d in range(depth, len(path) + 1) if path[:d] in self._cache)
            node = self._cache[path[:known]]
            for i in range(known, len(path)):
                node = node.child(path[i])
                if len(self._cache) < self._CACHE_LIMIT:
                    self._cache[path[: i + 1]] = node
            return node
        raise WatchOnlyError(
            f"{format_path(path)} is not below an exported account ({', '.join(self.paths)}): export "
            "its account to review this request here"
        )

    def pubkey(self, path: Sequence[int]) -> bytes:
        return self.node(path).sec()


class WatchOnlyBtcKeys:
    """``signer.btc.keys.BitcoinKeys`` from exported accounts: reviews, never signs."""

    def __init__(self, exported: ExportedKeys, network: str, multisig: Iterable[RecordLike] = ()) -> None:
        self.network = check_network(network)
        self._exported = exported
        self.fingerprint: bytes = exported.fingerprint
        from signer.btc.multisig_records import load_registered  # lazily: see the module's docstring

        registered = load_registered(multisig, self.network)
        self.multisig: tuple[MultisigWallet, ...] = registered.wallets
        self.unreadable_multisig: tuple[str, ...] = registered.unreadable

    @property
    def fingerprint_hex(self) -> str:
        return self.fingerprint.hex()

    def pubkey(self, path: Sequence[int]) -> bytes:
        return self._exported.pubkey(path)

    def derive(self, path: Sequence[int]) -> HDKey:
        """Signing asks for a private key: refused."""
        raise WatchOnlyError(NO_PRIVATE_KEY)

    def private_key(self, path: Sequence[int]) -> PrivateKey:
        raise WatchOnlyError(NO_PRIVATE_KEY)

    def __repr__(self) -> str:
        return f"WatchOnlyBtcKeys(fingerprint={self.fingerprint_hex}, network={self.network})"


class WatchOnlyEthKeys:
    """``signer.eth.keys.EthKeys`` from exported accounts: addresses, never signatures."""

    def __init__(self, exported: ExportedKeys) -> None:
        self._exported = exported
        self.fingerprint = int.from_bytes(exported.fingerprint, "big")

    def address(self, path: str) -> bytes:
        text = path.strip()
        try:
            numbers = parse_path(text if text[:1] in ("m", "M") else "m/" + text.lstrip("/"))
        except PathError as exc:
            raise EthError(f"cannot derive a key at {path!r}: {exc}") from None
        return address_of_public(self._exported.pubkey(numbers))

    def private_key(self, path: str) -> bytes:
        raise WatchOnlyError(NO_PRIVATE_KEY)

    def __repr__(self) -> str:
        return f"WatchOnlyEthKeys(fingerprint={self.fingerprint:08x})"


class WatchOnlyKeys:
    """A seed known by its exported accounts only: ``KeySource`` for reviews without the seed."""

    can_sign = False

    def __init__(self, exported: ExportedKeys, multisig: Sequence[RecordLike] = ()) -> None:
        self.exported = exported
        self._multisig = tuple(multisig)
        self._bitcoin: dict[str, WatchOnlyBtcKeys] = {}

    @property
    def fingerprint(self) -> bytes:
        return self.exported.fingerprint

    def bitcoin(self, network: str) -> WatchOnlyBtcKeys:
        keys = self._bitcoin.get(network)
        if keys is None:
            keys = self._bitcoin[network] = WatchOnlyBtcKeys(self.exported, network, self._multisig)
        return keys

    def ethereum(self) -> WatchOnlyEthKeys:
        return WatchOnlyEthKeys(self.exported)

    def __repr__(self) -> str:
        return (
            f"WatchOnlyKeys(fingerprint={self.fingerprint.hex()}, accounts={', '.join(self.exported.paths)})"
        )


def bitcoin_signer(keys: KeySource, network: str) -> BtcKeys:
    """The private Bitcoin keys of ``keys`` on ``network``; WatchOnlyError for watch-only keys."""
    from signer.btc.keys import BtcKeys  # lazily: see the module's docstring

    found = keys.bitcoin(network)
    if not isinstance(found, BtcKeys):
        raise WatchOnlyError(NO_PRIVATE_KEY)
    return found


def ethereum_signer(keys: KeySource) -> SeedEthKeys:
    """The seed's Ethereum keys; WatchOnlyError for watch-only keys."""
    found = keys.ethereum()
    if not isinstance(found, SeedEthKeys):
        raise WatchOnlyError(NO_PRIVATE_KEY)
    return found
