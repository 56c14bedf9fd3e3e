"""The Coldcard multisig setup file (``Name: / Policy: M of N / Derivation: / Format: / XFP: xpub``)
that Coldcard, Sparrow, Specter, Nunchuk, Caravan's Coldcard export and others write.

As on Coldcard, a file without a ``Format:`` line is legacy P2SH, and a ``Derivation:`` line applies
to the keys that follow it.
"""

from __future__ import annotations

import re

from signer.btc.errors import DescriptorError
from signer.btc.multisig import (
    Cosigner,
    MultisigWallet,
    ScriptType,
    build_wallet,
    normalise_xpub,
    parse_path_text,
)

FORMATS = {
    "P2WSH": ScriptType.P2WSH,
    "P2SH-P2WSH": ScriptType.P2SH_P2WSH,
    "P2WSH-P2SH": ScriptType.P2SH_P2WSH,
    "P2SH_P2WSH": ScriptType.P2SH_P2WSH,
    "P2SH": ScriptType.P2SH,
}
_XFP = re.compile(r"[0-9a-fA-F]{8}")


def is_coldcard_text(text: str) -> bool:
    return re.search(r"^\s*Policy\s*:", text, re.MULTILINE | re.IGNORECASE) is not None


def parse_coldcard_text(text: str, name: str | None = None) -> MultisigWallet:
    fields: dict[str, str] = {}
    keys: list[tuple[Cosigner, bool]] = []
    derivation: tuple[int, ...] | None = None
    for lineno, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        label, sep, value = line.partition(":")
        if not sep:
            raise DescriptorError(f"line {lineno}: expected 'Label: value'")
        label, value = label.strip(), value.strip()
        low = label.lower()
        if low == "derivation":
            derivation = parse_path_text(value, f"line {lineno}")
        elif low in ("name", "policy", "format"):
            if low in fields:
                raise DescriptorError(f"line {lineno}: {label} given twice")
            fields[low] = value
        elif _XFP.fullmatch(label):
            if derivation is None:
                raise DescriptorError(f"line {lineno}: key for {label} comes before any Derivation: line")
            xpub, is_main = normalise_xpub(value)
            keys.append((Cosigner(bytes.fromhex(label), derivation, xpub), is_main))
        else:
            raise DescriptorError(f"line {lineno}: unknown field {label!r}")
    # ASCII digits only (\d would read other scripts' digits as these), few enough for int()
    policy = re.fullmatch(r"([0-9]{1,3})\s*(?:of|/)\s*([0-9]{1,3})", fields.get("policy", ""), re.IGNORECASE)
    if not policy:
        raise DescriptorError("wallet text needs a 'Policy: M of N' line")
    m, n = int(policy.group(1)), int(policy.group(2))
    if n != len(keys):
        raise DescriptorError(f"policy says {n} cosigners but the text lists {len(keys)} keys")
    fmt = fields.get("format", "P2SH").upper()
    if fmt not in FORMATS:
        raise DescriptorError(f"unknown wallet format {fmt!r} (expected P2WSH, P2SH-P2WSH or P2SH)")
    return build_wallet(name or fields.get("name"), m, FORMATS[fmt], keys)
