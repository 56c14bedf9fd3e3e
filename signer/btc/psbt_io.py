"""Read a PSBT from whatever the transport layer or a file hands over: binary, base64 or hex."""

from __future__ import annotations

import base64
import binascii
import re

from signer.btc.errors import PsbtError
from signer.btc.psbt import MAGIC, MAX_PSBT_BYTES, Psbt, parse_psbt

_B64 = re.compile(rb"^[A-Za-z0-9+/]+={0,2}$")
_HEX = re.compile(rb"^[0-9a-fA-F]+$")


def decode_psbt_bytes(data: bytes | str) -> bytes:
    """The binary PSBT inside ``data`` (binary, base64 or hex, surrounding whitespace ignored)."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
    if raw.startswith(MAGIC):
        return raw
    if len(raw) > 2 * MAX_PSBT_BYTES:
        raise PsbtError("input is too large to be a PSBT")
    text = b"".join(raw.split())
    if not text:
        raise PsbtError("empty input: no PSBT")
    if text.lower().startswith(MAGIC.hex().encode()) and _HEX.match(text):
        if len(text) % 2:
            raise PsbtError("hex PSBT has an odd number of digits")
        return binascii.unhexlify(text)
    if text.startswith(b"cHNidP") and _B64.match(text):
        try:
            decoded = base64.b64decode(text, validate=True)
        except binascii.Error as exc:
            raise PsbtError(f"base64 PSBT is malformed ({exc})") from None
        if not decoded.startswith(MAGIC):
            raise PsbtError("base64 data does not decode to a PSBT")
        return decoded
    if text.lower().startswith(b"ur:"):
        raise PsbtError("this is a UR QR text: pass it through the transport assembler first")
    if text.startswith(b"B$"):
        raise PsbtError("this is a BBQr text: pass it through the transport assembler first")
    raise PsbtError("not a PSBT: expected binary, base64 (cHNidP...) or hex (70736274ff...)")


def load_psbt(data: bytes | str) -> Psbt:
    """Decode and strictly parse a PSBT (v0 or v2) from any supported encoding."""
    return parse_psbt(decode_psbt_bytes(data))


def encode_psbt(raw: bytes, encoding: str = "base64") -> str:
    if encoding == "base64":
        return base64.b64encode(raw).decode()
    if encoding == "hex":
        return raw.hex()
    raise PsbtError(f"unknown PSBT text encoding {encoding!r}")
