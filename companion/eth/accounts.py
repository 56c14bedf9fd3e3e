"""Watch-only Ethereum accounts in the data folder: one folder per account, ``eth/NAME/``.

``account.json`` names the account: the device's export it was made from (public keys only), the chain
id read from the node, the node's URL, the revealed addresses and the tokens the person added. The
addresses are derived with the signer's own watch-only keys (signer.chains.exports), so they are the
addresses the device signs for:

* ``crypto-hdkey`` (MetaMask style): the account key m/44'/60'/0' and its children ``0/*``: index i is
  m/44'/60'/0'/0/i; any index can be revealed.
* ``crypto-account`` (Ledger Live style): one key per m/44'/60'/i'/0/0; index i is the i-th of them,
  only those exported.
* a bare address: index 0 only, watched but never handed to the device (no key path, no fingerprint).

Nothing here ever holds a private key. The folder also keeps the requests handed over (pending.py) and
the sends broadcast (``sent.json``), and is where the approvals keep their sqlite store.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from companion.errors import CompanionError

SOURCES = ("crypto-hdkey", "crypto-account", "address")
FIRST_REVEAL = 5  # addresses 0..4 revealed at import, as MetaMask lists them
MAX_INDEX = 2**31 - 1
MAX_EXPORT = 64 * 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_ETH_PURPOSE = (44 | 0x80000000, 60 | 0x80000000)


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise CompanionError(
            f"account name {name[:70]!r} is not allowed: use up to 64 letters, digits, '.', '_' or '-'"
        )
    return name


def check_index(index: int) -> int:
    if not 0 <= index <= MAX_INDEX:
        raise CompanionError(f"an address index is 0 to {MAX_INDEX}, not {index}")
    return index


@dataclass(frozen=True)
class EthAddress:
    index: int
    path: str  # m/44'/60'/0'/0/3; "" for a bare address
    address: str  # EIP-55 checksummed

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "index": self.index, "path": self.path}


@dataclass(frozen=True)
class EthAccount:
    name: str
    chain_id: int
    rpc: str
    source: str  # crypto-hdkey | crypto-account | address
    fingerprint: int | None  # the seed's master fingerprint; None for a bare address (watch only)
    addresses: tuple[EthAddress, ...]  # index 0 first
    tokens: tuple[str, ...]  # ERC-20 contracts the person added (checksummed)
    export: str = ""  # the device's export (UR text) or the bare address: what addresses derive from

    @property
    def watch_only(self) -> bool:
        """A bare address: it can be followed but nothing can be handed to a device for it."""
        return self.fingerprint is None

    def address(self, index: int = 0) -> EthAddress:
        for known in self.addresses:
            if known.index == index:
                return known
        return derive_address(self, index)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "chain_id": self.chain_id,
            "rpc": self.rpc,
            "source": self.source,
            "fingerprint": None if self.fingerprint is None else f"{self.fingerprint:08x}",
            "export": self.export,
            "addresses": [a.to_json() for a in self.addresses],
            "tokens": list(self.tokens),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EthAccount:
        fingerprint = data["fingerprint"]
        return cls(
            name=str(data["name"]),
            chain_id=int(data["chain_id"]),
            rpc=str(data["rpc"]),
            source=str(data["source"]),
            fingerprint=None if fingerprint is None else int(str(fingerprint), 16),
            addresses=tuple(
                EthAddress(int(a["index"]), str(a["path"]), str(a["address"])) for a in data["addresses"]
            ),
            tokens=tuple(str(t) for t in data["tokens"]),
            export=str(data.get("export", "")),
        )

    def __repr__(self) -> str:  # the RPC URL may hold credentials
        return f"EthAccount(name={self.name!r}, chain_id={self.chain_id}, source={self.source!r})"


# -- the device's exports ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedExport:
    source: str
    fingerprint: int | None
    export: str  # normalised single-part UR text, or the checksummed address


def read_export(data: bytes) -> ParsedExport:
    """What ``eth import`` reads: a crypto-hdkey, a crypto-account (single or animated UR parts, one a
    line) or a bare 0x address; anything else is refused with the reason."""
    from signer.eth.errors import EthError
    from signer.eth.primitives import checksum, parse_address

    if len(data) > MAX_EXPORT:
        raise CompanionError(f"the export is {len(data)} bytes: not an account export")
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise CompanionError("the export is not text: give a UR text or a 0x address") from None
    if _ADDRESS.fullmatch(text):
        try:
            return ParsedExport("address", None, checksum(parse_address(text)))
        except EthError as exc:
            raise CompanionError(str(exc)) from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0][:3].lower() != "ur:":
        raise CompanionError(
            "the export is neither a UR (crypto-hdkey, crypto-account) nor a 0x address: "
            "make it with `airlock account show` (kinds eth, eth-ledger-live)"
        )
    ur = _assemble(lines)
    if ur.type not in ("crypto-hdkey", "hdkey", "crypto-account", "account-descriptor"):
        raise CompanionError(
            f"a ur:{ur.type} is not an Ethereum account export (crypto-hdkey, crypto-account)"
        )
    from signer.transport.ur import encode_single

    single = encode_single(ur)
    source = "crypto-hdkey" if ur.type in ("crypto-hdkey", "hdkey") else "crypto-account"
    keys = _exported(single)
    fingerprint = int.from_bytes(keys.fingerprint, "big")
    parsed = ParsedExport(source, fingerprint, single)
    if source == "crypto-hdkey":
        _hdkey_layout(single)
    elif not _ledger_indexes(single):
        raise CompanionError(
            "the crypto-account holds no Ethereum key at m/44'/60'/i'/0/0 (is it a Bitcoin account?)"
        )
    return parsed


def _assemble(lines: list[str]) -> Any:
    """The UR of one or more parts, put together by the signer's decoder."""
    from signer.errors import AirlockError
    from signer.transport.ur import URDecoder

    decoder = URDecoder()
    try:
        for line in lines:
            decoder.receive(line)
    except AirlockError as exc:
        raise CompanionError(f"the export's UR cannot be read: {exc}") from None
    if not decoder.is_complete:
        raise CompanionError(
            f"the export's UR is incomplete ({decoder.received_parts} part(s) read): give every part"
        )
    return decoder.result


