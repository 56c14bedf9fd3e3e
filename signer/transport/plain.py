"""Single, plain QR codes: PSBTs and transactions as text, addresses and payment URIs, key text.

:func:`recognise` returns a :class:`Payload` for a format it knows, ``None`` for content that is no
plain format at all (the assembler counts it as garbage), and raises :class:`TransportError` for
content that claims a format but breaks it (bad checksum, bad amount...).

Formats: base64 PSBT (``cHNidP8``), hex PSBT (``70736274ff``), hex raw Bitcoin transaction, Bitcoin
address / BIP-21 URI, Ethereum address (EIP-55 checked when mixed case) / EIP-681 URI, a
SeedSigner/Sparrow sign-message request (``signmessage.py``), and key text
(xpub family, output descriptors, Sparrow/Specter/Nunchuk/Coldcard wallet files, JSON exports),
which is only classified here; the Bitcoin layer parses it.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import unquote

from signer import strict_json
from signer.transport.errors import TransportError
from signer.transport.payload import Payload

PSBT_MAGIC = b"psbt\xff"
MAX_SATS = 21_000_000 * 100_000_000
MAX_UINT256 = 2**256 - 1

_HEX = re.compile(r"[0-9a-fA-F]+")
_ETH_ADDRESS = re.compile(r"0[xX][0-9a-fA-F]{40}")
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
_BECH32_PREFIX = re.compile(r"(bc|tb|bcrt)1", re.IGNORECASE)
_EXTENDED_PUBKEY = re.compile(r"(?<![0-9A-Za-z])[xyzYZtuvUV]pub[1-9A-HJ-NP-Za-km-z]{100,112}(?![0-9A-Za-z])")
_EXTENDED_PRVKEY = re.compile(r"(?<![0-9A-Za-z])[xyzYZtuvUV]prv[1-9A-HJ-NP-Za-km-z]{100,112}")
_DESCRIPTOR = re.compile(
    r"^\s*(sh|wsh|wpkh|pkh|tr|rawtr|combo|addr|raw|multi|sortedmulti|multi_a|sortedmulti_a)\(", re.MULTILINE
)
_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EIP681_NUMBER = re.compile(r"\+?([0-9]+)(?:\.([0-9]+))?(?:[eE]\+?([0-9]{1,3}))?")
_BIP21_AMOUNT = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")

# Base58 version byte -> (network, script type). Testnet, signet and regtest share prefixes.
_BASE58_VERSIONS = {
    0x00: ("main", "p2pkh"),
    0x05: ("main", "p2sh"),
    0x6F: ("test", "p2pkh"),
    0xC4: ("test", "p2sh"),
}
_BECH32_NETWORKS = {"bc": "main", "tb": "test", "bcrt": "regtest"}


@dataclass(frozen=True)
class BitcoinAddress:
    address: str  # as it should be shown: bech32 in lower case
    network: str  # "main", "test" (testnet/signet) or "regtest"
    script_type: str  # p2pkh, p2sh, p2wpkh, p2wsh, p2tr, or witness-v<N> for future versions


@dataclass(frozen=True)
class BIP21:
    address: BitcoinAddress
    amount_sats: int | None
    label: str | None
    message: str | None
    params: tuple[tuple[str, str], ...]  # every other parameter, percent-decoded (lightning, pj, ...)


@dataclass(frozen=True)
class EthAddress:
    address: str  # EIP-55 checksummed form
    checksum_verified: bool  # the input was mixed case and its EIP-55 checksum matched


@dataclass(frozen=True)
class EIP681:
    target: EthAddress  # the contract for a function call, else the recipient
    chain_id: int | None
    function: str | None
    value: int | None  # wei, from ``value=``
    params: tuple[tuple[str, str], ...]  # all parameters, percent-decoded, in order

    def param(self, key: str) -> str | None:
        return next((v for k, v in self.params if k == key), None)

    @property
    def transfer_recipient(self) -> EthAddress | None:
        """For ``/transfer`` (ERC-20): the ``address`` parameter."""
        addr = self.param("address") if self.function == "transfer" else None
        return parse_eth_address(addr) if addr is not None else None

    @property
    def transfer_amount(self) -> int | None:
        """For ``/transfer`` (ERC-20): the ``uint256`` parameter, in token base units."""
        amount = self.param("uint256") if self.function == "transfer" else None
        return parse_eip681_number(amount) if amount is not None else None


# --- Bitcoin ---------------------------------------------------------------------------------------


def parse_bitcoin_address(text: str) -> BitcoinAddress:
    """Validate a base58 or bech32/bech32m address and tell its network and script type."""
    from embit import base58, bech32

    addr = text.strip()
    prefix = _BECH32_PREFIX.match(addr)
    if prefix:
        hrp = prefix.group(1).lower()
        version, program = bech32.decode(hrp, addr)
        if version is None or program is None:
            raise TransportError("not a valid Bitcoin address: bech32 checksum or format is wrong")
        if version == 1 and len(program) != 32:
            raise TransportError("not a valid Bitcoin address: taproot programs are 32 bytes")
        script_type = {(0, 20): "p2wpkh", (0, 32): "p2wsh", (1, 32): "p2tr"}.get(
            (version, len(program)), f"witness-v{version}"
        )
        return BitcoinAddress(addr.lower(), _BECH32_NETWORKS[hrp], script_type)
    if not (25 <= len(addr) <= 35 and _BASE58.fullmatch(addr)):
        raise TransportError("not a Bitcoin address")
    try:
        raw = base58.decode_check(addr)
    except ValueError:
        raise TransportError("not a valid Bitcoin address: base58 checksum is wrong") from None
    if len(raw) != 21 or raw[0] not in _BASE58_VERSIONS:
        raise TransportError("not a valid Bitcoin address: unknown base58 version or length")
    network, script_type = _BASE58_VERSIONS[raw[0]]
    return BitcoinAddress(addr, network, script_type)


def _split_query(query: str, what: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if not query:
        return pairs
    for item in query.split("&"):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise TransportError(f"{what} parameter is not key=value")
        try:
            decoded = unquote(value, errors="strict")
        except UnicodeDecodeError:
            raise TransportError(f"{what} parameter {key!r} is not valid percent-encoded UTF-8") from None
        pairs.append((key, decoded))
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise TransportError(f"{what} repeats a parameter")
    return pairs


def _btc_to_sats(amount: str) -> int:
    if not _BIP21_AMOUNT.fullmatch(amount):
        raise TransportError("BIP-21 amount is not a plain decimal number of BTC")
    sats = Decimal(amount) * 100_000_000
    if sats != sats.to_integral_value():
        raise TransportError("BIP-21 amount has more than 8 decimals")
    if sats > MAX_SATS:
        raise TransportError("BIP-21 amount exceeds 21 million BTC")
    return int(sats)


def parse_bip21(text: str) -> BIP21:
    """Parse ``bitcoin:ADDRESS?amount=..&label=..&message=..`` (scheme and keys case-insensitive)."""
    uri = text.strip()
    if uri[:8].lower() != "bitcoin:":
        raise TransportError("not a bitcoin: URI")
    target, _, query = uri[8:].partition("?")
    if not target:
        raise TransportError("BIP-21 URI has no on-chain address")
    address = parse_bitcoin_address(target)
    amount = label = message = None
    others = []
    for key, value in _split_query(query, "BIP-21"):
        lowered = key.lower()
        if lowered == "amount":
            amount = _btc_to_sats(value)
        elif lowered == "label":
            label = value
        elif lowered == "message":
            message = value
        elif lowered.startswith("req-"):
            raise TransportError(f"BIP-21 URI requires parameter {key!r}, which Airlock does not understand")
        else:
            others.append((lowered, value))
    return BIP21(address, amount, label, message, tuple(others))


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


# --- Ethereum --------------------------------------------------------------------------------------


def eth_checksum_address(hex40: str) -> str:
    """The EIP-55 mixed-case form of a 40-hex-digit address (no 0x)."""
    from Crypto.Hash import keccak

    lower = hex40.lower()
    digest = keccak.new(digest_bits=256, data=lower.encode("ascii")).hexdigest()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(h, 16) >= 8 else c for c, h in zip(lower, digest[:40], strict=True)
    )


def parse_eth_address(text: str) -> EthAddress:
    """``0x`` + 40 hex digits; a mixed-case address must carry a correct EIP-55 checksum."""
    addr = text.strip()
    if not _ETH_ADDRESS.fullmatch(addr):
        raise TransportError("not an Ethereum address (0x followed by 40 hex digits)")
    digits = addr[2:]
    checksummed = eth_checksum_address(digits)
    mixed = digits != digits.lower() and digits != digits.upper()
    if mixed and checksummed[2:] != digits:
        raise TransportError("Ethereum address fails its EIP-55 checksum (mistyped or altered)")
    return EthAddress(checksummed, mixed)


def parse_eip681_number(text: str) -> int:
    """EIP-681 number (``2.014e18`` allowed) as a non-negative integer below 2**256."""
    match = _EIP681_NUMBER.fullmatch(text)
    if not match:
        raise TransportError("EIP-681 number is malformed or negative")
    whole, frac, exp = match.group(1), match.group(2) or "", int(match.group(3) or 0)
    if len(frac) > exp and frac[exp:].strip("0"):
        raise TransportError("EIP-681 number is not a whole number")
    value = int(whole + frac[:exp].ljust(exp, "0")) if exp or frac else int(whole)
    if value > MAX_UINT256:
        raise TransportError("EIP-681 number exceeds 2**256 - 1")
    return value


def parse_eip681(text: str) -> EIP681:
    """Parse ``ethereum:[pay-]0xADDR[@CHAIN][/FUNCTION][?k=v&...]``."""
    uri = text.strip()
    if uri[:9].lower() != "ethereum:":
        raise TransportError("not an ethereum: URI")
    rest = uri[9:]
    if rest[:4].lower() == "pay-":
        rest = rest[4:]
    rest, _, query = rest.partition("?")
    rest, _, function = rest.partition("/")
    target, at, chain = rest.partition("@")
    if not _ETH_ADDRESS.fullmatch(target):
        raise TransportError("EIP-681 target is not an 0x address (ENS names cannot be resolved offline)")
    chain_id = None
    if at:
        if not chain.isascii() or not chain.isdigit() or len(chain) > 19 or int(chain) == 0:
            raise TransportError("EIP-681 chain id is not a positive decimal number")
        chain_id = int(chain)
    if function and not _FUNCTION_NAME.fullmatch(function):
        raise TransportError("EIP-681 function name is malformed")
    params = _split_query(query, "EIP-681")
    value = None
    for key, item in params:
        if key == "value":
            value = parse_eip681_number(item)
        elif key in ("gas", "gasLimit", "gasPrice") or key.startswith("uint"):
            parse_eip681_number(item)
        elif key == "address":
            parse_eth_address(item)
    return EIP681(parse_eth_address(target), chain_id, function or None, value, tuple(params))


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
        elif isinstance(item, str) and (_EXTENDED_PUBKEY.search(item) or _DESCRIPTOR.search(item)):
            return True
    return False


def classify_text(text: str) -> str | None:
    """``"descriptor-text"`` for key/descriptor/wallet-file text, ``"json"`` for other JSON, else None.

    Raises TransportError for text holding an extended *private* key (never read from a QR here).
    """
    if _EXTENDED_PRVKEY.search(text):
        raise TransportError("this QR holds an extended private key; Airlock does not read keys this way")
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            doc = strict_json.loads(stripped, what="the JSON text")
        except strict_json.JsonRejected:
            doc = None
        if isinstance(doc, dict | list):
            return "descriptor-text" if _json_mentions_keys(doc) else "json"
    if _DESCRIPTOR.search(stripped):
        return "descriptor-text"
    if _EXTENDED_PUBKEY.search(stripped):
        return "descriptor-text"
    return None


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
        return Payload("psbt", "plain", raw)

    if _HEX.fullmatch(text):
        if len(text) % 2:
            if lowered.startswith("70736274ff"):
                raise TransportError("hex PSBT has an odd number of digits")
            return None
        raw = bytes.fromhex(text)
        if raw.startswith(PSBT_MAGIC):
            return Payload("psbt", "plain", raw)
        if len(raw) >= 60 and is_transaction(raw):
            return Payload("bitcoin-tx", "plain", raw)
        return None

    if text.startswith("signmessage"):
        from signer.transport import signmessage

        if signmessage.is_sign_message(text):
            return Payload("btc-sign-message", "plain", text.encode(), obj=signmessage.parse(text))

    if lowered.startswith("bitcoin:"):
        uri = parse_bip21(text)
        return Payload("bip21", "plain", text.encode(), obj=uri)
    if lowered.startswith("ethereum:"):
        request = parse_eip681(text)
        return Payload("eip681", "plain", text.encode(), obj=request)
    if lowered.startswith("0x") and len(text) == 42:
        address = parse_eth_address(text)
        return Payload("eth-address", "plain", address.address.encode(), obj=address)

    single_word = len(text) <= 90 and not any(c.isspace() for c in text)
    if single_word and (
        _BECH32_PREFIX.match(text)
        or (25 <= len(text) <= 35 and text[0] in "123mn" and _BASE58.fullmatch(text))
    ):
        btc = parse_bitcoin_address(text)
        return Payload("bitcoin-address", "plain", btc.address.encode(), obj=btc)

    kind = classify_text(text)
    if kind is not None:
        return Payload(kind, "plain", text.encode(), obj=text)
    return None
