"""Multisig wallets: sorted multisig (BIP-67) as native segwit P2WSH, nested P2SH-P2WSH or legacy
P2SH, read from and written as one canonical output descriptor (what the vault stores).

The grammar read here is deliberately narrow: ``wsh(sortedmulti(M,KEY,...))``,
``sh(wsh(sortedmulti(M,KEY,...)))`` or ``sh(sortedmulti(M,KEY,...))``, every KEY written
``[fingerprint/path]xpub/<0;1>/*`` (``/0/*`` and ``/{0,1}/*`` are read as the same receive/change
pair). A cosigner's origin may be missing (``xpub/<0;1>/*``: coordinators do not always know it);
this seed's own never may (``registry`` checks that). Anything else is refused with the reason,
since a wallet we cannot fully re-derive is a wallet whose change we cannot prove. Wallet files of
other shapes (Coldcard text, Specter, Caravan, BSMS) are read by ``signer.btc.multisig_formats``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum

from embit import base58
from embit.bip32 import HDKey
from embit.descriptor.checksum import checksum as _bip380_checksum
from embit.networks import NETWORKS

from signer.btc.errors import DescriptorError
from signer.btc.networks import address_from_script, format_path, is_mainnet_xpub_version
from signer.btc.paths import MULTISIG_PURPOSE
from signer.btc.psbt_fields import KeyOrigin
from signer.btc.scripts import SpendKind, p2sh, p2wsh, sorted_multisig_script
from signer.derivation import HARDENED, CoinType, Network
from signer.keys.vault import MAX_WALLET_NAME, clean_wallet_name
from signer.safe_text import visible

MAX_COSIGNERS = 15  # a legacy P2SH redeem script of 15 compressed keys is 513 of the 520 bytes allowed
# BIP-380's INPUT_CHARSET: the only characters a descriptor (and so its checksum) is defined over
DESCRIPTOR_CHARACTERS = frozenset(
    "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ "
)


def descriptor_checksum(text: str) -> str:
    """The BIP-380 checksum of ``text``. A character outside the descriptor alphabet (an invisible
    one slipped into a key, a look-alike digit) is named in a DescriptorError, never quoted raw."""
    for position, ch in enumerate(text, 1):
        if ch not in DESCRIPTOR_CHARACTERS:
            raise DescriptorError(
                f"the descriptor holds a character no descriptor can contain: '{visible(ch)}' "
                f"(U+{ord(ch):04X}), character {position}; the text was altered or mistyped"
            )
    return _bip380_checksum(text)


class ScriptType(StrEnum):
    P2WSH = "p2wsh"
    P2SH_P2WSH = "p2sh-p2wsh"
    P2SH = "p2sh"

    @property
    def description(self) -> str:
        return {
            ScriptType.P2WSH: "native segwit P2WSH",
            ScriptType.P2SH_P2WSH: "nested segwit P2SH-P2WSH",
            ScriptType.P2SH: "legacy P2SH",
        }[self]

    def wrap(self, body: str) -> str:
        return {ScriptType.P2WSH: "wsh({})", ScriptType.P2SH_P2WSH: "sh(wsh({}))", ScriptType.P2SH: "sh({})"}[
            self
        ].format(body)

    @property
    def spend_kind(self) -> SpendKind:
        """How an input of a wallet of this type is signed."""
        return {
            ScriptType.P2WSH: SpendKind.P2WSH_MULTISIG,
            ScriptType.P2SH_P2WSH: SpendKind.P2SH_P2WSH_MULTISIG,
            ScriptType.P2SH: SpendKind.P2SH_MULTISIG,
        }[self]


_SUFFIXES = ("/<0;1>/*", "/0/*", "/{0,1}/*")


@dataclass(frozen=True)
class Cosigner:
    fingerprint: bytes | None  # None: the wallet file does not say where this key comes from
    path: tuple[int, ...] | None
    xpub: str  # canonical xpub/tpub base58 (SLIP-132 versions normalised)

    @property
    def key(self) -> HDKey:
        key: HDKey = HDKey.from_string(self.xpub)
        return key

    @property
    def has_origin(self) -> bool:
        return self.fingerprint is not None and self.path is not None

    def origin_text(self) -> str:
        """``73c5da0a m/48h/1h/0h/2h``, or a plain statement that the origin is unknown."""
        if self.fingerprint is None or self.path is None:
            return "origin unknown"
        return f"{self.fingerprint.hex()} {format_path(self.path)}"

    def describe(self) -> str:
        if self.fingerprint is None or self.path is None:
            return self.xpub
        return f"[{self.fingerprint.hex()}{format_path(self.path)[1:]}]{self.xpub}"

    def to_json(self) -> dict[str, str | None]:
        return {
            "fingerprint": self.fingerprint.hex() if self.fingerprint is not None else None,
            "path": format_path(self.path) if self.path is not None else None,
            "xpub": self.xpub,
        }


@dataclass(frozen=True)
class MultisigWallet:
    name: str
    m: int
    n: int
    script_type: ScriptType
    network_is_main: bool
    cosigners: tuple[Cosigner, ...]
    descriptor: str  # canonical, with checksum: store this one
    _branch_keys: dict[tuple[int, int], HDKey] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    @property
    def network(self) -> str:
        """``main`` or ``test`` (testnet, signet and regtest share test keys)."""
        return Network.MAIN if self.network_is_main else Network.TEST

    @property
    def network_name(self) -> str:
        return "mainnet" if self.network_is_main else "testnet/signet/regtest"

    def named(self, name: str) -> MultisigWallet:
        return replace(self, name=clean_wallet_name(name), _branch_keys=self._branch_keys)

    def ours(self, fingerprint: bytes) -> tuple[int, ...]:
        """Positions (0-based) of the cosigners that name ``fingerprint``."""
        return tuple(i for i, c in enumerate(self.cosigners) if c.fingerprint == fingerprint)

    def policy_summary(self, our_fingerprint: bytes | None = None, network: str | None = None) -> str:
        lines = [
            f"{self.name}: {self.m}-of-{self.n} multisig, {self.script_type.description}, sorted keys",
            f"network: {self.network_name}",
            f"first address: {self.address(0, 0, network)}",
        ]
        for i, c in enumerate(self.cosigners, 1):
            ours = our_fingerprint is not None and c.fingerprint == our_fingerprint
            mark = "  <- this seed" if ours else ""
            lines.append(f"  {i}. {c.origin_text()} {c.xpub}{mark}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "m": self.m,
            "n": self.n,
            "script_type": str(self.script_type),
            "network": self.network,
            "descriptor": self.descriptor,
            "first_address": self.address(0, 0),
            "cosigners": [c.to_json() for c in self.cosigners],
        }

    def _branch_key(self, cosigner_index: int, branch: int) -> HDKey:
        cached = self._branch_keys.get((cosigner_index, branch))
        if cached is None:
            cached = self.cosigners[cosigner_index].key.child(branch)
            self._branch_keys[(cosigner_index, branch)] = cached
        return cached

    def scripts_at(self, branch: int, index: int) -> tuple[bytes, bytes | None, bytes | None]:
        """(scriptPubKey, witness script or None, redeem script or None) at receive (0) / change (1)
        ``index``. Legacy P2SH has no witness script: its multisig script is the redeem script."""
        if branch not in (0, 1) or not 0 <= index < HARDENED:
            raise DescriptorError("multisig addresses exist only on branches 0 and 1 at unhardened indexes")
        keys = [self._branch_key(i, branch).child(index).key.sec() for i in range(self.n)]
        script = sorted_multisig_script(self.m, keys)
        if self.script_type == ScriptType.P2WSH:
            return p2wsh(script), script, None
        if self.script_type == ScriptType.P2SH_P2WSH:
            redeem = p2wsh(script)
            return p2sh(redeem), script, redeem
        return p2sh(script), None, script

    def address(self, branch: int, index: int, network: str | None = None) -> str:
        """The address at ``branch``/``index`` (``network`` picks regtest's prefix over testnet's)."""
        same_kind = network is not None and (network == Network.MAIN) == self.network_is_main
        net = network if network is not None and same_kind else self.network
        return address_from_script(self.scripts_at(branch, index)[0], net) or "?"

    def locate(self, origin: KeyOrigin) -> tuple[int, int, int] | None:
        """(cosigner index, branch, index) if ``origin`` is a cosigner's path plus branch/index."""
        for i, c in enumerate(self.cosigners):
            if (
                c.path is not None
                and origin.fingerprint == c.fingerprint
                and len(origin.path) == len(c.path) + 2
                and origin.path[: len(c.path)] == c.path
            ):
                branch, index = origin.path[-2:]
                if branch in (0, 1) and index < HARDENED:
                    return i, branch, index
        return None


