"""Accounts derived from one seed: Bitcoin single-sig and multisig-cosigner keys, Ethereum addresses.

The maths is embit's (BIP-32, descriptors, addresses); keccak for Ethereum is pycryptodome's. Both
are imported where an account is derived: the device starts, and the vault opens, without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from signer.derivation import MAX_UNHARDENED, NETWORK_NAMES, CoinType, Network, Purpose
from signer.keccak import checksum_address, keccak256
from signer.keys.errors import AccountError

# kind -> (purpose, script-type suffix or None, descriptor template, SLIP-132 version key or None)
_BTC_KINDS: dict[str, tuple[int, int | None, str | None, str | None]] = {
    "btc-44": (Purpose.BIP44, None, "pkh({})", None),
    "btc-49": (Purpose.BIP49, None, "sh(wpkh({}))", "ypub"),
    "btc-84": (Purpose.BIP84, None, "wpkh({})", "zpub"),
    "btc-86": (Purpose.BIP86, None, "tr({})", None),
    "btc-48-1": (Purpose.BIP48, 1, None, "Ypub"),
    "btc-48-2": (Purpose.BIP48, 2, None, "Zpub"),
}
ETH_KINDS = ("eth", "eth-ledger-live")
KINDS = (*_BTC_KINDS, *ETH_KINDS)
MAX_INDEX = MAX_UNHARDENED


@dataclass(frozen=True)
class AccountSpec:
    """Which account: ``kind`` (btc-84, eth, ...), ``network`` and account ``index``."""

    kind: str
    network: str = Network.MAIN
    index: int = 0

    @classmethod
    def parse(cls, kind: str, network: str = Network.MAIN, index: int = 0) -> AccountSpec:
        kind = kind.lower()
        if kind not in KINDS:
            raise AccountError(f"unknown account kind {kind!r}; choose one of {', '.join(KINDS)}")
        aliases = {"mainnet": Network.MAIN, "testnet": Network.TEST, "bitcoin": Network.MAIN}
        network = aliases.get(network, network)
        if network not in NETWORK_NAMES:
            raise AccountError(f"unknown network {network!r}; choose one of {', '.join(NETWORK_NAMES)}")
        if kind in ETH_KINDS and network != Network.MAIN:
            raise AccountError("Ethereum accounts choose their chain when signing; use network 'main'")
        if not 0 <= index <= MAX_INDEX:
            raise AccountError(f"account index must be 0..{MAX_INDEX}, not {index}")
        return cls(kind, network, index)

    @property
    def is_bitcoin(self) -> bool:
        return self.kind in _BTC_KINDS

    @property
    def coin_type(self) -> int:
        if not self.is_bitcoin:
            return CoinType.ETHEREUM
        return CoinType.of_network(self.network)

    @property
    def path(self) -> str:
        """The account-level derivation path (hardened steps written with h)."""
        if self.kind == "eth":
            return f"m/{Purpose.BIP44}h/{CoinType.ETHEREUM}h/0h"
        if self.kind == "eth-ledger-live":
            return f"m/{Purpose.BIP44}h/{CoinType.ETHEREUM}h/{self.index}h"
        purpose, script, _, _ = _BTC_KINDS[self.kind]
        tail = f"/{script}h" if script is not None else ""
        return f"m/{purpose}h/{self.coin_type}h/{self.index}h{tail}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "network": self.network, "index": self.index}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AccountSpec:
        return cls.parse(str(data["kind"]), str(data.get("network", Network.MAIN)), int(data.get("index", 0)))

    def __str__(self) -> str:
        net = "" if self.network == Network.MAIN else f" ({self.network})"
        return f"{self.kind} #{self.index}{net}"


def _root(seed: bytes, network: str) -> Any:
    from embit.bip32 import HDKey
    from embit.networks import NETWORKS as EMBIT_NETWORKS

    return HDKey.from_seed(seed, version=EMBIT_NETWORKS[network]["xprv"])


def fingerprint(seed: bytes) -> str:
    """Master key fingerprint (8 hex characters) of a BIP-32 seed."""
    from embit.bip32 import HDKey

    fingerprint: bytes = HDKey.from_seed(seed).my_fingerprint
    return fingerprint.hex()


@dataclass(frozen=True)
class BtcAccount:
    spec: AccountSpec
    fingerprint: str
    xpub: str
    slip132: str | None

    @property
    def path(self) -> str:
        return self.spec.path

    @property
    def key_expression(self) -> str:
        """``[fp/path]xpub/<0;1>/*``: the key as descriptors and multisig coordinators want it."""
        return f"[{self.fingerprint}{self.path[1:]}]{self.xpub}/<0;1>/*"

    @property
    def is_multisig_key(self) -> bool:
        return self.spec.kind.startswith("btc-48")

    @property
    def descriptor(self) -> str | None:
        """Output descriptor with checksum; None for a multisig cosigner key (needs the others)."""
        template = _BTC_KINDS[self.spec.kind][2]
        if template is None:
            return None
        from embit.descriptor.checksum import add_checksum

        return add_checksum(template.format(self.key_expression))

    @cached_property
    def _descriptor(self) -> Any:
        from embit.descriptor.descriptor import Descriptor

        if self.descriptor is None:
            raise AccountError("a multisig cosigner key has no addresses of its own; register the wallet")
        return Descriptor.from_string(self.descriptor.split("#")[0])

    def address(self, change: int, index: int) -> str:
        from embit.networks import NETWORKS as EMBIT_NETWORKS

        if change not in (0, 1):
            raise AccountError("change must be 0 (receive) or 1 (change)")
        if not 0 <= index <= MAX_INDEX:
            raise AccountError(f"address index must be 0..{MAX_INDEX}")
        derived = self._descriptor.derive(index, branch_index=change)
        address: str = derived.address(EMBIT_NETWORKS[self.spec.network])
        return address

    def to_json(self, addresses: int = 0) -> dict[str, Any]:
        data: dict[str, Any] = {
            **self.spec.to_json(),
            "fingerprint": self.fingerprint,
            "path": self.path,
            "xpub": self.xpub,
            "slip132": self.slip132,
            "key": self.key_expression,
            "descriptor": self.descriptor,
        }
        if addresses and self.descriptor is not None:
            data["receive"] = [self.address(0, i) for i in range(addresses)]
            data["change"] = [self.address(1, i) for i in range(addresses)]
        return data


def derive_btc_account(seed: bytes, spec: AccountSpec) -> BtcAccount:
    if not spec.is_bitcoin:
        raise AccountError(f"{spec.kind} is not a Bitcoin account")
    from embit.networks import NETWORKS as EMBIT_NETWORKS

    root = _root(seed, spec.network)
    account = root.derive(spec.path).to_public()
    version_key = _BTC_KINDS[spec.kind][3]
    slip132 = None
    if version_key is not None:
        slip132 = account.to_base58(version=EMBIT_NETWORKS[spec.network][version_key])
    return BtcAccount(spec, root.my_fingerprint.hex(), account.to_base58(), slip132)


def eth_address_from_pubkey(pubkey: Any) -> str:
    from embit.ec import PublicKey

    uncompressed = PublicKey.parse(pubkey.sec())
    uncompressed.compressed = False
    return checksum_address(keccak256(uncompressed.sec()[1:])[-20:])


@dataclass(frozen=True)
class EthAccount:
    spec: AccountSpec
    fingerprint: str
    xpub: str  # at m/44'/60'/0' for MetaMask style; at the account path for Ledger Live
    _seed_root: Any

    def path(self, index: int = 0) -> str:
        if self.spec.kind == "eth":
            return f"m/44h/60h/0h/0/{index}"
        return f"m/44h/60h/{index}h/0/0"

    def address(self, index: int = 0) -> str:
        if not 0 <= index <= MAX_INDEX:
            raise AccountError(f"address index must be 0..{MAX_INDEX}")
        return eth_address_from_pubkey(self._seed_root.derive(self.path(index)).key.get_public_key())

    def to_json(self, addresses: int = 0) -> dict[str, Any]:
        data: dict[str, Any] = {
            **self.spec.to_json(),
            "fingerprint": self.fingerprint,
            "path": self.spec.path,
            "xpub": self.xpub,
        }
        if addresses:
            data["addresses"] = [{"path": self.path(i), "address": self.address(i)} for i in range(addresses)]
        return data

    def __repr__(self) -> str:
        return f"EthAccount({self.spec}, fingerprint={self.fingerprint})"


def derive_eth_account(seed: bytes, spec: AccountSpec) -> EthAccount:
    if spec.kind not in ETH_KINDS:
        raise AccountError(f"{spec.kind} is not an Ethereum account")
    root = _root(seed, Network.MAIN)
    xpub = root.derive(spec.path).to_public().to_base58()
    return EthAccount(spec, root.my_fingerprint.hex(), xpub, root)


def derive_account(seed: bytes, spec: AccountSpec) -> BtcAccount | EthAccount:
    return derive_btc_account(seed, spec) if spec.is_bitcoin else derive_eth_account(seed, spec)
