"""The contract calls the scanner makes, decoded strictly: a reply that is not exactly what the standard
says (a revert, a short or padded word, a bool that is 7) is ``Unreadable``, never a guess."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from signer.eth.abi import encode_args
from signer.keccak import keccak256

PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3"
ERC1155_INTERFACE = bytes.fromhex("d9b67a26")
ERC721_INTERFACE = bytes.fromhex("80ac58cd")


class Node(Protocol):
    """What the scanner needs of ``companion.eth.node.EthNode``."""

    w3: Any

    def latest_block(self) -> dict[str, Any]: ...
    def get_logs(self, params: dict[str, Any]) -> list[Any]: ...
    def batch(self, requests: Sequence[tuple[str, list[Any]]]) -> list[Any]: ...


class Unreadable(Exception):
    """The contract's answer cannot be trusted or read; the message says why (one line)."""


@dataclass(frozen=True)
class Ask:
    """One contract call: ``to``, the function's signature and its arguments."""

    to: str
    signature: str
    types: tuple[str, ...] = ()
    values: tuple[Any, ...] = ()

    @property
    def name(self) -> str:
        return self.signature.split("(")[0]

    def data(self) -> bytes:
        return calldata(self.signature, self.types, self.values)


def selector(signature: str) -> bytes:
    return keccak256(signature.encode())[:4]


def calldata(signature: str, types: tuple[str, ...], values: tuple[Any, ...]) -> bytes:
    return selector(signature) + encode_args(types, values)


def request(ask: Ask) -> tuple[str, list[Any]]:
    """The JSON-RPC request of a call (for ``Node.batch``)."""
    return "eth_call", [{"to": ask.to, "data": "0x" + ask.data().hex()}, "latest"]


def reply(ask: Ask, result: Any) -> bytes | Unreadable:
    """A call's answer from its batch result: the bytes, or ``Unreadable`` for a revert or a node error."""
    if isinstance(result, Exception):
        from signer.safe_text import visible

        # the revert reason is the contract's own text: hidden characters (terminal escapes, bidi
        # overrides) shown as codes, so it can neither redraw a terminal nor reorder a page
        first = visible(str(result).splitlines()[0][:120], keep="") if str(result) else "reverted"
        return Unreadable(f"{ask.name} failed: {first}")
    if isinstance(result, str) and result.startswith("0x") and len(result) % 2 == 0:
        try:
            return bytes.fromhex(result[2:])
        except ValueError:
            pass
    return Unreadable(f"{ask.name} answered something that is not hex data")


def call_all(node: Node, asks: Sequence[Ask]) -> list[bytes | Unreadable]:
    """Every call's answer, or ``Unreadable`` for one that reverted or failed (batched by the node)."""
    results = node.batch([request(a) for a in asks])
    return [reply(a, r) for a, r in zip(asks, results, strict=True)]


def answer(reply: bytes | Unreadable) -> bytes:
    """The reply of a call, raising its ``Unreadable``."""
    if isinstance(reply, Unreadable):
        raise reply
    return reply


def words(reply: bytes, count: int, name: str) -> list[int]:
    if len(reply) != 32 * count:
        raise Unreadable(f"{name} answered {len(reply)} bytes, not {32 * count}")
    return [int.from_bytes(reply[i : i + 32], "big") for i in range(0, len(reply), 32)]


def uint(reply: bytes, bits: int, name: str) -> int:
    (value,) = words(reply, 1, name)
    if value >> bits:
        raise Unreadable(f"{name} answered a value wider than {bits} bits")
    return value


def boolean(reply: bytes, name: str) -> bool:
    value = uint(reply, 256, name)
    if value not in (0, 1):
        raise Unreadable(f"{name} answered {value}, not a boolean")
    return value == 1


def address(reply: bytes, name: str) -> bytes:
    value = uint(reply, 160, name)
    return value.to_bytes(20, "big")


def supports_ask(token: str, interface: bytes) -> Ask:
    return Ask(token, "supportsInterface(bytes4)", ("bytes4",), (interface,))


def supports(reply: bytes | Unreadable) -> bool:
    """ERC-165; a contract that does not answer properly does not support it."""
    try:
        return boolean(answer(reply), "supportsInterface")
    except Unreadable:
        return False


def symbol(reply: bytes | Unreadable) -> str | None:
    """``symbol()`` as a string or bytes32 (old tokens); None when absent or not plain printable text."""
    if isinstance(reply, Unreadable):
        return None
    text: str | None = None
    if len(reply) == 32:
        text = reply.rstrip(b"\0").decode("ascii", "replace")
    elif len(reply) >= 64:
        from signer.eth.abi import decode_args
        from signer.eth.errors import AbiError

        try:
            (value,), _ = decode_args(("string",), reply)
            text = str(value)
        except AbiError:
            return None
    if not text or len(text) > 16 or not all(c.isprintable() and not c.isspace() for c in text):
        return None
    return text


def decimals(reply: bytes | Unreadable) -> int | None:
    try:
        value = uint(answer(reply), 256, "decimals")
    except Unreadable:
        return None
    return value if value <= 77 else None
