"""Caravan's wallet configuration (Unchained's coordinator; Sparrow writes it too)::

    {"name": str, "addressType": "P2WSH" | "P2SH-P2WSH" | "P2SH", "network": "mainnet" | "testnet" | ...,
     "quorum": {"requiredSigners": M, "totalSigners": N},
     "extendedPublicKeys": [{"name": str, "xpub": str, "bip32Path": str, "xfp": str, "method": str}],
     "startingAddressIndex": int, "client": {...}, "uuid": str}

Caravan does not always know where a key comes from: a key typed in as text gets ``bip32Path``
``"Unknown"`` and a missing, ``"Unknown"`` or all-zero ``xfp``; its Coldcard export masks such
paths as ``m/0/0/0/0``. Those are placeholders, not origins: the key is kept without one rather
than with a fingerprint and path that belong to no device.
"""

from __future__ import annotations

from typing import Any

from signer.btc.errors import DescriptorError
from signer.btc.multisig import (
    Cosigner,
    MultisigWallet,
    ScriptType,
    build_wallet,
    normalise_xpub,
    parse_fingerprint,
    parse_path_text,
)

ADDRESS_TYPES = {
    "P2WSH": ScriptType.P2WSH,
    "P2SH-P2WSH": ScriptType.P2SH_P2WSH,
    "P2SH_P2WSH": ScriptType.P2SH_P2WSH,
    "P2WSH-P2SH": ScriptType.P2SH_P2WSH,
    "P2SH": ScriptType.P2SH,
}
NETWORKS = {"mainnet": True, "main": True, "testnet": False, "regtest": False, "signet": False}
PLACEHOLDER_XFPS = ("", "unknown", "00000000")


def is_caravan_json(doc: dict[str, Any]) -> bool:
    return "extendedPublicKeys" in doc or "quorum" in doc


def _count(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise DescriptorError(f"Caravan wallet file: {what} must be a number")
    return value


def _origin(entry: dict[str, Any], where: str) -> tuple[bytes | None, tuple[int, ...] | None]:
    xfp, path_text = entry.get("xfp"), entry.get("bip32Path")
    if xfp is not None and not isinstance(xfp, str):
        raise DescriptorError(f"{where}: xfp must be a text")
    if path_text is not None and not isinstance(path_text, str):
        raise DescriptorError(f"{where}: bip32Path must be a text")
    if xfp is None or xfp.strip().lower() in PLACEHOLDER_XFPS:
        return None, None
    if path_text is None or path_text.strip().lower() in ("", "unknown"):
        return None, None
    path = parse_path_text(path_text, where)
    if path and all(i == 0 for i in path):  # Caravan's masked derivation of an unknown path
        return None, None
    return parse_fingerprint(xfp.strip(), where), path


def parse_caravan_json(doc: dict[str, Any], name: str | None = None) -> MultisigWallet:
    address_type = doc.get("addressType")
    if not isinstance(address_type, str) or address_type.upper() not in ADDRESS_TYPES:
        raise DescriptorError(
            f"Caravan wallet file: addressType {address_type!r} is not P2WSH, P2SH-P2WSH or P2SH"
        )
    quorum = doc.get("quorum")
    if not isinstance(quorum, dict):
        raise DescriptorError("Caravan wallet file: needs quorum.requiredSigners and quorum.totalSigners")
    m = _count(quorum.get("requiredSigners"), "quorum.requiredSigners")
    n = _count(quorum.get("totalSigners"), "quorum.totalSigners")
    entries = doc.get("extendedPublicKeys")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise DescriptorError("Caravan wallet file: extendedPublicKeys must be a list of keys")
    if len(entries) != n:
        raise DescriptorError(
            f"Caravan wallet file: quorum says {n} signers but it lists {len(entries)} keys"
        )
    keys: list[tuple[Cosigner, bool]] = []
    for i, entry in enumerate(entries, 1):
        where = f"Caravan key {i}"
        xpub_text = entry.get("xpub")
        if not isinstance(xpub_text, str):
            raise DescriptorError(f"{where}: xpub is missing")
        xpub, is_main = normalise_xpub(xpub_text.strip())
        fingerprint, path = _origin(entry, where)
        keys.append((Cosigner(fingerprint, path, xpub), is_main))
    network = doc.get("network")
    if network is not None:
        if not isinstance(network, str) or network.lower() not in NETWORKS:
            raise DescriptorError(f"Caravan wallet file: unknown network {network!r}")
        if any(is_main != NETWORKS[network.lower()] for _, is_main in keys):
            raise DescriptorError(f"Caravan wallet file: the keys are not {network} keys")
    label = doc.get("name")
    if label is not None and not isinstance(label, str):
        raise DescriptorError("Caravan wallet file: name must be a text")
    return build_wallet(name or label, m, ADDRESS_TYPES[address_type.upper()], keys)