def _exported(single: str) -> Any:
    """ExportedKeys of a single-part export (the signer's watch-only keys)."""
    from signer.chains.exports import watch_only_keys
    from signer.errors import AirlockError

    try:
        return watch_only_keys([single]).exported
    except AirlockError as exc:
        raise CompanionError(f"the export cannot be read: {exc}") from None


def _hdkey_layout(single: str) -> tuple[str, str]:
    """(account path, children prefix) of a crypto-hdkey: m/44'/60'/x' and "0" for children 0/*."""
    from signer.transport.ur import decode_single
    from signer.transport.urtypes import HDKey, decode_ur
    from signer.transport.urtypes.keys import ChildIndex, ChildWildcard

    key = decode_ur(decode_single(single))
    assert isinstance(key, HDKey) and key.origin is not None  # _exported checked both
    indexes = key.origin.indexes
    if tuple(indexes[:2]) != _ETH_PURPOSE or len(indexes) != 3 or indexes[2] < 0x80000000:
        raise CompanionError(
            f"the crypto-hdkey is at {key.origin.to_path_string()}, not an Ethereum account m/44'/60'/x'"
        )
    prefix = "0"
    if key.children is not None:
        steps = key.children.components
        ok = (
            len(steps) == 2
            and isinstance(steps[0], ChildIndex)
            and not steps[0].hardened
            and isinstance(steps[1], ChildWildcard)
            and not steps[1].hardened
        )
        if not ok:
            raise CompanionError(
                f"the crypto-hdkey's children {key.children.to_path_string('')} are not N/*: not supported"
            )
        first = steps[0]
        assert isinstance(first, ChildIndex)
        prefix = str(first.index)
    return key.origin.to_path_string(), prefix


def _ledger_indexes(single: str) -> dict[int, str]:
    """Index i -> path m/44'/60'/i'/0/0 of each Ledger Live key in a crypto-account."""
    keys = _exported(single)
    found: dict[int, str] = {}
    for account in keys.accounts:
        p = account.path
        if len(p) == 5 and p[:2] == _ETH_PURPOSE and p[2] >= 0x80000000 and p[3:] == (0, 0):
            found[p[2] - 0x80000000] = f"m/44'/60'/{p[2] - 0x80000000}'/0/0"
    return found


