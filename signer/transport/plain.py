"""Single, plain QR codes: PSBTs and transactions as text, addresses and payment URIs, key text.

:func:`recognise` returns a :class:`Payload` for a format it knows, ``None`` for content that is no
plain format at all (the assembler counts it as garbage), and raises :class:`TransportError` for
content that claims a format but breaks it (bad checksum, bad amount...).

Formats: base64 PSBT (``cHNidP8``), hex PSBT (``70736274ff``), hex raw Bitcoin transaction, Bitcoin
address / BIP-21 URI, Ethereum address (EIP-55 checked when mixed case) / EIP-681 URI, a
SeedSigner/Sparrow sign-message request (``signmessage.py``), and key text
(xpub family, output descriptors, Sparrow/Specter/Nunchuk/Coldcard wallet files, JSON exports),
which is only classified here; the Bitcoin layer parses it; BIP-39 mnemonic words as text (a seed:
:mod:`signer.transport.mnemonic_text`); and Electrum's base43 PSBT or transaction (format
``base43``: :mod:`signer.transport.base43`).

embit is imported where a transaction is recognised: the device starts without it.
"""

from __future__ import annotations

import base64
import binascii
import re

from signer import strict_json
from signer.transport import base43, mnemonic_text, signmessage
from signer.transport.addresses import (
    BitcoinAddress,
    EthAddress,
    eth_checksum_address,
    looks_like_bitcoin_address,
    parse_bitcoin_address,
    parse_eth_address,
)
from signer.transport.bip21 import BIP21, is_bip21, parse_bip21
from signer.transport.eip681 import EIP681, is_eip681, parse_eip681, parse_eip681_number
from signer.transport.errors import TransportError
from signer.transport.key_text import EXTENDED_PUBKEY, check_key_text
from signer.transport.payload import Payload, PayloadKind

__all__ = [  # the address and URI parsers live in their own modules; these names stay importable here
    "BIP21",
    "EIP681",
    "PSBT_MAGIC",
    "BitcoinAddress",
    "EthAddress",
    "classify_text",
    "eth_checksum_address",
    "is_transaction",
    "parse_bip21",
    "parse_bitcoin_address",
    "parse_eip681",
    "parse_eip681_number",
    "parse_eth_address",
    "recognise",
]

PSBT_MAGIC = b"psbt\xff"
_MIN_BASE43_CHARS = 80  # shorter is no PSBT or transaction: 60 bytes take 89 base43 characters

_HEX = re.compile(r"[0-9a-fA-F]+")
_EXTENDED_PRVKEY = re.compile(r"(?<![0-9A-Za-z])[xyzYZtuvUV]prv[1-9A-HJ-NP-Za-km-z]{100,112}")
_DESCRIPTOR = re.compile(
    r"^\s*(sh|wsh|wpkh|pkh|tr|rawtr|combo|addr|raw|multi|sortedmulti|multi_a|sortedmulti_a)\(", re.MULTILINE
)


# --- Bitcoin transactions ----------------------------------------------------------------------------


def is_transaction(raw: bytes) -> bool:
    """True when ``raw`` is exactly one well-formed transaction with inputs and outputs."""
    from embit.transaction import Transaction

    try:
        tx = Transaction.parse(raw)
    except Exception:  # embit raises assorted types (EmbitError, ValueError, IndexError...) on junk
        return False
    try:
        exact = tx.serialize() == raw  # embit reads a short final field without complaint
    except Exception:
        return False
    return exact and bool(tx.vin) and bool(tx.vout)


# --- Key and wallet text ---------------------------------------------------------------------------


def _json_mentions_keys(doc: object) -> bool:
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if any(
                isinstance(k, str) and k.lower() in ("descriptor", "xpub", "bip84", "bip48_2") for k in item
            ):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and (EXTENDED_PUBKEY.search(item) or _DESCRIPTOR.search(item)):
            return True
    return False


def classify_text(text: str) -> str | None:
    """``"descriptor-text"`` for key/descriptor/wallet-file text, ``"json"`` for other JSON, else None.

    Raises TransportError for text holding an extended *private* key (never read from a QR here), and
    for key text that is broken: an extended key failing its checksum, a malformed key origin, a
    descriptor whose ``#checksum`` does not match.
    """
    if _EXTENDED_PRVKEY.search(text):
        raise TransportError("this QR holds an extended private key; Airlock does not read keys this way")
    stripped = text.strip()
    kind = None
    if stripped[:1] in ("{", "["):
        try:
            doc = strict_json.loads(stripped, what="the JSON text")
        except strict_json.JsonRejected:
            doc = None
        if isinstance(doc, dict | list):
            kind = PayloadKind.DESCRIPTOR_TEXT if _json_mentions_keys(doc) else PayloadKind.JSON
    if kind is None and (_DESCRIPTOR.search(stripped) or EXTENDED_PUBKEY.search(stripped)):
        kind = PayloadKind.DESCRIPTOR_TEXT
    if kind == PayloadKind.DESCRIPTOR_TEXT:
        check_key_text(stripped)
    return kind


