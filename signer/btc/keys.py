"""The signing key material for the Bitcoin core: a BIP-32 root, its network and registered wallets.

Nothing here ever prints key material: the repr shows the fingerprint and network only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NoReturn, Protocol

from embit.bip32 import HDKey
from embit.ec import PrivateKey

from signer.btc.errors import BtcRefusal
from signer.btc.multisig_records import RecordLike, load_registered
from signer.btc.networks import check_network, params
from signer.derivation import Network

if TYPE_CHECKING:
    from signer.btc.multisig import MultisigWallet



class BitcoinKeys(Protocol):
    """What a review needs of a seed's Bitcoin keys: public keys only. ``BtcKeys`` (the seed's private
    root) is one; watch-only keys built from account exports are another (signer.chains.keys)."""

    network: str
    fingerprint: bytes  # the master key's
    multisig: tuple[MultisigWallet, ...]  # registered wallets of this network
    unreadable_multisig: tuple[str, ...]  # registered records that could not be read (why, for the review)

    @property
    def fingerprint_hex(self) -> str: ...

    def pubkey(self, path: Sequence[int]) -> bytes:
        """The compressed public key at ``path`` from the master key."""
        ...


class BtcKeys:
    """A private BIP-32 root for one network plus the multisig wallets registered for it.

    ``multisig`` takes vault records (``{"name", "descriptor"}``), descriptors or wallets. Those of
    another network are left out (they can never sign here), and so are records that cannot be
    read (listed in ``unreadable_multisig`` for the review to mention): neither is an error.
    """

    _CACHE_LIMIT = 4096

    def __init__(self, root: HDKey, network: str, multisig: Iterable[RecordLike] = ()) -> None:
        if not root.is_private or root.depth != 0:
            raise BtcRefusal("the signing key must be a private BIP-32 root (depth 0)", "bad-root")
        self.network = check_network(network)
        self._root = root
        self.fingerprint: bytes = root.my_fingerprint
        self._cache: dict[tuple[int, ...], HDKey] = {(): root}
        registered = load_registered(multisig, self.network)
        self.multisig: tuple[MultisigWallet, ...] = registered.wallets
        self.unreadable_multisig: tuple[str, ...] = registered.unreadable

    @classmethod
    def from_seed(
        cls, seed: bytes, network: str = Network.MAIN, multisig: Sequence[RecordLike] = ()
    ) -> BtcKeys:
        root = HDKey.from_seed(seed, version=params(network)["xprv"])
        return cls(root, network, multisig)

    @property
    def fingerprint_hex(self) -> str:
        return self.fingerprint.hex()

    def derive(self, path: Sequence[int]) -> HDKey:
        """Private key at ``path`` from the root; parents are cached so long runs stay linear."""
        path = tuple(path)
        node = self._cache.get(path)
        if node is not None:
            return node
        depth = len(path)
        while depth > 0 and path[:depth] not in self._cache:
            depth -= 1
        node = self._cache[path[:depth]]
        for i in range(depth, len(path)):
            node = node.child(path[i])
            if len(self._cache) < self._CACHE_LIMIT:
                self._cache[path[: i + 1]] = node
        return node

    def pubkey(self, path: Sequence[int]) -> bytes:
        return self.derive(path).sec()

    def private_key(self, path: Sequence[int]) -> PrivateKey:
        """The private key at ``path`` (the root is private, so every key derived from it is)."""
        key = self.derive(path).key
        if not isinstance(key, PrivateKey):
            raise BtcRefusal("the signing key must be a private BIP-32 root (depth 0)", "bad-root")
        return key

    def xpub(self, path: Sequence[int]) -> HDKey:
        public: HDKey = self.derive(path).to_public()
        return public

    def __repr__(self) -> str:
        fp = self.fingerprint.hex()
        return f"BtcKeys(fingerprint={fp}, network={self.network}, multisig={len(self.multisig)})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("key material is not picklable")
