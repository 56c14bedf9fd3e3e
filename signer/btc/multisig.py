"""Multisig wallets (sortedmulti P2WSH / P2SH-P2WSH, BIP-48 style) registered from a descriptor or
a Coldcard/Sparrow/Specter wallet-export text.

The grammar accepted is deliberately narrow: ``wsh(sortedmulti(M,KEY,...))`` or
``sh(wsh(sortedmulti(M,KEY,...)))`` with every KEY written ``[fingerprint/path]xpub/<0;1>/*``
(``/0/*`` and ``/{0,1}/*`` are read as the same receive/change pair). Anything else is refused
with the reason, since a wallet we cannot fully re-derive is a wallet whose change we cannot prove.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from embit import base58
from embit.bip32 import HDKey
from embit.descriptor.checksum import checksum as descriptor_checksum
from embit.networks import NETWORKS

from signer.btc.errors import DescriptorError, NotACosigner
from signer.btc.networks import coin_type, format_path, is_mainnet_xpub_version
from signer.btc.psbt import KeyOrigin
from signer.btc.scripts import p2sh, p2wsh, sorted_multisig_script

if TYPE_CHECKING:
    from signer.btc.keys import BtcKeys

H = 0x80000000
MAX_COSIGNERS = 15
SCRIPT_TYPES = {"p2wsh": "wsh", "p2sh-p2wsh": "sh(wsh"}
_FORMAT_NAMES = {
    "P2WSH": "p2wsh",
    "P2SH-P2WSH": "p2sh-p2wsh",
    "P2WSH-P2SH": "p2sh-p2wsh",
    "P2SH_P2WSH": "p2sh-p2wsh",
}


@dataclass(frozen=True)
class Cosigner:
    fingerprint: bytes
    path: tuple[int, ...]
    xpub: str  # canonical xpub/tpub base58 (SLIP-132 versions normalised)

    @property
    def key(self) -> HDKey:
        return HDKey.from_string(self.xpub)

    def describe(self) -> str:
        return f"[{self.fingerprint.hex()}{format_path(self.path)[1:]}]{self.xpub}"

    def to_json(self) -> dict[str, str]:
        return {"fingerprint": self.fingerprint.hex(), "path": format_path(self.path), "xpub": self.xpub}


@dataclass(frozen=True)
class MultisigWallet:
    name: str
    m: int
    n: int
    script_type: str  # "p2wsh" | "p2sh-p2wsh"
    network_is_main: bool
    cosigners: tuple[Cosigner, ...]
    descriptor: str  # canonical, with checksum: store this one
    _branch_keys: dict[tuple[int, int], HDKey] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    def policy_summary(self, our_fingerprint: bytes | None = None) -> str:
        kind = "native segwit P2WSH" if self.script_type == "p2wsh" else "nested segwit P2SH-P2WSH"
        lines = [
            f"{self.name}: {self.m}-of-{self.n} multisig, {kind}, sorted keys",
            f"network: {'mainnet' if self.network_is_main else 'testnet/signet/regtest'}",
        ]
        for i, c in enumerate(self.cosigners, 1):
            mark = (
                "  <- this seed" if our_fingerprint is not None and c.fingerprint == our_fingerprint else ""
            )
            lines.append(
                f"  {i}. {c.fingerprint.hex()} {format_path(c.path)} {c.xpub[:12]}...{c.xpub[-6:]}{mark}"
            )
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "m": self.m,
            "n": self.n,
            "script_type": self.script_type,
            "descriptor": self.descriptor,
            "cosigners": [c.to_json() for c in self.cosigners],
        }

    def _branch_key(self, cosigner_index: int, branch: int) -> HDKey:
        cached = self._branch_keys.get((cosigner_index, branch))
        if cached is None:
            cached = self.cosigners[cosigner_index].key.child(branch)
            self._branch_keys[(cosigner_index, branch)] = cached
        return cached

    def scripts_at(self, branch: int, index: int) -> tuple[bytes, bytes, bytes | None]:
        """(scriptPubKey, witness script, redeem script or None) at receive (0) / change (1) index."""
        if branch not in (0, 1) or not 0 <= index < H:
            raise DescriptorError("multisig addresses exist only on branches 0 and 1 at unhardened indexes")
        keys = [self._branch_key(i, branch).child(index).key.sec() for i in range(self.n)]
        ws = sorted_multisig_script(self.m, keys)
        if self.script_type == "p2wsh":
            return p2wsh(ws), ws, None
        redeem = p2wsh(ws)
        return p2sh(redeem), ws, redeem

    def locate(self, origin: KeyOrigin) -> tuple[int, int, int] | None:
        """(cosigner index, branch, index) if ``origin`` is a cosigner's path plus branch/index."""
        for i, c in enumerate(self.cosigners):
            if (
                origin.fingerprint == c.fingerprint
                and len(origin.path) == len(c.path) + 2
                and origin.path[: len(c.path)] == c.path
            ):
                branch, index = origin.path[-2:]
                if branch in (0, 1) and index < H:
                    return i, branch, index
        return None


