"""Electrum's base43: how Electrum puts a PSBT or a transaction into one QR code.

The 43 characters are the QR alphanumeric set minus the space (``0-9A-Z$*+-./:``), so the text fits
QR alphanumeric mode. The bytes are read as one big-endian number written in base 43; each leading
zero byte becomes a leading ``0`` (Electrum ``bitcoin.base_encode``/``base_decode``).
"""

from __future__ import annotations

from signer.transport.errors import TransportError

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:"
# Base43 lives in one QR code, and turning it into bytes costs the square of its length: text
# longer than the largest QR code holds (version 40, alphanumeric) is not decoded.
MAX_CHARS = 4296
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_CHARS = frozenset(ALPHABET)


def is_base43(text: str) -> bool:
    return bool(text) and all(c in _CHARS for c in text)


def decode(text: str) -> bytes:
    if len(text) > MAX_CHARS:
        raise TransportError(f"base43 text of {len(text)} characters is longer than one QR code holds")
    if any(c not in _CHARS for c in text):
        raise TransportError("not base43 text (Electrum): only 0-9, A-Z and $*+-./: are allowed")
    zeros = len(text) - len(text.lstrip("0"))
    value = 0
    for char in text[zeros:]:
        value = value * 43 + _VALUE[char]
    body = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return b"\x00" * zeros + body


def encode(data: bytes) -> str:
    value = int.from_bytes(data, "big")
    digits = []
    while value:
        value, rest = divmod(value, 43)
        digits.append(ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "0" * zeros + "".join(reversed(digits))
