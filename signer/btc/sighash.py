"""Signature hash types: the closed set a Bitcoin signature may commit with.

A base type (ALL, NONE, SINGLE) says which outputs the signature covers; the ANYONECANPAY flag drops
the other inputs. Taproot (BIP-341) adds DEFAULT, ALL without the trailing byte; segwit v0 and legacy
inputs (BIP-143 and before) accept the other six only.
"""

from __future__ import annotations

from enum import IntEnum


class Sighash(IntEnum):
    DEFAULT = 0
    ALL = 1
    NONE = 2
    SINGLE = 3
    ALL_ANYONECANPAY = 0x81
    NONE_ANYONECANPAY = 0x82
    SINGLE_ANYONECANPAY = 0x83

    @property
    def label(self) -> str:
        """The name people and the review JSON use: ``ALL``, ``SINGLE|ANYONECANPAY``."""
        return self.name.replace("_", "|")


ANYONECANPAY = 0x80
TAPROOT_SIGHASHES = frozenset(Sighash)
ECDSA_SIGHASHES = TAPROOT_SIGHASHES - {Sighash.DEFAULT}
_LABELS = {int(s): s.label for s in Sighash}


def sighash_name(value: int) -> str:
    """The label of a sighash type, or its hex value when it is none of them."""
    return _LABELS.get(value) or hex(value)
