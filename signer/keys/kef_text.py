"""How KEF envelopes travel: as the bytes of a binary QR code (Krux's legacy versions 0 and 1), as
base43 text (Krux shows every newer version that way: the QR code's dense alphanumeric mode), as
base64 (Krux's ``seeds.json`` on an SD card, read whole by ``sd_card_entries``) or as hex.

Base43 is Electrum's (alphabet ``0-9 A-Z $ * + - . / :``, big-endian, one ``0`` per leading zero
byte). ``candidates`` returns every reading of some input that parses as an envelope, because the
encodings overlap (hex digits are base43 and base64 characters too): only the password tells
which one was meant.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from typing import NoReturn

from signer import strict_json
from signer.keys import kef
from signer.keys.errors import NotKef
from signer.transport import base43

MAX_TEXT = 8 * 1024  # far above any envelope of a mnemonic; bounds the base43 big-integer work


def sd_card_entries(raw: bytes) -> dict[str, bytes]:
    """The envelopes of Krux's ``seeds.json`` (``{ID: {"b64_kef": base64}}``) by ID; empty when
    ``raw`` is not such a file. Entries of Krux's older layout (before KEF) are not read."""
    if raw.lstrip()[:1] != b"{" or len(raw) > 1024 * 1024:
        return {}
    try:
        doc = strict_json.loads(raw, what="seeds.json")
    except strict_json.JsonRejected:
        return {}
    found: dict[str, bytes] = {}
    if isinstance(doc, dict):
        for name, entry in doc.items():
            if isinstance(entry, dict) and isinstance(entry.get("b64_kef"), str):
                with contextlib.suppress(binascii.Error, ValueError):
                    found[str(name)] = base64.b64decode(entry["b64_kef"], validate=True)
    return found


def readings(raw: bytes) -> list[bytes]:
    """What ``raw`` may be: for ASCII text its base43, hex and base64 decodings (in that order) and
    then the raw bytes; for anything else the raw bytes only."""
    raw = bytes(raw)
    try:
        text = raw.decode("ascii").strip() if len(raw) <= MAX_TEXT else None
    except UnicodeDecodeError:
        text = None
    if not text:
        return [raw] if raw else []
    found: list[bytes] = []
    if len(text) <= base43.MAX_CHARS and base43.is_base43(text):
        found.append(base43.decode(text))
    if len(text) % 2 == 0:
        with contextlib.suppress(ValueError):
            found.append(bytes.fromhex(text))
    with contextlib.suppress(binascii.Error, ValueError):
        found.append(base64.b64decode(text, validate=True))
    found.append(raw)
    return [b for i, b in enumerate(found) if b and b not in found[:i]]


def candidates(raw: bytes) -> list[bytes]:
    """The readings of ``raw`` that parse as an envelope of a version Airlock reads."""
    return [blob for blob in readings(raw) if kef.is_envelope(blob)]


def diagnose(raw: bytes) -> NoReturn:
    """Raise the most specific reason why ``raw`` holds no envelope (an unknown version, a cut-off
    header...), judged on its first reading; NotKef when nothing looks like one at all."""
    for blob in readings(raw)[:1]:
        if blob[0] <= kef.MAX_ID and len(blob) > blob[0] + 1:
            kef.unwrap(blob)
    raise NotKef("this is not a Krux encrypted QR code (no KEF envelope as binary, base43, hex or base64)")
