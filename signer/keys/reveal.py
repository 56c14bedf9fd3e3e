"""Showing a stored seed's secret again: its words or its SeedQR, behind the vault password.

What there is to show depends on the seed. A BIP-39 seed has its words, and a SeedQR when it has
12 or 24 words (SeedQR has no other lengths). A native SLIP-39 wallet has no BIP-39 words at all:
its backup is a set of SLIP-39 shares, made again from the stored wallet.

Before any of it is shown the vault password is asked again (``PasswordGate``): a device left
unlocked must not hand its words to whoever picks it up. After ``MAX_ATTEMPTS`` wrong passwords the
gate stays closed and the caller locks the vault.
"""

from __future__ import annotations

import io
from enum import StrEnum
from typing import TYPE_CHECKING

from signer.keys.errors import NothingToShow
from signer.keys.seed import Bip39Seed, SeedMaterial
from signer.transport import seedqr
from signer.transport.frames import qr_matrix, render_qr

if TYPE_CHECKING:
    from PIL.Image import Image

    from signer.keys.vault import Vault

MAX_ATTEMPTS = 3
SEEDQR_WORDS = (12, 24)


class SeedQrFormat(StrEnum):
    STANDARD = "standard"  # each word's index as 4 digits (QR numeric mode)
    COMPACT = "compact"  # the raw entropy (QR byte mode)


def words_of(material: SeedMaterial) -> list[str]:
    """The BIP-39 words of a stored seed (a secret: show them, never log them)."""
    if not isinstance(material, Bip39Seed):
        raise NothingToShow(
            "a native SLIP-39 wallet has no BIP-39 words or SeedQR: its backup is a set of SLIP-39 "
            "shares, which can be made again from it"
        )
    return material.mnemonic().split()


def seedqr_content(material: SeedMaterial, fmt: SeedQrFormat) -> str | bytes:
    """What the SeedQR symbol holds: digits (standard, a str) or the entropy (compact, bytes)."""
    words = words_of(material)
    if len(words) not in SEEDQR_WORDS:
        raise NothingToShow(f"a SeedQR holds 12 or 24 words and this seed has {len(words)}; show its words")
    return seedqr.encode_standard(words) if fmt is SeedQrFormat.STANDARD else seedqr.encode_compact(words)


def seedqr_image(material: SeedMaterial, fmt: SeedQrFormat, *, canvas_px: int | None = None) -> Image:
    """The SeedQR as SeedSigner draws it (ECC L, the smallest version; numeric or byte mode) in a PIL
    image: ``canvas_px`` square with the biggest modules that fit, else 8-pixel modules."""
    content = seedqr_content(material, fmt)
    if canvas_px is None:
        return render_qr(content, ecc="L", module_px=8)
    modules = qr_matrix(content, ecc="L").shape[0] + 2 * 4  # with the standard quiet zone
    return render_qr(content, ecc="L", module_px=canvas_px // modules, canvas_px=canvas_px)


def seedqr_png(material: SeedMaterial, fmt: SeedQrFormat) -> bytes:
    """The SeedQR as PNG file bytes (a secret: write them only with ``atomic_write``, mode 0600)."""
    buffer = io.BytesIO()
    seedqr_image(material, fmt).save(buffer, format="PNG")
    return buffer.getvalue()


class PasswordGate:
    """The vault password asked again before a secret is shown; closed for good after
    ``MAX_ATTEMPTS`` wrong answers (then lock the vault)."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self.failures = 0

    @property
    def closed(self) -> bool:
        return self.failures >= MAX_ATTEMPTS

    @property
    def attempts_left(self) -> int:
        return max(0, MAX_ATTEMPTS - self.failures)

    def check(self, password: str) -> bool:
        if self.closed:
            return False
        if self._vault.verify_password(password):
            return True
        self.failures += 1
        return False

    def __repr__(self) -> str:
        return f"<PasswordGate {self.failures} wrong>"
