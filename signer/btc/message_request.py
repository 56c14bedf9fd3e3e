"""Review and sign a message-signing request: SeedSigner's ``signmessage`` QR, as Sparrow sends it.

Before anything is signed the person sees the whole message (every character that is not plain
printable ASCII shown as an escape code, so nothing can hide or pose as something else), the
address whose key signs and its path, and a warning when that path is not a receive address of
one of the seed's accounts. Paths that are no single-key address of ours are refused.

The signature is SeedSigner's, byte for byte: compact recoverable ECDSA (RFC 6979 nonce) over the
BIP-137 digest of the message's UTF-8 bytes, header byte 31..34 (compressed key, the Electrum
convention, whatever the address type), base64. Sparrow, Electrum and Bitcoin Core read it for
P2PKH, P2SH-P2WPKH and P2WPKH addresses. Taproot addresses cannot be proven this way (BIP-137 has
no taproot form): such requests are refused with the alternative named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from signer import safe_text
from signer.btc.address_check import DEFAULT_GAP, default_accounts
from signer.btc.bip322 import MAX_MESSAGE
from signer.btc.errors import BtcRefusal, PathError
from signer.btc.keys import BitcoinKeys, BtcKeys
from signer.btc.message import MessageSignature, script_kind_for_path, sign_message
from signer.btc.networks import address_from_script, format_path, parse_path
from signer.btc.scripts import single_sig_script
from signer.derivation import HARDENED, NETWORK_NAMES, CoinType, Network, ScriptKind
from signer.errors import UsageError
from signer.review import ReviewWarning, Severity
from signer.transport.signmessage import SignMessageRequest

SIGNATURE_FORMAT = "electrum"  # header 31..34 for every address type, as SeedSigner signs
SCRIPT_NAMES: dict[str, str] = {
    ScriptKind.P2PKH: "legacy",
    ScriptKind.P2SH_P2WPKH: "nested segwit",
    ScriptKind.P2WPKH: "native segwit",
}


@dataclass(frozen=True)
class MessageReview:
    """What signing this request means. ``shown`` is the message as it must be displayed."""

    path: tuple[int, ...]
    network: str
    script_type: str
    address: str
    message: bytes = field(repr=False)
    shown: str = field(repr=False)
    escaped: int
    warnings: tuple[ReviewWarning, ...] = ()

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    def codes(self) -> set[str]:
        return {w.code for w in self.warnings}

    def to_json(self) -> dict[str, object]:
        return {
            "kind": "btc-sign-message",
            "address": self.address,
            "path": self.path_text,
            "network": self.network,
            "script_type": self.script_type,
            "message": self.shown,
            "message_bytes": len(self.message),
            "escaped_characters": self.escaped,
            "format": SIGNATURE_FORMAT,
            "warnings": [w.to_json() for w in self.warnings],
        }

    def to_text(self) -> str:
        lines = [
            "Sign a message",
            f"  address: {self.address} ({SCRIPT_NAMES.get(self.script_type, self.script_type)})",
            f"  path:    {self.path_text}" + ("" if self.network == Network.MAIN else f" ({self.network})"),
            f"  message ({len(self.message)} bytes):",
            *(f"    {line}" for line in self.shown.split("\n")),
        ]
        lines += [f"  {str(w.severity).upper()}: {w.message}" for w in self.warnings]
        return "\n".join(lines)


# --------------------------------------------------------------------------- display
def shown_message(message: bytes) -> tuple[str, int]:
    """``message`` as safe display text, and how many characters had to be escaped.

    Printable ASCII and line breaks are shown as they are, a backslash is doubled (so an escape
    code cannot be faked by typing one), and every other character (controls, tabs, zero-width and
    bidirectional marks, lookalike letters of other scripts, emoji, bytes that are no UTF-8) is
    shown as its code: a message signed for Bitcoin is read character by character.
    """
    shown = safe_text.escape_bytes(message, ascii_only=True)
    return shown.text, shown.escaped


# --------------------------------------------------------------------------- review
def request_path(request: SignMessageRequest) -> tuple[int, ...]:
    return parse_path(request.path)


def account_paths(specs: Iterable[Any]) -> list[tuple[int, ...]]:
    """Single-key Bitcoin account paths of a seed's account list (``AccountSpec`` items)."""
    return [parse_path(s.path) for s in specs if s.is_bitcoin and not s.kind.startswith("btc-48")]