# --------------------------------------------------------------------------- keys
def normalise_xpub(text: str) -> tuple[str, bool]:
    """(canonical xpub/tpub, is mainnet) of an extended public key in any SLIP-132 version."""
    shown = f"{text[:12]}..." if len(text) > 12 else repr(text)
    try:
        raw = base58.decode_check(text)
    except Exception:
        raise DescriptorError(f"extended key {shown} is not valid base58check") from None
    if len(raw) != 78:
        raise DescriptorError(f"extended key {shown} has a wrong length")
    is_main = is_mainnet_xpub_version(raw[:4])
    if is_main is None:
        raise DescriptorError(
            f"extended key {shown} is not a public key of a known network (private keys are refused)"
        )
    canonical = NETWORKS[Network.MAIN if is_main else Network.TEST]["xpub"] + raw[4:]
    try:
        key = HDKey.parse(canonical)
    except Exception:
        raise DescriptorError(f"extended key {shown} does not hold a valid public key") from None
    return key.to_base58(), is_main


_PATH_ELEMENT = re.compile(r"([0-9]{1,10})(['hH]?)")  # ASCII digits only; 2**31 has 10


def parse_origin_path(parts: list[str], where: str) -> tuple[int, ...]:
    path = []
    for part in parts:
        match = _PATH_ELEMENT.fullmatch(part)
        if not match:
            raise DescriptorError(f"{where}: bad derivation element {part!r}")
        value = int(match.group(1))
        if value >= HARDENED:
            raise DescriptorError(f"{where}: derivation index {value} out of range")
        path.append(value + (HARDENED if match.group(2) else 0))
    return tuple(path)


