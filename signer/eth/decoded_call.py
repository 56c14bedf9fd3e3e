"""A decoded call (what signer.eth.calls returns, and what the review and the rules read), and the
call of a transaction without calldata: a plain transfer of the native coin or an empty call.

Apart from signer.eth.calls so that a transaction without calldata (the common "send ETH") is reviewed
without loading the calldata decoders (the ABI codec, the routers, Safe, the selector table).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from signer.eth.effects import Effect, Transfer, format_amount
from signer.eth.primitives import checksum


@dataclass(frozen=True)
class Arg:
    name: str
    abi_type: str
    value: Any

    @property
    def display(self) -> str:
        return _display(self.value)

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "type": self.abi_type, "value": self.display}


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_display(v) for v in value) + ")"
    return str(value)


@dataclass(frozen=True)
class Call:
    """One decoded call. ``problem`` is set when known calldata could not be read reliably."""

    target: bytes | None
    value: int
    data: bytes
    title: str
    selector: bytes | None = None
    signature: str | None = None
    args: tuple[Arg, ...] = ()
    effects: tuple[Effect, ...] = ()
    inner: tuple[Call, ...] = ()
    known: bool = True
    opaque: bool = False  # a step this device names but does not decode (some router commands)
    suspicious: bool = False  # a selector used by "claim"/"security update" scams
    delegatecall: bool = False  # run with DELEGATECALL: the target's code acts as the caller
    problem: str | None = None
    trailing: int = 0
    depth: int = 0
    notes: tuple[str, ...] = field(default=())

    def walk(self) -> Iterator[Call]:
        yield self
        for c in self.inner:
            yield from c.walk()

    def all_effects(self) -> list[Effect]:
        return [e for c in self.walk() for e in c.effects]

    def to_json(self) -> dict[str, Any]:
        return {
            "to": checksum(self.target) if self.target else None,
            "value": str(self.value),
            "title": self.title,
            "selector": "0x" + self.selector.hex() if self.selector else None,
            "function": self.signature,
            "args": [a.to_json() for a in self.args],
            "effects": [e.to_json() for e in self.effects],
            "calls": [c.to_json() for c in self.inner],
            "known": self.known,
            "delegatecall": self.delegatecall,
            "problem": self.problem,
            "trailing_bytes": self.trailing,
            "notes": list(self.notes),
        }


def plain_call(chain_id: int, target: bytes | None, value: int, depth: int = 0) -> Call:
    """The call of empty calldata: a transfer of ``value`` in the native coin (if any) to ``target``."""
    effects: tuple[Effect, ...] = ()
    if value and target is not None:
        effects = (Transfer("native", None, target, value),)
    title = f"Send {format_amount(chain_id, None, value)}" if value else "Empty call"
    return Call(target, value, b"", title, effects=effects, depth=depth)