def keys_for(
    request: SignMessageRequest,
    keys_on: Callable[[str], BitcoinKeys],
    preferred: Iterable[str] = (),
    network: str | None = None,
) -> BitcoinKeys:
    """The seed's keys (``keys_on(network)``) on the network the request's path names (coin type 0'
    or 1'); ``network``: the one the person chose, which the path must be for."""
    try:
        path = request_path(request)
    except PathError as exc:
        raise BtcRefusal(f"cannot sign with this key: {exc}", "message-path") from None
    named = network_for(path, [network] if network else preferred)
    if network and named != network:
        raise UsageError(f"the path {request.path} is for {named}, not --network {network}")
    return keys_on(named)


def network_for(path: Sequence[int], preferred: Iterable[str] = ()) -> str:
    """The network a path's coin type names: main for 0', else the first preferred test network."""
    if len(path) < 2 or path[1] - HARDENED not in (CoinType.BITCOIN, CoinType.BITCOIN_TEST):
        raise BtcRefusal(
            f"{format_path(path)} is not a Bitcoin address path (its coin type must be 0' or 1')",
            "message-path",
        )
    if path[1] == CoinType.BITCOIN + HARDENED:
        return Network.MAIN
    return next((n for n in preferred if n != Network.MAIN and n in NETWORK_NAMES), Network.TEST)


def review_message(
    request: SignMessageRequest,
    keys: BitcoinKeys,
    accounts: Iterable[tuple[int, ...]] | None = None,
    *,
    gap: int = DEFAULT_GAP,
) -> MessageReview:
    """Review ``request`` for the seed behind ``keys``; ``accounts`` are its Bitcoin account paths
    (default: BIP-44/49/84/86 account 0). BtcRefusal when the path is not one that can sign here."""
    try:
        path = request_path(request)
        kind = script_kind_for_path(path, keys.network)
    except PathError as exc:
        raise BtcRefusal(f"cannot sign with this key: {exc}", "message-path") from None
    if kind == ScriptKind.P2TR:
        raise BtcRefusal(
            f"{format_path(path)} is a taproot address, which this QR format cannot prove (it makes a "
            "BIP-137 signature); sign with BIP-322 instead (airlock message sign --format bip322)",
            "message-taproot",
        )
    if len(request.message) > MAX_MESSAGE:
        raise BtcRefusal(
            f"the message is {len(request.message)} bytes; the limit is {MAX_MESSAGE}", "message-too-long"
        )
    sec = keys.pubkey(path)
    address = address_from_script(single_sig_script(kind, sec), keys.network) or ""
    shown, escaped = shown_message(request.message)
    warnings = _path_warnings(path, accounts, keys.network, gap)
    if escaped:
        warnings.append(
            ReviewWarning(
                "message-escaped",
                Severity.WARN,
                f"The message has {escaped} character(s) that are not plain ASCII text; they are shown "
                "as \\x, \\u or \\U codes. Read them before signing.",
            )
        )
    if keys.network != Network.MAIN:
        warnings.append(ReviewWarning("testnet", Severity.INFO, f"This is a {keys.network} address."))
    return MessageReview(path, keys.network, kind, address, request.message, shown, escaped, tuple(warnings))


def _path_warnings(
    path: tuple[int, ...], accounts: Iterable[tuple[int, ...]] | None, network: str, gap: int
) -> list[ReviewWarning]:
    known = list(accounts) if accounts is not None else default_accounts(network)
    known = [a for a in known if len(a) == 3 and a[1] == path[1]]
    account, branch, index = path[:3], path[3], path[4]
    warnings = []
    if account not in known:
        names = ", ".join(format_path(a) for a in known) or "none on this network"
        warnings.append(
            ReviewWarning(
                "message-unknown-account",
                Severity.WARN,
                f"{format_path(account)} is not one of this seed's accounts ({names}): check that this "
                "is the address you expect.",
            )
        )
    if branch == 1:
        warnings.append(
            ReviewWarning(
                "message-change-address",
                Severity.WARN,
                "This is a change address, not a receive address: wallets prove receive addresses.",
            )
        )
    if index >= gap:
        warnings.append(
            ReviewWarning(
                "message-far-index",
                Severity.WARN,
                f"Address #{index} is beyond the first {gap} addresses a wallet uses.",
            )
        )
    return warnings


# --------------------------------------------------------------------------- signing
def sign_reviewed_message(review: MessageReview, keys: BtcKeys) -> MessageSignature:
    """The signature of exactly what was reviewed (the address is re-derived and compared)."""
    signed = sign_message(keys, review.path, review.message, SIGNATURE_FORMAT)
    if signed.address != review.address:  # keys of another seed or network than the review's
        raise BtcRefusal("these keys do not belong to the reviewed address", "message-key-mismatch")
    return signed