# --------------------------------------------------------------------------- parsing
def _normalise_xpub(text: str) -> tuple[str, bool]:
    try:
        raw = base58.decode_check(text)
    except Exception:
        raise DescriptorError(f"extended key {text[:12]}... is not valid base58check") from None
    if len(raw) != 78:
        raise DescriptorError(f"extended key {text[:12]}... has a wrong length")
    is_main = is_mainnet_xpub_version(raw[:4])
    if is_main is None:
        raise DescriptorError(
            f"extended key {text[:12]}... is not a public key of a known network (private keys are refused)"
        )
    canonical = NETWORKS["main" if is_main else "test"]["xpub"] + raw[4:]
    try:
        key = HDKey.parse(canonical)
    except Exception:
        raise DescriptorError(f"extended key {text[:12]}... does not hold a valid public key") from None
    return key.to_base58(), is_main


_PATH_ELEMENT = re.compile(r"^(\d+)(['hH]?)$")


def _parse_origin_path(parts: list[str], where: str) -> tuple[int, ...]:
    path = []
    for part in parts:
        match = _PATH_ELEMENT.match(part)
        if not match:
            raise DescriptorError(f"{where}: bad derivation element {part!r}")
        value = int(match.group(1))
        if value >= H:
            raise DescriptorError(f"{where}: derivation index {value} out of range")
        path.append(value + (H if match.group(2) else 0))
    return tuple(path)


def _parse_fingerprint(text: str, where: str) -> bytes:
    if not re.fullmatch(r"[0-9a-fA-F]{8}", text):
        raise DescriptorError(f"{where}: fingerprint {text!r} must be 8 hex digits")
    return bytes.fromhex(text)


def _parse_key(text: str) -> tuple[Cosigner, bool]:
    match = re.fullmatch(r"\[([^\]]*)\]([1-9A-HJ-NP-Za-km-z]+)(/.*)?", text)
    if not match:
        raise DescriptorError(f"key {text[:24]}... must be written [fingerprint/path]xpub/<0;1>/*")
    origin, xpub_text, suffix = match.group(1), match.group(2), match.group(3) or ""
    parts = origin.split("/")
    fingerprint = _parse_fingerprint(parts[0], "key origin")
    path = _parse_origin_path(parts[1:], "key origin")
    if suffix not in ("/<0;1>/*", "/0/*", "/{0,1}/*"):
        raise DescriptorError(
            f"key {xpub_text[:12]}...: derivation suffix {suffix or '(none)'!r} is not supported; "
            "use /<0;1>/* (receive and change)"
        )
    xpub, is_main = _normalise_xpub(xpub_text)
    return Cosigner(fingerprint, path, xpub), is_main


