"""How values are written for a person to read and compare on a small screen."""

from __future__ import annotations


def chunked(value: str, every: int = 4) -> str:
    """``bc1q cr8t e4kr …``: long addresses and fingerprints are read (and compared) in groups.
    A ``0x`` prefix stands apart, so an Ethereum address groups as ``0x 9858 EfFD …``."""
    if value[:2] in ("0x", "0X") and len(value) > 2:
        return value[:2] + " " + chunked(value[2:], every)
    return " ".join(value[i : i + every] for i in range(0, len(value), every))
