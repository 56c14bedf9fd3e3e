"""SeedQR (SeedSigner): a BIP-39 English mnemonic of 12 or 24 words in one QR code.

* Standard SeedQR: each word's index as 4 decimal digits, concatenated (48 or 96 digits, QR numeric
  mode). Its text may arrive as ``str`` or as ASCII ``bytes``.
* CompactSeedQR: the raw BIP-39 entropy (16 or 32 bytes, QR byte mode). Binary QR content must be
  passed as the exact ``bytes`` the symbol held (``frames.decode_qr_image`` does so); a ``str`` is
  never taken for a CompactSeedQR, because text decoding may have altered the bytes.

Spec: SeedSigner ``docs/seed_qr/README.md``. Everything here handles a secret: error messages and
reprs never contain words, digits or entropy.

embit's word list is imported where a SeedQR is read or made: the device starts without it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from signer.transport.errors import TransportError

WORD_COUNTS = (12, 24)
_ENTROPY_BYTES = {12: 16, 24: 32}
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, repr=False)
class SeedQR:
    """A decoded SeedQR. ``entropy`` is the BIP-39 entropy; ``words`` the English mnemonic."""

    entropy: bytes = field(repr=False)
    compact: bool

    def __repr__(self) -> str:
        kind = "CompactSeedQR" if self.compact else "SeedQR"
        return f"<{kind}: {self.word_count} words, content hidden>"

    @property
    def word_count(self) -> int:
        return len(self.entropy) * 3 // 4

    @property
    def words(self) -> tuple[str, ...]:
        from embit.bip39 import mnemonic_from_bytes

        return tuple(mnemonic_from_bytes(self.entropy).split())

    @property
    def mnemonic(self) -> str:
        return " ".join(self.words)


def _wordlist() -> Sequence[str]:
    from embit.wordlists.bip39 import WORDLIST

    return WORDLIST


def _words_of(mnemonic: str | Sequence[str]) -> list[str]:
    words = mnemonic.split() if isinstance(mnemonic, str) else list(mnemonic)
    if len(words) not in WORD_COUNTS:
        raise TransportError(f"SeedQR holds 12 or 24 words, not {len(words)}")
    return [w.lower() for w in words]


def _entropy_of_words(words: Sequence[str]) -> bytes:
    from embit.bip39 import mnemonic_to_bytes

    index = {w: i for i, w in enumerate(_wordlist())}
    if any(w not in index for w in words):
        raise TransportError("mnemonic has a word that is not in the BIP-39 English list")
    try:
        entropy: bytes = mnemonic_to_bytes(" ".join(words))
        return entropy
    except ValueError:
        # embit's message may quote a word: never let it through.
        raise TransportError("mnemonic fails the BIP-39 checksum") from None


def encode_standard(mnemonic: str | Sequence[str]) -> str:
    """The digit string of a Standard SeedQR (render it in QR numeric mode, ECC L)."""
    words = _words_of(mnemonic)
    _entropy_of_words(words)  # refuse a mnemonic with a bad checksum
    index = {w: i for i, w in enumerate(_wordlist())}
    return "".join(f"{index[w]:04d}" for w in words)


def encode_compact(mnemonic: str | Sequence[str]) -> bytes:
    """The entropy bytes of a CompactSeedQR (render them in QR byte mode, ECC L)."""
    return _entropy_of_words(_words_of(mnemonic))


def looks_like_seedqr(content: str | bytes) -> bool:
    """Cheap shape test: 48/96 ASCII digits, or 16/32 raw bytes. Does not validate the checksum."""
    if isinstance(content, bytes | bytearray):
        if len(content) in _ENTROPY_BYTES.values():
            return True
        return len(content) in (48, 96) and bytes(content).isdigit()
    return len(content) in (48, 96) and _DIGITS.fullmatch(content) is not None


def decode(content: str | bytes) -> SeedQR:
    """Decode a Standard SeedQR (digits, str or bytes) or a CompactSeedQR (16/32 bytes)."""
    if isinstance(content, bytes | bytearray):
        raw = bytes(content)
        if len(raw) in (48, 96) and raw.isdigit():
            return _decode_standard(raw.decode("ascii"))
        if len(raw) in (16, 32):
            return SeedQR(raw, compact=True)
        raise TransportError("not a SeedQR: expected 48 or 96 digits, or 16 or 32 bytes")
    text = content.strip()
    if _DIGITS.fullmatch(text) is None:
        raise TransportError("not a SeedQR: a Standard SeedQR holds only digits")
    return _decode_standard(text)


def _decode_standard(digits: str) -> SeedQR:
    if len(digits) not in (48, 96):
        raise TransportError(f"a Standard SeedQR holds 48 or 96 digits, not {len(digits)}")
    words_list = _wordlist()
    words = []
    for n in range(0, len(digits), 4):
        value = int(digits[n : n + 4])
        if value >= len(words_list):
            raise TransportError(f"SeedQR word {n // 4 + 1} has an index beyond the 2048-word list")
        words.append(words_list[value])
    return SeedQR(_entropy_of_words(words), compact=False)
