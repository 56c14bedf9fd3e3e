"""Wallet files in the shapes real coordinators write, built for test seeds.

The shapes follow the exporters' own code and fixtures: Specter Desktop's wallet export
(``label``, ``blockheight``, ``descriptor`` with ``/0/*`` keys, ``devices``), Caravan's wallet
configuration (``quorum``, ``addressType``, ``extendedPublicKeys`` with ``bip32Path``/``xfp``/
``method``; Sparrow writes ``P2SH_P2WSH``), the Coldcard setup text, and BIP-129's BSMS 1.0
descriptor record (template keys ending in ``/**``, path restrictions, first address).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from embit.bip32 import HDKey
from embit.bip39 import mnemonic_to_seed
from embit.descriptor.checksum import checksum
from embit.networks import NETWORKS

H = 0x80000000
WRAP = {"p2wsh": "wsh({})", "p2sh-p2wsh": "sh(wsh({}))", "p2sh": "sh({})"}
SCRIPT_NUMBER = {"p2wsh": 2, "p2sh-p2wsh": 1}
CARAVAN_TYPE = {"p2wsh": "P2WSH", "p2sh-p2wsh": "P2SH-P2WSH", "p2sh": "P2SH"}
COLDCARD_FORMAT = {"p2wsh": "P2WSH", "p2sh-p2wsh": "P2SH-P2WSH", "p2sh": "P2SH"}


@dataclass(frozen=True)
class Key:
    fingerprint: str
    path: tuple[int, ...]
    xpub: str

    @property
    def path_text(self) -> str:
        return "m/" + "/".join(f"{i - H}'" if i >= H else str(i) for i in self.path)

    def expression(self, suffix: str = "/<0;1>/*", hardened: str = "h") -> str:
        path = "".join(f"/{i - H}{hardened}" if i >= H else f"/{i}" for i in self.path)
        return f"[{self.fingerprint}{path}]{self.xpub}{suffix}"


def account_path(script_type: str, network: str = "test") -> tuple[int, ...]:
    coin = 0 if network == "main" else 1
    if script_type == "p2sh":
        return (45 + H,)  # BIP-45, where legacy P2SH multisig keys live (Coldcard, Caravan)
    return (48 + H, coin + H, H, SCRIPT_NUMBER[script_type] + H)


def cosigner(mnemonic: str, script_type: str = "p2wsh", network: str = "test") -> Key:
    root = HDKey.from_seed(mnemonic_to_seed(mnemonic))
    path = account_path(script_type, network)
    version = NETWORKS["main" if network == "main" else "test"]["xpub"]
    return Key(root.my_fingerprint.hex(), path, root.derive(list(path)).to_public().to_base58(version))


def descriptor(keys: list[Key], m: int, script_type: str = "p2wsh", suffix: str = "/<0;1>/*") -> str:
    body = WRAP[script_type].format(f"sortedmulti({m},{','.join(k.expression(suffix) for k in keys)})")
    return f"{body}#{checksum(body)}"


def specter_json(keys: list[Key], m: int, script_type: str = "p2wsh", label: str = "Family vault") -> str:
    body = WRAP[script_type].format(
        "sortedmulti({},{})".format(m, ",".join(k.expression("/0/*", hardened="'") for k in keys))
    )
    doc = {
        "label": label,
        "blockheight": 2_583_391,
        "descriptor": f"{body}#{checksum(body)}",
        "devices": [{"type": "other", "label": f"Key {i}"} for i in range(1, len(keys) + 1)],
    }
    return json.dumps(doc, indent=2)


def caravan_json(
    keys: list[Key | tuple[str, str | None, str | None]],
    m: int,
    script_type: str = "p2wsh",
    network: str = "testnet",
    name: str = "Family vault",
    address_type: str | None = None,
) -> str:
    """Caravan's configuration; a key given as (xpub, bip32Path, xfp) keeps those fields as written."""
    entries = []
    for i, key in enumerate(keys, 1):
        if isinstance(key, Key):
            entry = {"name": f"Key {i}", "bip32Path": key.path_text, "xpub": key.xpub, "xfp": key.fingerprint}
            entry["method"] = "text"
        else:
            xpub, path, xfp = key
            entry = {"name": f"Key {i}", "xpub": xpub, "method": "text"}
            if path is not None:
                entry["bip32Path"] = path
            if xfp is not None:
                entry["xfp"] = xfp
        entries.append(entry)
    doc = {
        "name": name,
        "addressType": address_type or CARAVAN_TYPE[script_type],
        "network": network,
        "client": {"type": "public"},
        "quorum": {"requiredSigners": m, "totalSigners": len(keys)},
        "extendedPublicKeys": entries,
        "startingAddressIndex": 0,
    }
    return json.dumps(doc, indent=2)


def coldcard_text(
    keys: list[Key], m: int, script_type: str | None = "p2wsh", name: str = "Family vault"
) -> str:
    lines = ["# Coldcard Multisig setup file (exported by Sparrow)", "#", f"Name: {name}"]
    lines += [f"Policy: {m} of {len(keys)}", f"Derivation: {keys[0].path_text}"]
    if script_type is not None:
        lines.append(f"Format: {COLDCARD_FORMAT[script_type]}")
    lines.append("")
    lines += [f"{k.fingerprint.upper()}: {k.xpub}" for k in keys]
    return "\n".join(lines) + "\n"


def bsms_record(keys: list[Key], m: int, first_address: str, script_type: str = "p2wsh") -> str:
    expressions = ",".join(k.expression("/**", hardened="'") for k in keys)
    template = WRAP[script_type].format(f"sortedmulti({m},{expressions})")
    return f"BSMS 1.0\n{template}\n/0/*,/1/*\n{first_address}\n"
