"""Specter Desktop's wallet export: ``{"label", "blockheight", "descriptor", "devices"}``.

Older exports call the descriptor ``recv_descriptor`` and the label ``name``; ``devices`` (labels of
the cosigner devices, in key order) and ``blockheight`` (where to rescan from) are not needed to
sign and are only checked for shape.
"""

from __future__ import annotations

from typing import Any

from signer.btc.errors import DescriptorError
from signer.btc.multisig import MultisigWallet, parse_descriptor


def is_specter_json(doc: dict[str, Any]) -> bool:
    return "descriptor" in doc or "recv_descriptor" in doc


def parse_specter_json(doc: dict[str, Any], name: str | None = None) -> MultisigWallet:
    descriptor = doc.get("descriptor", doc.get("recv_descriptor"))
    if not isinstance(descriptor, str):
        raise DescriptorError("Specter wallet file: 'descriptor' must be a text")
    label = doc.get("label", doc.get("name"))
    if label is not None and not isinstance(label, str):
        raise DescriptorError("Specter wallet file: 'label' must be a text")
    height = doc.get("blockheight")
    if height is not None and (not isinstance(height, int) or isinstance(height, bool) or height < 0):
        raise DescriptorError("Specter wallet file: 'blockheight' must be a block number")
    devices = doc.get("devices")
    if devices is not None and not isinstance(devices, list):
        raise DescriptorError("Specter wallet file: 'devices' must be a list")
    wallet = parse_descriptor(descriptor, name or label)
    if devices and len(devices) != wallet.n:
        raise DescriptorError(
            f"Specter wallet file lists {len(devices)} devices for {wallet.n} cosigner keys"
        )
    return wallet