# --- What an unreadable code holds ----------------------------------------------------------------

NOT_A_REQUEST = "not an Airlock request"

# Leading text of QR codes people meet every day -> what to call them on the screen.
_EVERYDAY_PREFIXES = (
    (("http://", "https://", "www."), "a web link"),
    (("wifi:",), "Wi-Fi network details"),
    (("begin:vcard", "mecard:"), "a contact card"),
    (("begin:vevent", "begin:vcalendar"), "a calendar event"),
    (("mailto:", "matmsg:"), "an email address"),
    (("tel:", "sms:", "smsto:"), "a phone number"),
    (("geo:",), "a map location"),
    (("lightning:", "lnbc", "lntb", "lnbcrt", "lnurl"), "a Lightning invoice"),
)


def what_it_holds(text: str | None) -> str:
    """What a QR code that is no format Airlock reads holds, in a person's words, without quoting it:
    "a web link", "a number", "plain text"... ``text`` is None for binary content."""
    if text is None or any(not c.isprintable() and not c.isspace() for c in text):
        return "binary data"
    lowered = text.strip()[:16].lower()
    for prefixes, name in _EVERYDAY_PREFIXES:
        if lowered.startswith(prefixes):
            return name
    if text.strip().isdigit():
        return "a number"
    return "plain text"


# --- Entry point -----------------------------------------------------------------------------------


def _text_of(content: str | bytes) -> str | None:
    if isinstance(content, bytes | bytearray):
        try:
            return bytes(content).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return content


def recognise(content: str | bytes) -> Payload | None:
    """Recognise one plain QR (see the module docstring for the three outcomes)."""
    text = _text_of(content)
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    lowered = text[:10].lower()

    if text.startswith("cHNidP8"):
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise TransportError("base64 PSBT is not valid base64") from None
        if not raw.startswith(PSBT_MAGIC):  # pragma: no cover - implied by the base64 prefix
            raise TransportError("base64 text does not start with the PSBT magic")
        return Payload(PayloadKind.PSBT, "plain", raw)

    if _HEX.fullmatch(text):
        if len(text) % 2:
            if lowered.startswith("70736274ff"):
                raise TransportError("hex PSBT has an odd number of digits")
            return None
        raw = bytes.fromhex(text)
        if raw.startswith(PSBT_MAGIC):
            return Payload(PayloadKind.PSBT, "plain", raw)
        if len(raw) >= 60 and is_transaction(raw):
            return Payload(PayloadKind.BITCOIN_TX, "plain", raw)
        return None

    if text.startswith("signmessage") and signmessage.is_sign_message(text):
        return Payload(PayloadKind.BTC_SIGN_MESSAGE, "plain", text.encode(), obj=signmessage.parse(text))

    if is_bip21(text):
        uri = parse_bip21(text)
        return Payload(PayloadKind.BIP21, "plain", text.encode(), obj=uri)
    if is_eip681(text):
        request = parse_eip681(text)
        return Payload(PayloadKind.EIP681, "plain", text.encode(), obj=request)
    if lowered.startswith("0x") and len(text) == 42:
        address = parse_eth_address(text)
        return Payload(PayloadKind.ETH_ADDRESS, "plain", address.address.encode(), obj=address)

    if looks_like_bitcoin_address(text):
        btc = parse_bitcoin_address(text)
        return Payload(PayloadKind.BITCOIN_ADDRESS, "plain", btc.address.encode(), obj=btc)

    if len(text) >= _MIN_BASE43_CHARS and base43.is_base43(text):
        raw = base43.decode(text)
        if raw.startswith(PSBT_MAGIC):
            return Payload(PayloadKind.PSBT, "base43", raw)
        if is_transaction(raw):
            return Payload(PayloadKind.BITCOIN_TX, "base43", raw)
        return None

    kind = classify_text(text)
    if kind is not None:
        return Payload(kind, "plain", text.encode(), obj=text)
    if mnemonic_text.looks_like_mnemonic(text):
        words = mnemonic_text.decode(text)
        return Payload(PayloadKind.SEED, "plain", words.entropy, obj=words)
    return None