def _split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def parse_descriptor(text: str, name: str | None = None) -> MultisigWallet:
    """A MultisigWallet from a ``wsh(sortedmulti(...))`` / ``sh(wsh(sortedmulti(...)))`` descriptor."""
    desc = "".join(text.split())
    if "#" in desc:
        desc, _, given = desc.partition("#")
        if descriptor_checksum(desc) != given:
            raise DescriptorError(
                f"descriptor checksum #{given} does not match (expected #{descriptor_checksum(desc)})"
            )
    if desc.startswith("wsh(") and desc.endswith(")"):
        script_type, inner = "p2wsh", desc[4:-1]
    elif desc.startswith("sh(wsh(") and desc.endswith("))"):
        script_type, inner = "p2sh-p2wsh", desc[7:-2]
    elif desc.startswith(("sh(sortedmulti(", "sh(multi(")):
        raise DescriptorError("legacy P2SH multisig is not supported; use wsh() or sh(wsh())")
    else:
        raise DescriptorError(
            "only wsh(sortedmulti(...)) and sh(wsh(sortedmulti(...))) multisig descriptors are supported"
        )
    if inner.startswith("multi("):
        raise DescriptorError(
            "multi() keeps keys in a fixed order; only sortedmulti() (BIP-67) wallets are supported"
        )
    if not (inner.startswith("sortedmulti(") and inner.endswith(")")):
        raise DescriptorError("expected sortedmulti(M,KEY,...) inside the script wrapper")
    args = _split_top(inner[len("sortedmulti(") : -1])
    if not (args[0].isascii() and args[0].isdigit()):
        raise DescriptorError(f"threshold {args[0]!r} is not a number")
    m = int(args[0])
    parsed = [_parse_key(k) for k in args[1:]]
    return _build(name or "Multisig", m, script_type, parsed)


def parse_wallet_text(text: str, name: str | None = None) -> MultisigWallet:
    """A MultisigWallet from the Coldcard-style export that Sparrow, Specter and others write."""
    fields: dict[str, str] = {}
    keys: list[tuple[Cosigner, bool]] = []
    derivation: tuple[int, ...] | None = None
    for lineno, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        label, sep, value = line.partition(":")
        if not sep:
            raise DescriptorError(f"line {lineno}: expected 'Label: value'")
        label, value = label.strip(), value.strip()
        low = label.lower()
        if low == "derivation":
            parts = value.split("/")
            if parts[0] not in ("m", "M"):
                raise DescriptorError(f"line {lineno}: derivation must start with m/")
            derivation = _parse_origin_path(parts[1:], f"line {lineno}")
        elif low in ("name", "policy", "format"):
            if low in fields:
                raise DescriptorError(f"line {lineno}: {label} given twice")
            fields[low] = value
        elif re.fullmatch(r"[0-9a-fA-F]{8}", label):
            if derivation is None:
                raise DescriptorError(f"line {lineno}: key for {label} comes before any Derivation: line")
            xpub, is_main = _normalise_xpub(value)
            keys.append((Cosigner(bytes.fromhex(label), derivation, xpub), is_main))
        else:
            raise DescriptorError(f"line {lineno}: unknown field {label!r}")
    policy = re.fullmatch(r"(\d+)\s*(?:of|/)\s*(\d+)", fields.get("policy", ""), re.IGNORECASE)
    if not policy:
        raise DescriptorError("wallet text needs a 'Policy: M of N' line")
    m, n = int(policy.group(1)), int(policy.group(2))
    if n != len(keys):
        raise DescriptorError(f"policy says {n} cosigners but the text lists {len(keys)} keys")
    fmt = fields.get("format", "P2WSH").upper()
    if fmt == "P2SH":
        raise DescriptorError("legacy P2SH multisig is not supported; use P2WSH or P2SH-P2WSH")
    if fmt not in _FORMAT_NAMES:
        raise DescriptorError(f"unknown wallet format {fmt!r}")
    return _build(name or fields.get("name") or "Multisig", m, _FORMAT_NAMES[fmt], keys)