def derive_address(account: EthAccount, index: int) -> EthAddress:
    """The address at ``index`` of ``account``'s export, by the signer's watch-only derivation."""
    from signer.chains.keys import WatchOnlyEthKeys
    from signer.errors import AirlockError
    from signer.eth.primitives import checksum

    check_index(index)
    if account.source == "address":
        if index != 0:
            raise CompanionError(f"{account.name} is a single address: it has index 0 only")
        return EthAddress(0, "", account.export)
    if account.source == "crypto-hdkey":
        base, prefix = _hdkey_layout(account.export)
        path = f"{base}/{prefix}/{index}"
    else:
        paths = _ledger_indexes(account.export)
        if index not in paths:
            known = ", ".join(str(i) for i in sorted(paths))
            raise CompanionError(
                f"{account.name}'s export holds the Ledger Live keys {known} only, not {index}"
            )
        path = paths[index]
    try:
        raw = WatchOnlyEthKeys(_exported(account.export)).address(path)
    except AirlockError as exc:
        raise CompanionError(f"cannot derive {path}: {exc}") from None
    return EthAddress(index, path, checksum(raw))


def watch_only_eth_keys(account: EthAccount) -> Any:
    """The signer's watch-only Ethereum keys of ``account`` (``signer.eth.keys.EthKeys``)."""
    from signer.chains.keys import WatchOnlyEthKeys

    if account.fingerprint is None:
        raise CompanionError(f"{account.name} is a bare address: it has no keys to review with")
    return WatchOnlyEthKeys(_exported(account.export))


def first_addresses(account: EthAccount) -> tuple[EthAddress, ...]:
    """The addresses revealed at import: 0..4 (a Ledger Live export: those it holds, up to 5)."""
    if account.source == "address":
        return (derive_address(account, 0),)
    if account.source == "crypto-account":
        indexes = sorted(_ledger_indexes(account.export))[:FIRST_REVEAL]
        return tuple(derive_address(account, i) for i in indexes)
    return tuple(derive_address(account, i) for i in range(FIRST_REVEAL))


def with_address(account: EthAccount, index: int) -> EthAccount:
    """``account`` with ``index`` revealed (kept in index order)."""
    if any(a.index == index for a in account.addresses):
        return account
    found = derive_address(account, index)
    return replace(account, addresses=tuple(sorted((*account.addresses, found), key=lambda a: a.index)))


# -- the store ------------------------------------------------------------------------------------


class EthAccounts:
    """The Ethereum accounts of one data folder: ``DATADIR/eth/NAME/account.json`` and more files."""

    def __init__(self, datadir: Path) -> None:
        self.root = datadir / "eth"

    def folder(self, name: str) -> Path:
        return self.root / check_name(name)

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "account.json").is_file())

    def load(self, name: str) -> EthAccount:
        path = self.folder(name) / "account.json"
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            known = ", ".join(self.names()) or "none yet"
            raise CompanionError(f"no Ethereum account named {name} (accounts: {known})") from None
        except (OSError, ValueError) as exc:
            raise CompanionError(f"the Ethereum account {name} cannot be read: {exc}") from None
        try:
            return EthAccount.from_json(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise CompanionError(
                f"the Ethereum account {name} is damaged ({exc.__class__.__name__})"
            ) from None

    def create(self, account: EthAccount) -> None:
        """A new account folder; refuses an existing name. Built aside, renamed in one step."""
        from signer.atomic_file import atomic_write

        final = self.folder(account.name)
        if final.exists():
            raise CompanionError(f"an Ethereum account named {account.name} already exists")
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{account.name}.", dir=self.root))
        try:
            atomic_write(building / "account.json", dumps(account.to_json()))
            building.rename(final)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise

    def save(self, account: EthAccount) -> None:
        from signer.atomic_file import atomic_write

        folder = self.folder(account.name)
        if not (folder / "account.json").is_file():
            raise CompanionError(f"no Ethereum account named {account.name}")
        atomic_write(folder / "account.json", dumps(account.to_json()))


def dumps(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()
