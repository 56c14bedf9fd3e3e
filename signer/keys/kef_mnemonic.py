"""Krux encrypted mnemonics: a BIP-39 seed into and out of a KEF envelope, so a seed moves between
Krux and Airlock in either direction.

Krux encrypts the mnemonic's entropy (16 to 32 bytes) with the wallet fingerprint as the default
ID, its PBKDF2 setting (100,000) plus a random delta of up to 10%, and AES-GCM (version 20) unless
told otherwise; its QR code holds the envelope as base43 text (binary for the legacy versions 0
and 1). Airlock writes exactly that. Reading is tolerant: any KEF version, any of the encodings in
``kef_text``, and the mnemonic as entropy or as words.

The decrypted entropy lives in a bytearray only until it is wrapped in ``SecretBytes``; the
``bytes`` the AES library hands back cannot be wiped (Python's limit, see ``secret.py``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from signer.keys import kef, kef_text
from signer.keys.bip39 import ENTROPY_BYTES
from signer.keys.errors import KefError, MnemonicError, WrongPassword
from signer.keys.secret import SecretBytes
from signer.keys.seed import Bip39Seed, SeedMaterial
from signer.transport import base43

DEFAULT_ROUNDS = 100_000
ROUNDS_DELTA = 10_000  # as Krux: up to 10% more, so one password gives another key each time
MIN_PASSWORD = 8


@dataclass
class KefMnemonic:
    material: Bip39Seed
    envelope: kef.Envelope

    @property
    def label_hint(self) -> str:
        """The envelope's ID when it makes a good seed label (Krux's default is the fingerprint)."""
        text = self.envelope.id_text
        return text if 0 < len(text) <= 40 and not text.startswith("0x") else ""


def inspect(raw: bytes) -> kef.Envelope:
    """What the person is shown before typing the password: ID, version, key rounds."""
    found = kef_text.candidates(raw)
    if not found:
        kef_text.diagnose(raw)
    return kef.unwrap(found[0])


def read_mnemonic(raw: bytes, password: str) -> KefMnemonic:
    """The seed inside a Krux encrypted QR code (or file). WrongPassword, KefError or
    UnsupportedVersion say what went wrong; nothing is kept on failure."""
    found = kef_text.candidates(raw)
    if not found:
        kef_text.diagnose(raw)
    for blob in found:
        envelope = kef.unwrap(blob)
        try:
            plain = kef.decrypt(envelope, password)
        except WrongPassword:
            continue
        try:
            return KefMnemonic(_material(plain), envelope)
        finally:
            plain[:] = bytes(len(plain))
    raise WrongPassword(kef.WRONG_PASSWORD)


def _material(plain: bytearray) -> Bip39Seed:
    if plain and all(0x20 <= b < 0x7F or b in (0x09, 0x0A, 0x0D) for b in plain):
        try:
            return Bip39Seed.from_mnemonic(plain.decode("ascii"))
        except MnemonicError:
            raise KefError("the Krux encrypted QR opened, but its text is not a BIP-39 mnemonic") from None
    if len(plain) in ENTROPY_BYTES.values():
        return Bip39Seed(SecretBytes(plain))
    raise KefError(
        f"the Krux encrypted QR opened, but its {len(plain)} bytes are no BIP-39 mnemonic "
        "(it may hold a passphrase, a wallet descriptor or a note)"
    )


def export_mnemonic(
    material: SeedMaterial,
    password: str,
    id_text: str,
    *,
    version: int = kef.DEFAULT_VERSION,
    rounds: int | None = None,
) -> bytes:
    """A KEF envelope of ``material``'s entropy that a Krux loads with ``password``."""
    if not isinstance(material, Bip39Seed):
        raise KefError(
            "a Krux encrypted QR holds BIP-39 words; this seed is a SLIP-39 wallet (back it up as shares)"
        )
    if len(password) < MIN_PASSWORD:
        raise KefError(f"the password must have at least {MIN_PASSWORD} characters")
    id_ = id_text.strip().encode("utf-8")
    if not id_ or len(id_) > kef.MAX_ID or not id_text.strip().isprintable():
        raise KefError(f"the ID must be 1 to {kef.MAX_ID} bytes of printable text")
    if rounds is None:
        rounds = DEFAULT_ROUNDS + secrets.randbelow(ROUNDS_DELTA)
    entropy = bytearray(material.entropy.reveal())
    try:
        return kef.encrypt(bytes(entropy), password, id_, version=version, rounds=rounds)
    finally:
        entropy[:] = bytes(len(entropy))


def qr_content(envelope: bytes) -> str | bytes:
    """What the QR code holds, as Krux shows it: base43 text, or the raw bytes for versions 0 and 1."""
    version = kef.unwrap(envelope).version
    return envelope if version in (0, 1) else base43.encode(envelope)
