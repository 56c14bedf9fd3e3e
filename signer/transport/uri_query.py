"""The query part of payment URIs (BIP-21, EIP-681): ``key[=value]`` items joined by ``&``.

Values are percent-decoded as RFC 3986 says (UTF-8 octets, ``+`` stays ``+``); a ``%`` that is not
followed by two hex digits, or octets that are not UTF-8, are refused rather than guessed at.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from signer.transport.errors import TransportError

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def percent_decode(text: str, what: str) -> str:
    if _BAD_PERCENT.search(text):
        raise TransportError(f"{what} has a '%' that is not followed by two hex digits")
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise TransportError(f"{what} is not valid percent-encoded UTF-8") from None


def split_query(query: str, what: str, *, values_required: bool) -> list[tuple[str, str | None]]:
    """``(key, value)`` pairs in order; ``value`` is None for an item without ``=``.

    With ``values_required`` (EIP-681) every item must be ``key=value`` and empty items are refused;
    without it (BIP-21) ``key`` alone and empty items (``a=1&&b=2``, a trailing ``&``) are allowed, as
    the BIP-21 grammar allows them.
    """
    pairs: list[tuple[str, str | None]] = []
    if not query:
        return pairs
    for item in query.split("&"):
        if not item:
            if values_required:
                raise TransportError(f"{what} has an empty parameter")
            continue
        key, sep, value = item.partition("=")
        if not key:
            raise TransportError(f"{what} has a parameter without a name")
        if values_required and not sep:
            raise TransportError(f"{what} parameter is not key=value")
        name = percent_decode(key, f"{what} parameter name")
        pairs.append((name, percent_decode(value, f"{what} parameter {name!r}") if sep else None))
    return pairs
