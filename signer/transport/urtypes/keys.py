"""Key types: crypto-keypath, crypto-coin-info, crypto-eckey, crypto-hdkey, crypto-address.

BCR-2020-007 (hdkey, keypath, coin-info), BCR-2020-008 (eckey), BCR-2020-009 (address).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from signer.derivation import HARDENED, CoinType
from signer.transport.errors import TransportError
from signer.transport.urtypes import _fields as f
from signer.transport.urtypes._base import RegistryType


# -- keypath ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChildIndex:
    index: int
    hardened: bool = False

    def __post_init__(self) -> None:
        f.check_uint(self.index, "keypath child index", f.UINT31_MAX)
        _check_bool(self.hardened, "keypath hardened flag")

    def __str__(self) -> str:
        return f"{self.index}{_mark(self.hardened)}"


@dataclass(frozen=True)
class ChildRange:
    low: int
    high: int
    hardened: bool = False

    def __post_init__(self) -> None:
        f.check_uint(self.low, "keypath range low", f.UINT31_MAX)
        f.check_uint(self.high, "keypath range high", f.UINT31_MAX)
        _check_bool(self.hardened, "keypath hardened flag")
        if self.low >= self.high:
            raise TransportError("keypath range must have low < high")

    def __str__(self) -> str:
        return f"[{self.low}-{self.high}]{_mark(self.hardened)}"


@dataclass(frozen=True)
class ChildWildcard:
    hardened: bool = False

    def __post_init__(self) -> None:
        _check_bool(self.hardened, "keypath hardened flag")

    def __str__(self) -> str:
        return f"*{_mark(self.hardened)}"


@dataclass(frozen=True)
class ChildPair:
    """Multipath step ``<external;internal>`` as used for ``<0;1>/*`` receive/change chains."""

    external: ChildIndex
    internal: ChildIndex

    def __post_init__(self) -> None:
        if not isinstance(self.external, ChildIndex) or not isinstance(self.internal, ChildIndex):
            raise TransportError("keypath pair must hold two child indexes")

    def __str__(self) -> str:
        return f"<{self.external};{self.internal}>"


PathComponent = ChildIndex | ChildRange | ChildWildcard | ChildPair

_STEP = r"(\d{1,10})(['hH]?)"
_INDEX_RE = re.compile(_STEP)
_WILDCARD_RE = re.compile(r"\*(['hH]?)")
_RANGE_RE = re.compile(r"\[(\d{1,10})-(\d{1,10})\](['hH]?)")
_PAIR_RE = re.compile(rf"<{_STEP};{_STEP}>")


@dataclass(frozen=True)
class Keypath(RegistryType):
    """crypto-keypath: derivation steps, plus the master fingerprint and depth when known."""

    components: tuple[PathComponent, ...] = ()
    source_fingerprint: int | None = None
    depth: int | None = None

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-keypath", "keypath")
    TAGS: ClassVar[f.TagPair] = f.KEYPATH

    def __post_init__(self) -> None:
        if not isinstance(self.components, tuple) or not all(
            isinstance(c, ChildIndex | ChildRange | ChildWildcard | ChildPair) for c in self.components
        ):
            raise TransportError("keypath components must be a tuple of path components")
        if self.source_fingerprint is not None:
            f.check_uint(self.source_fingerprint, "keypath source fingerprint", nonzero=True)
        if self.depth is not None:
            f.check_uint(self.depth, "keypath depth", 255)

    # -- text form ----------------------------------------------------------------------------
    def to_path_string(self, prefix: str = "m") -> str:
        """``m/84'/0'/0'`` (or ``0/*`` with ``prefix=""``); hardened steps use ``'``."""
        steps = [str(c) for c in self.components]
        return "/".join([prefix, *steps] if prefix else steps)

    @classmethod
    def from_path_string(
        cls, path: str, source_fingerprint: int | None = None, depth: int | None = None
    ) -> Keypath:
        """Parse ``m/84'/0'/0'``, ``84h/0h``, ``0/*``, ``<0;1>/*``; TransportError if malformed."""
        if not isinstance(path, str) or len(path) > 1024:
            raise TransportError("derivation path must be a short text")
        text = path.strip()
        steps = [] if text in ("", "m", "M") else text.split("/")
        if steps and steps[0] in ("m", "M"):
            steps = steps[1:]
        return cls(tuple(_parse_step(s) for s in steps), source_fingerprint, depth)

    @property
    def is_concrete(self) -> bool:
        """True when every step is a single index (a path to one key)."""
        return all(isinstance(c, ChildIndex) for c in self.components)

    @property
    def indexes(self) -> list[int]:
        """BIP-32 child numbers (hardened bit set); only for concrete paths."""
        if not self.is_concrete:
            raise TransportError("keypath has wildcard, range or multipath steps")
        steps = [c for c in self.components if isinstance(c, ChildIndex)]
        return [c.index | (HARDENED if c.hardened else 0) for c in steps]

    # -- CBOR -----------------------------------------------------------------------------------
    def to_item(self, legacy: bool = True) -> Any:
        flat: list[Any] = []
        for c in self.components:
            if isinstance(c, ChildIndex):
                flat += [c.index, c.hardened]
            elif isinstance(c, ChildRange):
                flat += [[c.low, c.high], c.hardened]
            elif isinstance(c, ChildWildcard):
                flat += [[], c.hardened]
            else:
                flat.append([c.external.index, c.external.hardened, c.internal.index, c.internal.hardened])
        m: dict[int, Any] = {1: flat}
        if self.source_fingerprint is not None:
            m[2] = self.source_fingerprint
        if self.depth is not None:
            m[3] = self.depth
        return m

    @classmethod
    def from_item(cls, item: Any) -> Keypath:
        what = "crypto-keypath"
        m = f.expect_map(item, what, {1, 2, 3})
        flat = f.required(f.get_list(m, 1, what), 1, what)
        components: list[PathComponent] = []
        i = 0
        while i < len(flat):
            head = flat[i]
            if isinstance(head, list) and len(head) == 4:  # multipath pair, no trailing flag
                components.append(ChildPair(_index(head[0], head[1]), _index(head[2], head[3])))
                i += 1
                continue
            if i + 1 >= len(flat) or type(flat[i + 1]) is not bool:
                raise TransportError(f"{what}: every path step needs a hardened flag")
            hardened = flat[i + 1]
            if type(head) is int:
                components.append(_index(head, hardened))
            elif head == []:
                components.append(ChildWildcard(hardened))
            elif isinstance(head, list) and len(head) == 2 and all(type(x) is int for x in head):
                components.append(ChildRange(head[0], head[1], hardened))
            else:
                raise TransportError(f"{what}: unrecognised path step")
            i += 2
        return cls(
            tuple(components),
            f.get_uint(m, 2, what),
            f.get_uint(m, 3, what, 255),
        )


def _parse_step(step: str) -> PathComponent:
    if m := _INDEX_RE.fullmatch(step):
        return ChildIndex(_step_index(m[1]), m[2] != "")
    if m := _WILDCARD_RE.fullmatch(step):
        return ChildWildcard(m[1] != "")
    if m := _RANGE_RE.fullmatch(step):
        return ChildRange(_step_index(m[1]), _step_index(m[2]), m[3] != "")
    if m := _PAIR_RE.fullmatch(step):
        return ChildPair(ChildIndex(_step_index(m[1]), m[2] != ""), ChildIndex(_step_index(m[3]), m[4] != ""))
    raise TransportError("derivation path has a malformed step")


def _step_index(text: str) -> int:
    value = int(text)
    if value > f.UINT31_MAX:
        raise TransportError("derivation path step must be below 2^31 (use ' for hardened)")
    return value


def _index(index: Any, hardened: Any) -> ChildIndex:
    if type(index) is not int or type(hardened) is not bool:
        raise TransportError("crypto-keypath: path step must be (index, hardened flag)")
    return ChildIndex(index, hardened)


def _mark(hardened: bool) -> str:
    return "'" if hardened else ""


def _check_bool(value: Any, what: str) -> None:
    if type(value) is not bool:
        raise TransportError(f"{what} must be a bool")


# -- coin info ----------------------------------------------------------------------------------
# crypto-coininfo's "type" is the SLIP-44 coin type (a plain int: the CBOR fields check type(v) is int)
COIN_BTC = CoinType.BITCOIN.value
COIN_ETH = CoinType.ETHEREUM.value
NETWORK_MAINNET = 0
NETWORK_TESTNET = 1


@dataclass(frozen=True)
class CoinInfo(RegistryType):
    """crypto-coin-info: SLIP-44 coin type and network (both default to Bitcoin mainnet).

    The network is always written, even when it is the mainnet default: urtypes (SeedSigner,
    Krux) renders a key whose coin info lacks it as a tpub, and Sparrow's reader fails on it.
    The coin type is written only when it is not Bitcoin, as every reader defaults it.
    """

    coin_type: int = COIN_BTC
    network: int = NETWORK_MAINNET

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-coin-info", "coin-info")
    TAGS: ClassVar[f.TagPair] = f.COIN_INFO

    def __post_init__(self) -> None:
        f.check_uint(self.coin_type, "coin-info type", f.UINT31_MAX)
        if type(self.network) is not int or not -(2**63) <= self.network < 2**63:
            raise TransportError("coin-info network must be an integer")

    def to_item(self, legacy: bool = True) -> Any:
        m: dict[int, Any] = {}
        if self.coin_type != COIN_BTC:
            m[1] = self.coin_type
        m[2] = self.network
        return m

    @classmethod
    def from_item(cls, item: Any) -> CoinInfo:
        what = "crypto-coin-info"
        m = f.expect_map(item, what, {1, 2})
        coin_type = f.get_uint(m, 1, what, f.UINT31_MAX)
        network = f.get_int(m, 2, what)
        return cls(
            COIN_BTC if coin_type is None else coin_type, NETWORK_MAINNET if network is None else network
        )


# -- ec key -------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ECKey(RegistryType):
    """crypto-eckey: a bare secp256k1 key (32-byte private, 33/65-byte public)."""

    data: bytes
    is_private: bool = False
    curve: int = 0

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-eckey", "eckey")
    TAGS: ClassVar[f.TagPair] = f.ECKEY

    def __post_init__(self) -> None:
        _check_bool(self.is_private, "eckey is-private")
        if self.curve != 0 or type(self.curve) is not int:
            raise TransportError("eckey: only curve 0 (secp256k1) is supported")
        if self.is_private:
            f.check_bytes(self.data, "eckey private key", (32,))
        else:
            f.check_bytes(self.data, "eckey public key", (33, 65))
            if self.data[0] not in ((4,) if len(self.data) == 65 else (2, 3)):
                raise TransportError("eckey public key has a wrong prefix byte")

    def __repr__(self) -> str:
        return "ECKey(private)" if self.is_private else f"ECKey(public={self.data.hex()})"

    def to_item(self, legacy: bool = True) -> Any:
        m: dict[int, Any] = {}
        if self.is_private:
            m[2] = True
        m[3] = self.data
        return m

    @classmethod
    def from_item(cls, item: Any) -> ECKey:
        what = "crypto-eckey"
        m = f.expect_map(item, what, {1, 2, 3})
        curve = f.get_int(m, 1, what)
        is_private = f.get_bool(m, 2, what)
        data = f.required(f.get_bytes(m, 3, what), 3, what)
        return cls(data, bool(is_private), 0 if curve is None else curve)


# -- hd key -------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class HDKey(RegistryType):
    """crypto-hdkey: an extended key with its origin and intended use.

    Master keys (``is_master``) are private and carry only key data and chain code. ``key_data``
    is 33 bytes: ``00 || private key`` or a compressed public key. Key 10 is ``note`` in
    BCR-2020-007 and the Keystone SDK; ERC-4527's CDDL calls the same key ``source``. Keystone
    puts ``account.standard`` / ``account.ledger_legacy`` there, which MetaMask reads.
    """

    key_data: bytes
    chain_code: bytes | None = None
    is_master: bool = False
    is_private: bool = False
    use_info: CoinInfo | None = None
    origin: Keypath | None = None
    children: Keypath | None = None
    parent_fingerprint: int | None = None
    name: str | None = None
    note: str | None = field(default=None)

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-hdkey", "hdkey")
    TAGS: ClassVar[f.TagPair] = f.HDKEY

    def __post_init__(self) -> None:
        _check_bool(self.is_master, "hdkey is-master")
        _check_bool(self.is_private, "hdkey is-private")
        f.check_bytes(self.key_data, "hdkey key data", (33,))
        if self.chain_code is not None:
            f.check_bytes(self.chain_code, "hdkey chain code", (32,))
        if self.is_master:
            if not self.is_private or self.chain_code is None:
                raise TransportError("hdkey: a master key must be private and have a chain code")
            extras = (
                self.use_info,
                self.origin,
                self.children,
                self.parent_fingerprint,
                self.name,
                self.note,
            )
            if any(x is not None for x in extras):
                raise TransportError("hdkey: a master key carries only key data and chain code")
        if self.is_private and self.key_data[0] != 0:
            raise TransportError("hdkey: private key data must start with 0x00")
        if not self.is_private and self.key_data[0] not in (2, 3):
            raise TransportError("hdkey: public key data must be a compressed point (02/03)")
        for value, kind, what in (
            (self.use_info, CoinInfo, "use-info"),
            (self.origin, Keypath, "origin"),
            (self.children, Keypath, "children"),
        ):
            if value is not None and not isinstance(value, kind):
                raise TransportError(f"hdkey {what} has the wrong type")
        if self.parent_fingerprint is not None:
            f.check_uint(self.parent_fingerprint, "hdkey parent fingerprint", nonzero=True)
        f.check_optional_text(self.name, "hdkey name")
        f.check_optional_text(self.note, "hdkey note")

    def __repr__(self) -> str:
        kind = "master" if self.is_master else "private" if self.is_private else "public"
        path = self.origin.to_path_string() if self.origin else "?"
        key = "" if self.is_private else f", key={self.key_data.hex()}"
        return f"HDKey({kind}, origin={path}{key}, name={self.name!r})"

    @property
    def is_testnet(self) -> bool:
        return self.use_info is not None and self.use_info.network == NETWORK_TESTNET

    def to_item(self, legacy: bool = True) -> Any:
        if self.is_master:
            return {1: True, 3: self.key_data, 4: self.chain_code}
        m: dict[int, Any] = {}
        if self.is_private:
            m[2] = True
        m[3] = self.key_data
        if self.chain_code is not None:
            m[4] = self.chain_code
        if self.use_info is not None:
            m[5] = self.use_info.tagged(legacy)
        if self.origin is not None:
            m[6] = self.origin.tagged(legacy)
        if self.children is not None:
            m[7] = self.children.tagged(legacy)
        if self.parent_fingerprint is not None:
            m[8] = self.parent_fingerprint
        if self.name is not None:
            m[9] = self.name
        if self.note is not None:
            m[10] = self.note
        return m

    @classmethod
    def from_item(cls, item: Any) -> Self:
        what = "crypto-hdkey"
        m = f.expect_map(item, what, set(range(1, 11)))
        is_master = f.get_bool(m, 1, what)
        key_data = f.required(f.get_bytes(m, 3, what), 3, what)
        chain_code = f.get_bytes(m, 4, what)
        if is_master is not None:
            if not is_master:
                raise TransportError(f"{what}: is-master, when present, must be true")
            if set(m) != {1, 3, 4}:
                raise TransportError(f"{what}: a master key has exactly keys 1, 3 and 4")
            return cls(key_data, chain_code, is_master=True, is_private=True)
        use_info, origin, children = (f.get_any(m, k, what) for k in (5, 6, 7))
        return cls(
            key_data,
            chain_code,
            is_private=bool(f.get_bool(m, 2, what)),
            use_info=None if use_info is None else CoinInfo.from_tagged(use_info),
            origin=None if origin is None else Keypath.from_tagged(origin),
            children=None if children is None else Keypath.from_tagged(children),
            parent_fingerprint=f.get_uint(m, 8, what),
            name=f.get_text(m, 9, what),
            note=f.get_text(m, 10, what),
        )


# -- address ------------------------------------------------------------------------------------
ADDRESS_P2PKH = 0
ADDRESS_P2SH = 1
ADDRESS_P2WPKH = 2


@dataclass(frozen=True)
class Address(RegistryType):
    """crypto-address (BCR-2020-009): coin info, optional kind, and the address payload bytes."""

    data: bytes
    info: CoinInfo | None = None
    kind: int | None = None

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-address", "address")
    TAGS: ClassVar[f.TagPair] = f.ADDRESS

    def __post_init__(self) -> None:
        f.check_bytes(self.data, "address data")
        if not 1 <= len(self.data) <= 64:
            raise TransportError("address data must be 1 to 64 bytes")
        if self.info is not None and not isinstance(self.info, CoinInfo):
            raise TransportError("address info must be a CoinInfo")
        if self.kind is not None and self.kind not in (ADDRESS_P2PKH, ADDRESS_P2SH, ADDRESS_P2WPKH):
            raise TransportError("address type must be 0 (p2pkh), 1 (p2sh) or 2 (p2wpkh)")

    def to_item(self, legacy: bool = True) -> Any:
        m: dict[int, Any] = {}
        if self.info is not None:
            m[1] = self.info.tagged(legacy)
        if self.kind is not None:
            m[2] = self.kind
        m[3] = self.data
        return m

    @classmethod
    def from_item(cls, item: Any) -> Address:
        what = "crypto-address"
        m = f.expect_map(item, what, {1, 2, 3})
        info = f.get_any(m, 1, what)
        return cls(
            f.required(f.get_bytes(m, 3, what), 3, what),
            None if info is None else CoinInfo.from_tagged(info),
            f.get_uint(m, 2, what, 2),
        )
