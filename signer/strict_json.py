"""JSON from anyone: size, nesting, duplicate keys, numbers and NaN bounded before any other code reads it.

Every document that can arrive from outside (a QR, a request file, a backup made by someone
else, a wallet file) goes through :func:`loads`. The C parser of the standard library would
raise ``RecursionError`` on deep nesting, and a document just short of that would make the
recursive walkers that read it later fail instead; so nesting is checked here, iteratively, and
kept far below what any reader of ours recurses through. The nesting is also counted *before*
the parser runs: it recurses on the C stack up to ``sys.getrecursionlimit()``, and a library
(py_ecc, imported by eth-account) raises that limit to 100,000, past what the stack holds; deep
nesting would then end the process instead of raising RecursionError. Numbers are bounded too:
Python reads an integer of more than 4300 digits as a ``ValueError`` of its own, and ``1e999`` as
infinity.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

DEFAULT_MAX_DEPTH = 32
MAX_INT_DIGITS = 100  # a uint256 has 78 digits; no number Airlock reads is longer


class JsonRejected(ValueError):
    """The text is not a JSON document we accept; the message says why (never quoting it)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key, value in pairs:
        if key in doc:
            raise JsonRejected(f"key {key[:40]!r} appears twice")
        doc[key] = value
    return doc


def _reject_constant(name: str) -> Any:
    raise JsonRejected(f"{name} is not a JSON number")


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JsonRejected(f"a number has {digits} digits, more than the {MAX_INT_DIGITS} accepted")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRejected("a number is too large to be read as a number")
    return value


# A JSON string (escapes included; unterminated to the end) or a bracket: what nests is outside strings.
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays and objects in the JSON ``text`` nest more than ``limit`` deep, read before
    parsing and without recursion (brackets inside strings do not count)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    level = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            level += 1
            if level > limit:
                return True
        elif token in "]}":
            level -= 1
    return False


def depth(doc: Any) -> int:
    """How deeply arrays and objects nest in ``doc`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, level = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        stack.extend((child, level) for child in children)
    return deepest


def loads(
    data: str | bytes | bytearray,
    *,
    what: str = "the JSON document",
    max_bytes: int = 1 << 20,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Any:
    """Parse ``data`` strictly: UTF-8, at most ``max_bytes``, nesting at most ``max_depth``, no
    duplicate keys, no NaN or Infinity, integers of at most MAX_INT_DIGITS digits. Raises
    :class:`JsonRejected` naming ``what``."""
    if len(data) > max_bytes:
        raise JsonRejected(f"{what} is {len(data)} bytes, more than the {max_bytes} accepted")
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonRejected(f"{what} is not UTF-8 text (byte {exc.start})") from None
    if nests_deeper_than(data, max_depth):
        raise JsonRejected(f"{what} nests more than {max_depth} levels deep")
    try:
        doc = json.loads(
            data,
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
            parse_int=_bounded_int,
            parse_float=_finite_float,
        )
    except RecursionError:
        raise JsonRejected(f"{what} nests more than {max_depth} levels deep") from None
    except JsonRejected as exc:
        raise JsonRejected(f"{what} is not accepted: {exc}") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise JsonRejected(f"{what} is not valid JSON: {exc.msg} at {where}") from None
    if depth(doc) > max_depth:
        raise JsonRejected(f"{what} nests more than {max_depth} levels deep")
    return doc