def parse_wallet(text: str, network: str | None = None, name: str | None = None) -> MultisigWallet:
    """Descriptor or wallet-export text; checks the network when ``network`` is given."""
    stripped = text.strip()
    if not stripped:
        raise DescriptorError("empty wallet description")
    body = "\n".join(ln for ln in stripped.splitlines() if not ln.strip().startswith("#")).strip()
    wallet = (
        parse_descriptor(body, name)
        if body.startswith(("wsh(", "sh("))
        else parse_wallet_text(stripped, name)
    )
    if network is not None and wallet.network_is_main != (network == "main"):
        raise DescriptorError(
            f"wallet keys are for {'mainnet' if wallet.network_is_main else 'a test network'}, "
            f"but this signer is on {network}"
        )
    return wallet


def _build(name: str, m: int, script_type: str, parsed: list[tuple[Cosigner, bool]]) -> MultisigWallet:
    n = len(parsed)
    if not 1 <= n <= MAX_COSIGNERS:
        raise DescriptorError(f"a multisig wallet needs 1 to {MAX_COSIGNERS} cosigners, got {n}")
    if not 1 <= m <= n:
        raise DescriptorError(f"threshold {m} must be between 1 and the number of cosigners ({n})")
    nets = {is_main for _, is_main in parsed}
    if len(nets) > 1:
        raise DescriptorError("cosigner keys mix mainnet and testnet extended keys")
    is_main = nets.pop()
    cosigners = tuple(c for c, _ in parsed)
    if len({c.xpub for c in cosigners}) != n:
        raise DescriptorError("the same extended key appears twice among the cosigners")
    if len({(c.fingerprint, c.path) for c in cosigners}) != n:
        raise DescriptorError("two cosigners share the same fingerprint and derivation path")
    for c in cosigners:
        if any(i < H for i in c.path):
            raise DescriptorError(
                f"cosigner {c.fingerprint.hex()} path {format_path(c.path)} must be fully hardened"
            )
        if (
            len(c.path) >= 2
            and c.path[0] == 48 + H
            and c.path[1] != coin_type("main" if is_main else "test") + H
        ):
            raise DescriptorError(
                f"cosigner {c.fingerprint.hex()} path {format_path(c.path)} has the coin type of "
                "another network than its key"
            )
    wrap = "wsh({})" if script_type == "p2wsh" else "sh(wsh({}))"
    keys = ",".join(f"{c.describe()}/<0;1>/*" for c in cosigners)
    body = wrap.format(f"sortedmulti({m},{keys})")
    clean_name = " ".join(name.split())[:64] or "Multisig"
    return MultisigWallet(
        clean_name, m, n, script_type, is_main, cosigners, f"{body}#{descriptor_checksum(body)}"
    )


def register_multisig(
    text: str, keys: BtcKeys, name: str | None = None, existing: tuple[MultisigWallet, ...] = ()
) -> MultisigWallet:
    """Parse ``text`` and check it is safe to store for this seed: network, our key, no duplicate."""
    wallet = parse_wallet(text, keys.network, name)
    ours = [c for c in wallet.cosigners if c.fingerprint == keys.fingerprint]
    if not ours:
        raise NotACosigner(
            f"this seed ({keys.fingerprint.hex()}) is not one of the cosigners of {wallet.name}"
        )
    if not any(
        keys.xpub(c.path).to_base58(NETWORKS["main" if wallet.network_is_main else "test"]["xpub"]) == c.xpub
        for c in ours
    ):
        raise NotACosigner(
            f"the key listed for this seed's fingerprint {keys.fingerprint.hex()} is not the key this "
            "seed derives at that path"
        )
    for other in existing:
        if (
            {c.xpub for c in other.cosigners} == {c.xpub for c in wallet.cosigners}
            and other.m == wallet.m
            and other.script_type == wallet.script_type
        ):
            raise DescriptorError(f"this wallet is already registered as {other.name}")
    return wallet
