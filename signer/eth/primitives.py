"""Small shared helpers: keccak, EIP-55 addresses, strict hex and integer parsing."""

from __future__ import annotations

import re

from signer.eth.errors import EthError
from signer.keccak import checksum_address

UINT256_MAX = 2**256 - 1
_HEX_RE = re.compile(r"^(0x)?([0-9a-fA-F]*)$")


def checksum(address20: bytes) -> str:
    """EIP-55 mixed-case encoding of a 20-byte address (signer.keccak), an EthError when not 20 bytes."""
    if len(address20) != 20:
        raise EthError(f"an address is 20 bytes, not {len(address20)}")
    return checksum_address(bytes(address20))


def parse_address(value: object, what: str = "address") -> bytes:
    """A 20-byte address from ``0x``-hex text (EIP-55 checked when mixed case) or 20 bytes."""
    if isinstance(value, bytes | bytearray):
        if len(value) != 20:
            raise EthError(f"{what} must be 20 bytes, got {len(value)}")
        return bytes(value)
    if not isinstance(value, str):
        raise EthError(f"{what} must be a 0x-prefixed hex string, got {type(value).__name__}")
    text = value.strip()
    if not re.fullmatch(r"0x[0-9a-fA-F]{40}", text):
        raise EthError(f"{what} must be 0x followed by 40 hex characters, got {value[:50]!r}")
    raw = bytes.fromhex(text[2:])
    body = text[2:]
    if body != body.lower() and body != body.upper() and checksum(raw) != text:
        raise EthError(f"{what} {text} has a wrong EIP-55 checksum (mistyped or altered)")
    return raw


def parse_hex(value: str, what: str = "value", *, max_bytes: int | None = None) -> bytes:
    """Bytes from hex text with an optional 0x prefix; odd length or bad characters are errors."""
    m = _HEX_RE.match(value.strip())
    if m is None:
        raise EthError(f"{what} is not hex")
    body = m.group(2)
    if len(body) % 2:
        raise EthError(f"{what} has an odd number of hex digits")
    raw = bytes.fromhex(body)
    if max_bytes is not None and len(raw) > max_bytes:
        raise EthError(f"{what} is {len(raw)} bytes, more than the {max_bytes} allowed")
    return raw


def short(address20: bytes) -> str:
    """0x1234…abcd: for compact messages; the full address is always shown elsewhere."""
    text = checksum(address20)
    return f"{text[:6]}…{text[-4:]}"


def format_units(amount: int, decimals: int) -> str:
    """Exact decimal rendering of ``amount / 10**decimals`` with thousands separators, no float."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    whole, frac = divmod(amount, 10**decimals) if decimals else (amount, 0)
    text = f"{whole:,}"
    if decimals and frac:
        text += "." + f"{frac:0{decimals}d}".rstrip("0")
    return sign + text


def parse_units(text: str, decimals: int) -> int:
    """Parse a decimal amount like ``"1,000.5"`` into base units; more decimals than allowed is an error."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    m = re.fullmatch(r"([0-9]+)(?:\.([0-9]*))?", cleaned)  # ASCII: \d also takes other scripts' digits
    if m is None:
        raise EthError(f"{text!r} is not a decimal amount")
    whole: str = m.group(1)
    frac: str = m.group(2) or ""
    if len(frac) > decimals:
        raise EthError(f"{text[:24]!r} has more than {decimals} decimal places")
    if len(whole.lstrip("0")) > len(str(UINT256_MAX)):  # before int(): it reads 4300 digits at most
        raise EthError(f"{text[:24]!r}... is too large for a uint256")
    scale: int = 10**decimals
    value = int(whole) * scale + (int(frac.ljust(decimals, "0")) if decimals else 0)
    if value > UINT256_MAX:
        raise EthError(f"{text!r} is too large for a uint256")
    return value