def parse_path_text(text: str, where: str) -> tuple[int, ...]:
    """``m/48'/0'/0'/2'`` (``h``, ``H`` or ``'`` for hardened)."""
    parts = text.strip().split("/")
    if parts[0] not in ("m", "M"):
        raise DescriptorError(f"{where}: derivation {text!r} must start with m/")
    return parse_origin_path(parts[1:], where)


def parse_fingerprint(text: str, where: str) -> bytes:
    if not re.fullmatch(r"[0-9a-fA-F]{8}", text):
        raise DescriptorError(f"{where}: fingerprint {text!r} must be 8 hex digits")
    return bytes.fromhex(text)


def _parse_key(text: str) -> tuple[Cosigner, bool]:
    match = re.fullmatch(r"(?:\[([^\]]*)\])?([1-9A-HJ-NP-Za-km-z]+)(/.*)?", text)
    if not match:
        raise DescriptorError(f"key {text[:24]}... must be written [fingerprint/path]xpub/<0;1>/*")
    origin, xpub_text, suffix = match.group(1), match.group(2), match.group(3) or ""
    fingerprint, path = None, None
    if origin is not None:
        parts = origin.split("/")
        fingerprint = parse_fingerprint(parts[0], "key origin")
        path = parse_origin_path(parts[1:], "key origin")
    xpub, is_main = normalise_xpub(xpub_text)
    if suffix not in _SUFFIXES:
        raise DescriptorError(
            f"key {xpub_text[:12]}...: derivation suffix {suffix or '(none)'!r} is not supported; "
            "use /<0;1>/* (receive and change)"
        )
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


