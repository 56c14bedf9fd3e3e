"""BIP-39 mnemonic words as plain text in a QR code, as SeedSigner and Krux read them.

12, 15, 18, 21 or 24 English words separated by spaces or line breaks, in any case. Each word may be
written in full or as its first four letters (the BIP-39 English list is built so that four letters
name one word; SeedSigner reads such "4-letter mnemonic" QRs). The words are checked with the same
specific errors as typed words (count, which word is not in the list, checksum); the messages never
quote a word.

Text is only taken for a mnemonic when nearly every token is a list word, so an ordinary sentence is
not reported as a broken seed.

embit's word list is imported where text is checked for words: the device starts without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from signer.transport.errors import TransportError

PREFIX_LEN = 4
WORD_COUNTS = (12, 15, 18, 21, 24)
_MIN_TOKENS, _MAX_TOKENS = 11, 25  # one word missing or extra still reads as a (broken) mnemonic


@dataclass(frozen=True, repr=False)
class MnemonicText:
    """Decoded mnemonic text: ``entropy`` is the BIP-39 entropy. SECRET: the repr hides it."""

    entropy: bytes = field(repr=False)
    abbreviated: bool  # at least one word was given by its first four letters

    @property
    def word_count(self) -> int:
        return len(self.entropy) * 3 // 4

    def __repr__(self) -> str:
        return f"<MnemonicText: {self.word_count} words, content hidden>"


@lru_cache(maxsize=1)
def _by_prefix() -> dict[str, str]:
    return {word[:PREFIX_LEN]: word for word in _wordlist()}


def _wordlist() -> tuple[str, ...]:
    from embit.wordlists.bip39 import WORDLIST  # as seedqr.py: the transport layer needs no key code

    return tuple(WORDLIST)


def _full_word(token: str) -> str | None:
    """The list word ``token`` names (in full, or by its first four letters), else None."""
    token = token.lower()
    if token in _words():
        return token
    if len(token) == PREFIX_LEN:
        return _by_prefix().get(token)
    return None


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    return frozenset(_wordlist())


def looks_like_mnemonic(text: str) -> bool:
    """11..25 tokens of letters, all but at most one of them BIP-39 words (or their 4-letter prefixes)."""
    tokens = text.split()
    if not _MIN_TOKENS <= len(tokens) <= _MAX_TOKENS:
        return False
    if not all(t.isascii() and t.isalpha() for t in tokens):
        return False
    known = sum(1 for t in tokens if _full_word(t) is not None)
    return known >= len(tokens) - 1


def decode(text: str) -> MnemonicText:
    """Check the words and return the entropy; TransportError names the problem, never a word."""
    from embit import bip39

    tokens = text.split()
    words = [_full_word(t) or t.lower() for t in tokens]
    abbreviated = any(w != t.lower() for w, t in zip(words, tokens, strict=True))
    try:
        if len(words) not in WORD_COUNTS:
            problem = f"a BIP-39 mnemonic has 12, 15, 18, 21 or 24 words; this one has {len(words)}"
            raise TransportError(f"mnemonic words in this QR code: {problem}")
        for pos, word in enumerate(words, start=1):
            if word not in _words():
                problem = f"word {pos} is not in the BIP-39 English list"
                raise TransportError(f"mnemonic words in this QR code: {problem}")
        try:
            entropy = bip39.mnemonic_to_bytes(" ".join(words))
        except ValueError:
            raise TransportError(
                "mnemonic words in this QR code: checksum does not match: one word is wrong or two are "
                "swapped (every word is in the list)"
            ) from None
    finally:
        words.clear()
    return MnemonicText(entropy, abbreviated)
