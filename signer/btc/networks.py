"""Network names, BIP-44 coin types and strict address <-> scriptPubKey conversion."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from embit import base58, bech32
from embit.networks import NETWORKS

from signer.btc.errors import AddressError, PathError
from signer.derivation import HARDENED, NETWORK_NAMES, CoinType, Network, ScriptKind


def check_network(network: str) -> str:
    if network not in NETWORK_NAMES:
        raise AddressError(f"unknown network {network!r}; expected one of {', '.join(NETWORK_NAMES)}")
    return network


def params(network: str) -> dict[str, Any]:
    return NETWORKS[check_network(network)]


def coin_type(network: str) -> int:
    """BIP-44 coin type: 0 for main, 1 for every test network."""
    return CoinType.of_network(check_network(network))


def is_mainnet_xpub_version(version: bytes) -> bool | None:
    """True for mainnet SLIP-132 public versions, False for testnet ones, None if unknown."""
    for name, is_main in ((Network.MAIN, True), (Network.TEST, False)):
        net = NETWORKS[name]
        if version in (net[k] for k in ("xpub", "ypub", "zpub", "Ypub", "Zpub")):
            return is_main
    return None


def witness_program(script: bytes) -> tuple[int, bytes] | None:
    """(version, program) if ``script`` is a segwit output script (BIP-141 rules), else None."""
    if len(script) < 4 or len(script) > 42:
        return None
    op = script[0]
    if op == 0:
        version = 0
    elif 0x51 <= op <= 0x60:
        version = op - 0x50
    else:
        return None
    if script[1] != len(script) - 2 or not 2 <= script[1] <= 40:
        return None
    return version, script[2:]


def script_type(script: bytes) -> str:
    """p2pkh | p2sh | p2wpkh | p2wsh | p2tr | witness-vN | op_return | unknown."""
    if len(script) == 25 and script[:3] == b"\x76\xa9\x14" and script[23:] == b"\x88\xac":
        return ScriptKind.P2PKH
    if len(script) == 23 and script[:2] == b"\xa9\x14" and script[22] == 0x87:
        return ScriptKind.P2SH
    if script[:1] == b"\x6a":
        return ScriptKind.OP_RETURN
    wp = witness_program(script)
    if wp is not None:
        version, program = wp
        if version == 0 and len(program) == 20:
            return ScriptKind.P2WPKH
        if version == 0 and len(program) == 32:
            return ScriptKind.P2WSH
        if version == 1 and len(program) == 32:
            return ScriptKind.P2TR
        if version > 0:
            return f"witness-v{version}"
    return ScriptKind.UNKNOWN


def address_from_script(script: bytes, network: str) -> str | None:
    """The address people see for ``script``, or None when the script has no address form."""
    net = params(network)
    kind = script_type(script)
    if kind == ScriptKind.P2PKH:
        return base58.encode_check(net["p2pkh"] + script[3:23])
    if kind == ScriptKind.P2SH:
        return base58.encode_check(net["p2sh"] + script[2:22])
    wp = witness_program(script)
    if wp is not None and kind != ScriptKind.UNKNOWN:
        address: str = bech32.encode(net["bech32"], wp[0], wp[1])
        return address
    return None


def script_from_address(address: str, network: str) -> bytes:
    """The scriptPubKey for ``address``; refuses addresses of another network with a clear reason."""
    net = params(network)
    text = address.strip()
    if not text:
        raise AddressError("empty address")
    if any(c.isspace() for c in text):  # the messages below quote the address: keep them one line
        raise AddressError("an address has no spaces or line breaks inside it")
    hrp_end = text.rfind("1")
    if hrp_end > 0 and text.lower()[:hrp_end] in {"bc", "tb", "bcrt"}:
        hrp = text.lower()[:hrp_end]
        if hrp != net["bech32"]:
            raise AddressError(
                f"address {text} is for another network (prefix {hrp}1, expected {net['bech32']}1)"
            )
        if text != text.lower() and text != text.upper():
            raise AddressError(f"address {text} mixes upper and lower case")
        version, program = bech32.decode(hrp, text.lower())
        if version is None or program is None:
            raise AddressError(f"address {text} is not a valid bech32/bech32m segwit address (bad checksum?)")
        op = 0 if version == 0 else 0x50 + version
        return bytes([op, len(program), *program])
    try:
        raw = base58.decode_check(text)
    except Exception as exc:
        raise AddressError(f"address {text} is neither valid base58check nor bech32") from exc
    if len(raw) != 21:
        raise AddressError(f"address {text} has a wrong payload length")
    prefix, payload = raw[:1], raw[1:]
    if prefix == net["p2pkh"]:
        return b"\x76\xa9\x14" + payload + b"\x88\xac"
    if prefix == net["p2sh"]:
        return b"\xa9\x14" + payload + b"\x87"
    for other, oparams in NETWORKS.items():
        if prefix in (oparams["p2pkh"], oparams["p2sh"]):
            raise AddressError(f"address {text} is a {other} address, not {network}")
    raise AddressError(f"address {text} has an unknown version byte 0x{prefix.hex()}")


def format_path(path: Sequence[int]) -> str:
    parts = ["m"]
    for i in path:
        parts.append(f"{i - HARDENED}h" if i >= HARDENED else str(i))
    return "/".join(parts)


_MAX_INDEX_DIGITS = len(str(HARDENED - 1))


def parse_path(text: str) -> tuple[int, ...]:
    """Parse ``m/84h/0'/0/5`` strictly (hardened as h, H or ')."""
    parts = text.strip().split("/")
    if not parts or parts[0] not in ("m", "M"):
        raise PathError(f"derivation path {text!r} must start with m/")
    out: list[int] = []
    for part in parts[1:]:
        hardened = part[-1:] in ("h", "H", "'")
        digits = part[:-1] if hardened else part
        if not (digits.isascii() and digits.isdigit()) or (len(digits) > 1 and digits[0] == "0"):
            raise PathError(f"derivation path {text!r} has a bad element {part!r}")
        if len(digits) > _MAX_INDEX_DIGITS or int(digits) >= HARDENED:  # int() reads 4300 digits at most
            raise PathError(f"derivation path {text!r} has an index out of range")
        value = int(digits)
        out.append(value + HARDENED if hardened else value)
    return tuple(out)
