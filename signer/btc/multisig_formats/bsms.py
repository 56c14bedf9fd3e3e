"""BSMS 1.0 descriptor records (BIP-129, round 2), unencrypted::

    BSMS 1.0
    wsh(sortedmulti(2,[fp/48'/0'/0'/2']xpub.../**,...))      a descriptor, or a template with /**
    /0/*,/1/*                                               or "No path restrictions"
    bc1q...                                                 the wallet's first address

The template's ``/**`` stands for the path restrictions; only receive and change (``/0/*,/1/*``)
are accepted, which is what ``/<0;1>/*`` means everywhere else. BIP-129 makes the first address the
check that the record was not tampered with: it must be the address the descriptor gives at
receive index 0, or the record is refused.
"""

from __future__ import annotations

import re

from signer.btc.errors import DescriptorError
from signer.btc.multisig import MultisigWallet, descriptor_checksum, parse_descriptor
from signer.derivation import Network

VERSION = "BSMS 1.0"
NO_RESTRICTIONS = "no path restrictions"
RECEIVE_AND_CHANGE = "/0/*,/1/*"


def is_bsms(text: str) -> bool:
    return text.lstrip().upper().startswith("BSMS")


def is_encrypted_bsms(text: str) -> bool:
    """BIP-129's encrypted records are one hex string (MAC then ciphertext)."""
    stripped = text.strip()
    return len(stripped) > 64 and re.fullmatch(r"[0-9a-fA-F]+", stripped) is not None


def parse_bsms(text: str, name: str | None = None) -> MultisigWallet:
    lines = [ln.strip() for ln in text.strip().splitlines()]
    if lines[0] != VERSION:
        raise DescriptorError(f"BSMS record version {lines[0]!r} is not supported (expected {VERSION!r})")
    if len(lines) != 4:
        raise DescriptorError(
            f"a BSMS descriptor record has 4 lines (version, descriptor, path restrictions, first "
            f"address), not {len(lines)}"
        )
    _, descriptor, restrictions, first_address = lines
    restrictions = "".join(restrictions.split())
    if "/**" in descriptor:
        if restrictions != RECEIVE_AND_CHANGE:
            raise DescriptorError(
                f"BSMS path restrictions {lines[2]!r} are not supported; only /0/*,/1/* (receive and change)"
            )
        template, _, given = descriptor.partition("#")
        if given and descriptor_checksum(template) != given:
            raise DescriptorError(f"BSMS descriptor template checksum #{given} does not match")
        descriptor = template.replace("/**", "/<0;1>/*")
    elif restrictions.lower() != NO_RESTRICTIONS.replace(" ", ""):
        raise DescriptorError(
            f"BSMS path restrictions {lines[2]!r} need a descriptor template (keys ending in /**)"
        )
    wallet = parse_descriptor(descriptor, name)
    networks = (Network.MAIN,) if wallet.network_is_main else (Network.TEST, Network.REGTEST)
    expected = [wallet.address(0, 0, net) for net in networks]
    if not any(_same_address(first_address, a) for a in expected):
        raise DescriptorError(
            f"the BSMS record's first address {first_address} is not the descriptor's first address "
            f"({expected[0]}): the record was changed or belongs to another wallet"
        )
    return wallet


def _same_address(given: str, expected: str) -> bool:
    if expected.lower().startswith(("bc1", "tb1", "bcrt1")):
        return given.lower() == expected.lower() and given in (given.lower(), given.upper())
    return given == expected