_WRAPPERS = (
    ("wsh(", ")", ScriptType.P2WSH),
    ("sh(wsh(", "))", ScriptType.P2SH_P2WSH),
    ("sh(", ")", ScriptType.P2SH),
)


def parse_descriptor(text: str, name: str | None = None, *, require_checksum: bool = False) -> MultisigWallet:
    """A MultisigWallet from a sorted-multisig descriptor (see the module docstring for the grammar)."""
    desc = "".join(text.split())
    if "#" in desc:
        desc, _, given = desc.partition("#")
        if descriptor_checksum(desc) != given:
            raise DescriptorError(
                f"descriptor checksum #{given} does not match (expected #{descriptor_checksum(desc)})"
            )
    elif require_checksum:
        raise DescriptorError("the descriptor has no #checksum")
    wrapper = next((w for w in _WRAPPERS if desc.startswith(w[0]) and desc.endswith(w[1])), None)
    if wrapper is None:
        raise DescriptorError(
            "only wsh(sortedmulti(...)), sh(wsh(sortedmulti(...))) and sh(sortedmulti(...)) multisig "
            "descriptors are supported"
        )
    prefix, suffix, script_type = wrapper
    inner = desc[len(prefix) : -len(suffix)]
    if inner.startswith("multi("):
        raise DescriptorError(
            "multi() keeps keys in a fixed order; only sortedmulti() (BIP-67) wallets are supported"
        )
    if not (inner.startswith("sortedmulti(") and inner.endswith(")")):
        raise DescriptorError("expected sortedmulti(M,KEY,...) inside the script wrapper")
    args = _split_top(inner[len("sortedmulti(") : -1])
    if not (args[0].isascii() and args[0].isdigit()) or len(args[0]) > 3:  # int() reads 4300 digits at most
        raise DescriptorError(f"threshold {args[0][:12]!r} is not a number of cosigners")
    parsed = [_parse_key(k) for k in args[1:]]
    return build_wallet(name, int(args[0]), script_type, parsed)


def build_wallet(
    name: str | None, m: int, script_type: ScriptType, parsed: list[tuple[Cosigner, bool]]
) -> MultisigWallet:
    """Check a policy and its keys, and give it its canonical descriptor and a name: ``name`` without
    invisible characters, cut to MAX_WALLET_NAME characters, else "M of N multisig"."""
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
    origins = [(c.fingerprint, c.path) for c in cosigners if c.has_origin]
    if len(set(origins)) != len(origins):
        raise DescriptorError("two cosigners share the same fingerprint and derivation path")
    for c in cosigners:
        if (
            c.path is not None
            and len(c.path) >= 2
            and c.path[0] == MULTISIG_PURPOSE
            and c.path[1] != (CoinType.BITCOIN if is_main else CoinType.BITCOIN_TEST) + HARDENED
        ):
            raise DescriptorError(
                f"cosigner {c.origin_text()} has the coin type of another network than its key"
            )
    keys = ",".join(f"{c.describe()}/<0;1>/*" for c in cosigners)
    body = script_type.wrap(f"sortedmulti({m},{keys})")
    visible = "".join(c for c in unicodedata.normalize("NFC", name or "") if c.isprintable() or c.isspace())
    clean = " ".join(visible.split())[:MAX_WALLET_NAME] or f"{m} of {n} multisig"
    return MultisigWallet(clean, m, n, script_type, is_main, cosigners, f"{body}#{descriptor_checksum(body)}")
