"""Checks on public-key text before it is classified: extended keys, key origins, descriptor checksums.

Wallets show an account as a bare xpub/ypub/zpub (or tpub/upub/vpub, Ypub/Zpub...), as a key expression
``[fingerprint/path]xpub``, or as a whole output descriptor, often with its BIP-380 checksum
``#xxxxxxxx``. A mistyped or altered one is refused here with the reason, rather than being taken for
a key and failing later with a vaguer message (or, for a single-key export, not at all).

embit is imported where key text is checked: the device starts without it.
"""

from __future__ import annotations

import re

from signer.transport.errors import TransportError

EXTENDED_PUBKEY = re.compile(r"(?<![0-9A-Za-z])[xyzYZtuvUV]pub[1-9A-HJ-NP-Za-km-z]{100,112}(?![0-9A-Za-z])")
_ORIGIN = re.compile(r"\[([^\[\]]*)\](?=[xyzYZtuvUV]pub|0[23][0-9a-fA-F]{64}|[0-9a-fA-F]{64})")
_ORIGIN_BODY = re.compile(r"[0-9a-fA-F]{8}(/[0-9]{1,10}['hH]?)*")
_CHECKSUM_CHARS = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_DESCRIPTOR_WITH_CHECKSUM = re.compile(r"([a-z_]+\(.*\))#(\S*)", re.DOTALL)


def check_key_text(text: str) -> None:
    """Refuse text whose extended keys, key origins or descriptor checksum are broken."""
    from embit import base58

    for number, match in enumerate(EXTENDED_PUBKEY.finditer(text), start=1):
        try:
            raw = base58.decode_check(match.group(0))
        except ValueError:
            raise TransportError(
                f"extended public key {number} fails its checksum: a character is mistyped or altered"
            ) from None
        if len(raw) != 78:
            raise TransportError(f"extended public key {number} has {len(raw)} bytes, not 78")
    for match in _ORIGIN.finditer(text):
        if not _ORIGIN_BODY.fullmatch(match.group(1)):
            raise TransportError(
                "a key origin is malformed: expected [fingerprint/path] as in [73c5da0a/84h/0h/0h]"
            )
    _check_descriptor_checksum(text.strip())


def _check_descriptor_checksum(text: str) -> None:
    from embit.descriptor.checksum import checksum
    from embit.descriptor.errors import DescriptorError

    match = _DESCRIPTOR_WITH_CHECKSUM.fullmatch(text)
    if match is None:
        return
    body, given = match.groups()
    if len(given) != 8 or any(c not in _CHECKSUM_CHARS for c in given):
        raise TransportError("the descriptor's checksum after '#' is not 8 checksum characters")
    try:
        expected = checksum(body)
    except DescriptorError:
        raise TransportError("the descriptor holds a character descriptors cannot contain") from None
    if expected != given:
        raise TransportError(f"descriptor checksum #{given} does not match: the text is mistyped or altered")
