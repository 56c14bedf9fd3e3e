"""Address text as wallets show it: Bitcoin (base58, bech32/bech32m in either case) and Ethereum (EIP-55).

These parsers only read and validate the text (checksums, lengths, network prefix); whether an address
is ours is decided elsewhere (:mod:`signer.address_lookup`).

embit (base58, bech32) and pycryptodome (keccak) are imported where an address is read: the
device starts without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signer.derivation import Network, ScriptKind
from signer.keccak import checksum_address
from signer.transport.errors import TransportError

_ETH_ADDRESS = re.compile(r"0[xX][0-9a-fA-F]{40}")
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
BECH32_PREFIX = re.compile(r"(bc|tb|bcrt)1", re.IGNORECASE)

# Base58 version byte -> (network, script type). Testnet, signet and regtest share prefixes.
_BASE58_VERSIONS = {
    0x00: (Network.MAIN, ScriptKind.P2PKH),
    0x05: (Network.MAIN, ScriptKind.P2SH),
    0x6F: (Network.TEST, ScriptKind.P2PKH),
    0xC4: (Network.TEST, ScriptKind.P2SH),
}
_BECH32_NETWORKS = {"bc": Network.MAIN, "tb": Network.TEST, "bcrt": Network.REGTEST}


@dataclass(frozen=True)
class BitcoinAddress:
    address: str  # as it should be shown: bech32 in lower case
    network: str  # "main", "test" (testnet/signet) or "regtest"
    script_type: str  # p2pkh, p2sh, p2wpkh, p2wsh, p2tr, or witness-v<N> for future versions


@dataclass(frozen=True)
class EthAddress:
    address: str  # EIP-55 checksummed form
    checksum_verified: bool  # the input was mixed case and its EIP-55 checksum matched


def looks_like_bitcoin_address(text: str) -> bool:
    """Shape only: a bech32 prefix, or 25..35 base58 characters starting like a main/test address."""
    if not text or len(text) > 90 or any(c.isspace() for c in text):
        return False
    if BECH32_PREFIX.match(text):
        return True
    return 25 <= len(text) <= 35 and text[0] in "123mn" and _BASE58.fullmatch(text) is not None


def parse_bitcoin_address(text: str) -> BitcoinAddress:
    """Validate a base58 or bech32/bech32m address and tell its network and script type."""
    from embit import base58, bech32

    addr = text.strip()
    prefix = BECH32_PREFIX.match(addr)
    if prefix:
        hrp = prefix.group(1).lower()
        if addr != addr.lower() and addr != addr.upper():
            raise TransportError("not a valid Bitcoin address: it mixes upper and lower case letters")
        version, program = bech32.decode(hrp, addr.lower())
        if version is None or program is None:
            raise TransportError("not a valid Bitcoin address: bech32 checksum or format is wrong")
        if version == 1 and len(program) != 32:
            raise TransportError("not a valid Bitcoin address: taproot programs are 32 bytes")
        script_type = {(0, 20): ScriptKind.P2WPKH, (0, 32): ScriptKind.P2WSH, (1, 32): ScriptKind.P2TR}.get(
            (version, len(program)), f"witness-v{version}"
        )
        return BitcoinAddress(addr.lower(), _BECH32_NETWORKS[hrp], script_type)
    if not (25 <= len(addr) <= 35 and _BASE58.fullmatch(addr)):
        raise TransportError("not a Bitcoin address: neither bech32 nor 25 to 35 base58 characters")
    try:
        raw = base58.decode_check(addr)
    except ValueError:
        raise TransportError("not a valid Bitcoin address: base58 checksum is wrong") from None
    if len(raw) != 21 or raw[0] not in _BASE58_VERSIONS:
        raise TransportError("not a valid Bitcoin address: unknown base58 version or length")
    network, script_type = _BASE58_VERSIONS[raw[0]]
    return BitcoinAddress(addr, network, script_type)


def eth_checksum_address(hex40: str) -> str:
    """The EIP-55 mixed-case form of a 40-hex-digit address (no 0x)."""
    if not re.fullmatch(r"[0-9a-fA-F]{40}", hex40):
        raise TransportError("an Ethereum address is 40 hex digits")
    return checksum_address(bytes.fromhex(hex40))


def is_eth_address_text(text: str) -> bool:
    return _ETH_ADDRESS.fullmatch(text) is not None


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
