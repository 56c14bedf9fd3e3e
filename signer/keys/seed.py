"""Seed material: what a stored seed is, and how it becomes a BIP-32 seed.

Two kinds, recorded in the vault:
- ``bip39``: the mnemonic's entropy; BIP-32 seed = PBKDF2(mnemonic, "mnemonic" + passphrase).
- ``slip39``: a native SLIP-39 wallet, stored as Trezor stores it: the *encrypted* master secret
  with its identifier, extendable flag and iteration exponent. The passphrase decrypts it into
  the master secret, which is the BIP-32 seed. Any later split gives shares of the same wallet.

shamir-mnemonic is imported where a SLIP-39 secret is used: the vault opens without it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from signer.keys import bip39
from signer.keys.errors import MnemonicError
from signer.keys.secret import SecretBytes

if TYPE_CHECKING:
    from shamir_mnemonic import EncryptedMasterSecret

    from signer.transport.payload import Payload

KINDS = ("bip39", "slip39")


@dataclass(eq=False)
class Bip39Seed:
    entropy: SecretBytes
    kind: str = "bip39"

    @classmethod
    def from_mnemonic(cls, mnemonic: str | list[str]) -> Bip39Seed:
        return cls(SecretBytes(bip39.entropy_from_mnemonic(mnemonic)))

    def mnemonic(self) -> str:
        return bip39.mnemonic_from_entropy(self.entropy.reveal())

    @property
    def word_count(self) -> int:
        return len(self.entropy) * 3 // 4

    def bip32_seed(self, passphrase: str = "") -> bytes:
        return bip39.mnemonic_to_seed(self.mnemonic(), passphrase)

    def to_json(self) -> dict[str, Any]:
        return {"entropy": self.entropy.reveal().hex()}

    def wipe(self) -> None:
        self.entropy.wipe()

    def __repr__(self) -> str:
        return f"<Bip39Seed {self.word_count} words>"


@dataclass(eq=False)
class Slip39Seed:
    ems: SecretBytes  # encrypted master secret (the SLIP-39 "EMS")
    identifier: int
    extendable: bool
    iteration_exponent: int
    kind: str = "slip39"

    @classmethod
    def generate(
        cls,
        strength_bits: int = 128,
        extendable: bool = True,
        iteration_exponent: int = 1,
        passphrase: str = "",
    ) -> Slip39Seed:
        """A new native SLIP-39 wallet (master secret from the OS CSPRNG)."""
        if strength_bits not in (128, 256):
            raise MnemonicError("a SLIP-39 master secret is 128 or 256 bits")
        from shamir_mnemonic import EncryptedMasterSecret
        from shamir_mnemonic.constants import ID_LENGTH_BITS

        master = os.urandom(strength_bits // 8)
        identifier = int.from_bytes(os.urandom(2), "big") & ((1 << ID_LENGTH_BITS) - 1)
        ems = EncryptedMasterSecret.from_master_secret(
            master, passphrase.encode(), identifier, extendable, iteration_exponent
        )
        return cls.from_ems(ems)

    @classmethod
    def from_ems(cls, ems: EncryptedMasterSecret) -> Slip39Seed:
        return cls(SecretBytes(ems.ciphertext), ems.identifier, ems.extendable, ems.iteration_exponent)

    def to_ems(self) -> EncryptedMasterSecret:
        from shamir_mnemonic import EncryptedMasterSecret

        return EncryptedMasterSecret(
            self.identifier, self.extendable, self.iteration_exponent, self.ems.reveal()
        )

    def bip32_seed(self, passphrase: str = "") -> bytes:
        return self.to_ems().decrypt(passphrase.encode())

    def to_json(self) -> dict[str, Any]:
        return {
            "ems": self.ems.reveal().hex(),
            "identifier": self.identifier,
            "extendable": self.extendable,
            "iteration_exponent": self.iteration_exponent,
        }

    def wipe(self) -> None:
        self.ems.wipe()

    def __repr__(self) -> str:
        return f"<Slip39Seed {len(self.ems) * 8} bits id={self.identifier}>"


SeedMaterial = Bip39Seed | Slip39Seed


def material_from_json(kind: str, data: dict[str, Any]) -> SeedMaterial:
    """A stored seed record back as material; ValueError for anything out of range (callers report
    the record as malformed without quoting it)."""
    if kind == "bip39":
        entropy = bytes.fromhex(data["entropy"])
        if len(entropy) not in bip39.ENTROPY_BYTES.values():
            raise ValueError("BIP-39 entropy has a wrong length")
        return Bip39Seed(SecretBytes(entropy))
    if kind == "slip39":
        ems = bytes.fromhex(data["ems"])
        identifier, exponent = int(data["identifier"]), int(data["iteration_exponent"])
        # SLIP-39: a 128..256-bit even-length secret, a 15-bit identifier, a 4-bit iteration exponent
        if not (16 <= len(ems) <= 32 and len(ems) % 2 == 0):
            raise ValueError("SLIP-39 secret has a wrong length")
        if not (0 <= identifier < 2**15 and 0 <= exponent < 16):
            raise ValueError("SLIP-39 parameters are out of range")
        return Slip39Seed(SecretBytes(ems), identifier, bool(data["extendable"]), exponent)
    raise ValueError(f"unknown seed kind {kind!r}")


def bip39_from_payload(payload: Payload) -> Bip39Seed | None:
    """The BIP-39 seed a scanned ``seed`` payload holds, or None when it holds no BIP-39 entropy.

    SeedQR and words as text carry the entropy itself; ur:crypto-seed carries it in its payload field
    (which may be any 1 to 64 bytes, not only the entropy of 12 to 24 words)."""
    entropy = getattr(payload.obj, "payload", None) if payload.format == "ur" else payload.data
    if not isinstance(entropy, bytes) or len(entropy) not in bip39.ENTROPY_BYTES.values():
        return None
    return Bip39Seed(SecretBytes(entropy))
