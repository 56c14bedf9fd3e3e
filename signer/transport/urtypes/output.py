"""Output descriptors and accounts.

* crypto-output (v1, BCR-2020-010 before Dec 2023): script tags nested around the key,
  e.g. ``400(404(303({...})))`` is ``sh(wpkh(<hdkey>))``. Keystone, SeedSigner, Sparrow.
* output-descriptor (v3, BCR-2023-010): ``{1: "sh(wpkh(@0))", 2: [keys], 3: name, 4: note}``.
* crypto-account / account-descriptor (BCR-2020-015 / BCR-2023-019): master fingerprint plus
  descriptors. BCR-2020-015 wraps each crypto-account element in tag 308; Keystone's registry
  (MetaMask, BlueWallet) and urtypes (SeedSigner, Krux) write and read the bare script-tag chain,
  and Keystone fails on the wrapper, so the bare chain is written and both forms are read.
* crypto-multi-accounts (Keystone, tag 1103): master fingerprint plus bare hdkeys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from cbor2 import CBORTag

from signer.transport.errors import TransportError
from signer.transport.urtypes import _fields as f
from signer.transport.urtypes._base import RegistryType
from signer.transport.urtypes.keys import Address, ECKey, HDKey

SCRIPT_TAGS: dict[str, int] = {
    "sh": 400,
    "wsh": 401,
    "pk": 402,
    "pkh": 403,
    "wpkh": 404,
    "combo": 405,
    "multi": 406,
    "sortedmulti": 407,
    "raw": 408,
    "tr": 409,
    "cosigner": 410,
}
_SCRIPT_BY_TAG = {tag: name for name, tag in SCRIPT_TAGS.items()} | {
    f.ADDRESS.v1: "addr",
    f.ADDRESS.v2: "addr",
}
_WRAPPERS = frozenset({"sh", "wsh"})
_KEY_SCRIPTS = frozenset({"pk", "pkh", "wpkh", "combo", "tr", "cosigner"})
_MULTI_SCRIPTS = frozenset({"multi", "sortedmulti"})
# What each wrapper may contain (None = top level).
_ALLOWED_INSIDE: dict[str | None, frozenset[str]] = {
    None: frozenset(SCRIPT_TAGS) | {"addr"},
    "sh": frozenset({"wsh", "wpkh", "pk", "pkh", "multi", "sortedmulti", "cosigner"}),
    "wsh": frozenset({"pk", "pkh", "multi", "sortedmulti", "cosigner"}),
}
MAX_MULTISIG_KEYS = 20

Key = HDKey | ECKey


def _decode_key(item: Any, what: str) -> Key:
    if isinstance(item, CBORTag) and item.tag in HDKey.TAGS:
        return HDKey.from_tagged(item)
    if isinstance(item, CBORTag) and item.tag in ECKey.TAGS:
        return ECKey.from_tagged(item)
    raise TransportError(f"{what}: expected an hdkey (303/40303) or eckey (306/40306)")


def _is_key(item: Any) -> bool:
    return isinstance(item, CBORTag) and (item.tag in HDKey.TAGS or item.tag in ECKey.TAGS)


@dataclass(frozen=True)
class MultiKey:
    """The ``{1: threshold, 2: [keys]}`` body of multi / sortedmulti."""

    threshold: int
    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.keys, tuple) or not all(isinstance(k, HDKey | ECKey) for k in self.keys):
            raise TransportError("multisig keys must be a tuple of HDKey/ECKey")
        if not 1 <= len(self.keys) <= MAX_MULTISIG_KEYS:
            raise TransportError(f"multisig needs 1 to {MAX_MULTISIG_KEYS} keys")
        f.check_uint(self.threshold, "multisig threshold", len(self.keys), nonzero=True)

    def to_item(self, legacy: bool) -> Any:
        return {1: self.threshold, 2: [k.tagged(legacy) for k in self.keys]}

    @classmethod
    def from_item(cls, item: Any) -> MultiKey:
        what = "crypto-output multi"
        m = f.expect_map(item, what, {1, 2})
        threshold = f.required(f.get_uint(m, 1, what), 1, what)
        keys = f.required(f.get_list(m, 2, what), 2, what)
        if len(keys) > MAX_MULTISIG_KEYS:
            raise TransportError(f"{what}: more than {MAX_MULTISIG_KEYS} keys")
        return cls(threshold, tuple(_decode_key(k, what) for k in keys))


@dataclass(frozen=True)
class CryptoOutput(RegistryType):
    """crypto-output v1: ``scripts`` outermost first, e.g. ``("sh", "wpkh")``; ``key`` is what the
    innermost script holds: a key (pk/pkh/wpkh/combo/tr/cosigner), a MultiKey (multi/sortedmulti),
    an Address (addr) or script bytes (raw).

    Keystone and SeedSigner write multisig account keys as ``sh(<key>)``, ``wsh(<key>)``,
    ``sh(wsh(<key>))`` (where BCR-2020-015 has ``cosigner``); that form is kept as read:
    ``scripts == ("sh",)``. ``scripts == ()`` is a bare key with no script, as Keystone lists
    Ethereum Ledger Live keys in a crypto-account.
    """

    scripts: tuple[str, ...]
    key: HDKey | ECKey | MultiKey | Address | bytes

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-output", "output-descriptor")
    TAGS: ClassVar[f.TagPair] = f.OUTPUT

    def __post_init__(self) -> None:
        if not isinstance(self.scripts, tuple):
            raise TransportError("crypto-output scripts must be a tuple")
        if not self.scripts:
            if not isinstance(self.key, HDKey | ECKey):
                raise TransportError("crypto-output without a script expression must hold a key")
            return
        parent: str | None = None
        for name in self.scripts[:-1]:
            if name not in _WRAPPERS or name not in _ALLOWED_INSIDE[parent]:
                raise TransportError("crypto-output: invalid script nesting")
            parent = name
        inner = self.scripts[-1]
        if inner not in _ALLOWED_INSIDE[parent]:
            raise TransportError("crypto-output: invalid script nesting")
        expected: type | tuple[type, ...] = (
            (HDKey, ECKey)
            if inner in _KEY_SCRIPTS or inner in _WRAPPERS
            else MultiKey
            if inner in _MULTI_SCRIPTS
            else Address
            if inner == "addr"
            else bytes
        )
        if not isinstance(self.key, expected):
            raise TransportError(f"crypto-output: {inner}() holds the wrong kind of value")
        if inner == "raw" and not self.key:
            raise TransportError("crypto-output: raw() script is empty")

    @property
    def keys(self) -> tuple[HDKey | ECKey | Address, ...]:
        if isinstance(self.key, MultiKey):
            return self.key.keys
        return () if isinstance(self.key, bytes) else (self.key,)

    def template(self) -> str:
        """The descriptor with keys as ``@0, @1...``: ``sh(wpkh(@0))``, ``wsh(sortedmulti(2,@0,@1))``."""
        if not self.scripts:
            raise TransportError("a bare key has no output descriptor form")
        inner = self.scripts[-1]
        if isinstance(self.key, MultiKey):
            refs = ",".join(f"@{i}" for i in range(len(self.key.keys)))
            text = f"{inner}({self.key.threshold},{refs})"
        elif isinstance(self.key, bytes):
            text = f"raw({self.key.hex()})"
        else:
            text = f"{inner}(@0)"
        for wrapper in reversed(self.scripts[:-1]):
            text = f"{wrapper}({text})"
        return text

    def to_v3(self, name: str | None = None, note: str | None = None) -> OutputDescriptorV3:
        return OutputDescriptorV3(self.template(), self.keys, name, note)

    def to_item(self, legacy: bool = True) -> Any:
        if not self.scripts:
            if not isinstance(self.key, HDKey | ECKey):  # __post_init__ allows nothing else
                raise TransportError("crypto-output without a script expression must hold a key")
            return self.key.tagged(legacy)
        inner = self.scripts[-1]
        if isinstance(self.key, MultiKey):
            node: Any = CBORTag(SCRIPT_TAGS[inner], self.key.to_item(legacy))
        elif isinstance(self.key, Address):
            node = self.key.tagged(legacy)
        elif isinstance(self.key, bytes):
            node = CBORTag(SCRIPT_TAGS["raw"], self.key)
        else:
            node = CBORTag(SCRIPT_TAGS[inner], self.key.tagged(legacy))
        for wrapper in reversed(self.scripts[:-1]):
            node = CBORTag(SCRIPT_TAGS[wrapper], node)
        return node

    @classmethod
    def from_item(cls, item: Any) -> CryptoOutput:
        what = "crypto-output"
        if _is_key(item):
            return cls((), _decode_key(item, what))
        scripts: list[str] = []
        node = item
        parent: str | None = None
        while True:
            if not isinstance(node, CBORTag) or node.tag not in _SCRIPT_BY_TAG:
                raise TransportError(f"{what}: expected a script expression tag (400-410 or 307)")
            name = _SCRIPT_BY_TAG[node.tag]
            if name not in _ALLOWED_INSIDE[parent]:
                raise TransportError(f"{what}: {name}() is not allowed inside {parent or 'the top level'}")
            scripts.append(name)
            if name in _WRAPPERS and not _is_key(node.value):
                parent, node = name, node.value
                continue
            break
        value: HDKey | ECKey | MultiKey | Address | bytes
        if name in _KEY_SCRIPTS or name in _WRAPPERS:
            value = _decode_key(node.value, what)
        elif name in _MULTI_SCRIPTS:
            value = MultiKey.from_item(node.value)
        elif name == "addr":
            value = Address.from_item(node.value)
        else:
            if not isinstance(node.value, bytes):
                raise TransportError(f"{what}: raw() must hold a byte string")
            value = node.value
        return cls(tuple(scripts), value)


_PLACEHOLDER_RE = re.compile(r"@(\d+)")


@dataclass(frozen=True)
class OutputDescriptorV3(RegistryType):
    """output-descriptor v3: descriptor text with ``@n`` placeholders for ``keys[n]``."""

    source: str
    keys: tuple[HDKey | ECKey | Address, ...] = ()
    name: str | None = None
    note: str | None = None

    UR_TYPES: ClassVar[tuple[str, str]] = ("output-descriptor", "output-descriptor")
    TAGS: ClassVar[f.TagPair] = f.OUTPUT

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source or not self.source.isascii():
            raise TransportError("output-descriptor source must be non-empty ASCII text")
        f.check_text(self.source, "output-descriptor source")
        if not isinstance(self.keys, tuple) or not all(
            isinstance(k, HDKey | ECKey | Address) for k in self.keys
        ):
            raise TransportError("output-descriptor keys must be a tuple of HDKey/ECKey/Address")
        for ref in _PLACEHOLDER_RE.findall(self.source):
            if int(ref) >= len(self.keys):
                raise TransportError("output-descriptor source refers to a key it does not carry")
        f.check_optional_text(self.name, "output-descriptor name")
        f.check_optional_text(self.note, "output-descriptor note")

    def to_item(self, legacy: bool = True) -> Any:
        # v3 exists only with the current tags, so keys are always written with 4030x tags.
        m: dict[int, Any] = {1: self.source}
        if self.keys:
            m[2] = [k.tagged(False) for k in self.keys]
        if self.name is not None:
            m[3] = self.name
        if self.note is not None:
            m[4] = self.note
        return m

    @classmethod
    def from_item(cls, item: Any) -> OutputDescriptorV3:
        what = "output-descriptor"
        m = f.expect_map(item, what, {1, 2, 3, 4})
        source = f.required(f.get_text(m, 1, what), 1, what)
        raw_keys = f.get_list(m, 2, what)
        keys: list[HDKey | ECKey | Address] = []
        for k in raw_keys or []:
            if isinstance(k, CBORTag) and k.tag in Address.TAGS:
                keys.append(Address.from_tagged(k))
            else:
                keys.append(_decode_key(k, what))
        if raw_keys is not None and not raw_keys:
            raise TransportError(f"{what}: key 2, when present, must not be empty")
        return cls(source, tuple(keys), f.get_text(m, 3, what), f.get_text(m, 4, what))


def _decode_output(item: Any, what: str) -> CryptoOutput | OutputDescriptorV3:
    """One element of an account's descriptor list, in any of the forms seen in the wild: wrapped
    in 308 (BCR-2020-015, Sparrow) or 40308 (v2), a bare script-tag chain (Keystone, SeedSigner),
    or a bare key (Keystone's Ethereum Ledger Live accounts)."""
    if isinstance(item, CBORTag) and item.tag in f.OUTPUT:
        if isinstance(item.value, dict):
            return OutputDescriptorV3.from_item(item.value)
        return CryptoOutput.from_item(item.value)
    if isinstance(item, CBORTag) and (item.tag in _SCRIPT_BY_TAG or _is_key(item)):
        return CryptoOutput.from_item(item)
    raise TransportError(f"{what}: descriptor list elements must be tagged output descriptors")


@dataclass(frozen=True)
class Account(RegistryType):
    """crypto-account / account-descriptor: the master fingerprint and account-level descriptors."""

    master_fingerprint: int
    outputs: tuple[CryptoOutput | OutputDescriptorV3, ...]

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-account", "account-descriptor")
    TAGS: ClassVar[f.TagPair] = f.ACCOUNT

    def __post_init__(self) -> None:
        f.check_uint(self.master_fingerprint, "account master fingerprint")
        if not isinstance(self.outputs, tuple) or not self.outputs:
            raise TransportError("account needs at least one output descriptor")
        if not all(isinstance(o, CryptoOutput | OutputDescriptorV3) for o in self.outputs):
            raise TransportError("account outputs must be CryptoOutput or OutputDescriptorV3")

    def to_item(self, legacy: bool = True) -> Any:
        if legacy:
            if not all(isinstance(o, CryptoOutput) for o in self.outputs):
                raise TransportError(
                    "crypto-account holds only crypto-output (v1) descriptors; use legacy=False"
                )
            items = [o.to_item(True) for o in self.outputs]  # no 308 wrapper: see the module doc
        else:
            v3 = [o.to_v3() if isinstance(o, CryptoOutput) else o for o in self.outputs]
            items = [CBORTag(f.OUTPUT.v2, o.to_item(False)) for o in v3]
        return {1: self.master_fingerprint, 2: items}

    @classmethod
    def from_item(cls, item: Any) -> Account:
        what = "crypto-account"
        m = f.expect_map(item, what, {1, 2})
        fingerprint = f.required(f.get_uint(m, 1, what), 1, what)
        outputs = f.required(f.get_list(m, 2, what), 2, what)
        return cls(fingerprint, tuple(_decode_output(o, what) for o in outputs))


@dataclass(frozen=True)
class MultiAccounts(RegistryType):
    """crypto-multi-accounts (Keystone extension, tag 1103): master fingerprint and bare hdkeys."""

    master_fingerprint: int
    keys: tuple[HDKey, ...]
    device: str | None = None
    device_id: str | None = None
    version: str | None = None

    UR_TYPES: ClassVar[tuple[str, str]] = ("crypto-multi-accounts", "crypto-multi-accounts")
    TAGS: ClassVar[f.TagPair] = f.TagPair(1103, 1103)

    def __post_init__(self) -> None:
        f.check_uint(self.master_fingerprint, "multi-accounts master fingerprint")
        if not isinstance(self.keys, tuple) or not all(isinstance(k, HDKey) for k in self.keys):
            raise TransportError("multi-accounts keys must be a tuple of HDKey")
        for value, what in (
            (self.device, "device"),
            (self.device_id, "device id"),
            (self.version, "version"),
        ):
            f.check_optional_text(value, f"multi-accounts {what}")

    def to_item(self, legacy: bool = True) -> Any:
        m: dict[int, Any] = {1: self.master_fingerprint, 2: [k.tagged(True) for k in self.keys]}
        for key, value in ((3, self.device), (4, self.device_id), (5, self.version)):
            if value is not None:
                m[key] = value
        return m

    @classmethod
    def from_item(cls, item: Any) -> MultiAccounts:
        what = "crypto-multi-accounts"
        m = f.expect_map(item, what, {1, 2, 3, 4, 5})
        keys = f.required(f.get_list(m, 2, what), 2, what)
        return cls(
            f.required(f.get_uint(m, 1, what), 1, what),
            tuple(HDKey.from_tagged(k) for k in keys),
            f.get_text(m, 3, what),
            f.get_text(m, 4, what),
            f.get_text(m, 5, what),
        )
