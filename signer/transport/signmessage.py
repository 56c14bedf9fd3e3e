"""SeedSigner's sign-message QR: ``signmessage <derivation path> ascii:<message>``.

Sparrow shows it for a QR signer (``"signmessage " + path + " ascii:" + message.trim()``, the path
written with ``h``); SeedSigner reads it by splitting off two whitespace-separated header words and
taking the encoding as everything before the first colon of the rest. The message is everything
after that colon, spaces, colons and a second ``ascii:`` included, and is signed as its UTF-8
bytes. ``ascii`` is the only encoding SeedSigner defines; any other is refused, never guessed.

This module reads the grammar only: which key path (syntax checked) and which bytes. Whether the
path is one of ours, and which address it proves, is for ``signer.btc.message_request``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signer.transport.errors import TransportError
from signer.transport.payload import Payload, PayloadKind

KEYWORD = "signmessage"
ENCODINGS = ("ascii",)
EXAMPLE = "signmessage m/84h/0h/0h/0/0 ascii:<message>"

_REQUEST = re.compile(r"signmessage\s+(\S+)\s+(.*)", re.DOTALL)
_PATH = re.compile(r"[mM](/[0-9]{1,10}[hH']?){0,12}")
_QUOTE_MAX = 24  # how much of a bad header word an error message repeats


@dataclass(frozen=True)
class SignMessageRequest:
    path: str  # as written in the QR, e.g. "m/84h/0h/0h/0/0" (syntax checked, meaning not yet)
    encoding: str  # "ascii"
    message: bytes  # the exact bytes to sign


def is_sign_message(text: str) -> bool:
    """True when ``text`` claims to be a sign-message request (its first word is ``signmessage``)."""
    return text.startswith(KEYWORD) and (len(text) == len(KEYWORD) or text[len(KEYWORD)].isspace())


def parse(text: str) -> SignMessageRequest:
    """Read a ``signmessage`` request; TransportError names what is missing or not accepted."""
    if not is_sign_message(text):
        raise TransportError(f"not a sign-message request (expected {EXAMPLE!r})")
    match = _REQUEST.fullmatch(text)
    if match is None:
        raise TransportError(f"the sign-message request has no key path and message (expected {EXAMPLE!r})")
    path, rest = match.groups()
    if not _PATH.fullmatch(path):
        raise TransportError(
            f"the sign-message key path {_quote(path)} is not a derivation path like m/84h/0h/0h/0/0"
        )
    encoding, colon, message = rest.partition(":")
    if not colon or not encoding or any(c.isspace() for c in encoding):
        raise TransportError("the sign-message request has no message encoding: expected 'ascii:' before it")
    if encoding not in ENCODINGS:
        raise TransportError(
            f"the sign-message request uses the message encoding {_quote(encoding)}; "
            "Airlock reads only 'ascii:' (as SeedSigner and Sparrow write it)"
        )
    if not message:
        raise TransportError("the sign-message request holds an empty message: there is nothing to sign")
    try:
        data = message.encode("utf-8")
    except UnicodeEncodeError:
        raise TransportError("the sign-message request is not valid Unicode text") from None
    return SignMessageRequest(path, encoding, data)


# a request may also come inside ur:bytes or a text file
_TEXT_KINDS = (PayloadKind.BYTES, PayloadKind.TEXT, PayloadKind.BINARY)


def from_payload(payload: Payload) -> Payload | None:
    """The request as a ``btc-sign-message`` payload when ``payload`` carries one, else None.

    Plain QR text is recognised by the plain reader already; this also finds a request that
    travelled inside ``ur:bytes`` or a BBQr text file (as some wallets send long messages).
    TransportError when it claims to be a request but breaks the grammar.
    """
    if payload.kind == PayloadKind.BTC_SIGN_MESSAGE:
        return payload
    if payload.kind not in _TEXT_KINDS or not payload.data.startswith(KEYWORD.encode()):
        return None
    try:
        text = payload.data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise TransportError("the sign-message request is not UTF-8 text") from None
    if not is_sign_message(text):
        return None
    request = parse(text)
    return Payload(
        "btc-sign-message",
        payload.format,
        payload.data,
        ur_type=payload.ur_type,
        bbqr_type=payload.bbqr_type,
        obj=request,
    )


def _quote(word: str) -> str:
    shown = word if len(word) <= _QUOTE_MAX else word[:_QUOTE_MAX] + "..."
    return repr(shown)
