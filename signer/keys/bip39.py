"""BIP-39 mnemonics: generation from the OS CSPRNG (optionally mixed with person-supplied
entropy), checking with specific errors, and mnemonic -> BIP-32 seed (with passphrase).

embit's word list is imported when first needed: the device starts without it."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from functools import lru_cache

from signer.keys.errors import MnemonicError, UnknownWord
from signer.keys.secret import SecretBytes

WORD_COUNTS = (12, 15, 18, 21, 24)
ENTROPY_BYTES = {12: 16, 15: 20, 18: 24, 21: 28, 24: 32}


@lru_cache(maxsize=1)
def wordlist() -> tuple[str, ...]:
    from embit.wordlists.bip39 import WORDLIST

    return tuple(WORDLIST)


@lru_cache(maxsize=1)
def _index() -> dict[str, int]:
    return {w: i for i, w in enumerate(wordlist())}


def closest_words(word: str, limit: int = 3) -> list[str]:
    """Words from the list a mistyped ``word`` most likely meant (prefix matches first)."""
    import difflib  # only for a word that is not in the list

    word = word.lower()
    by_prefix = [w for w in wordlist() if w.startswith(word[:4])] if len(word) >= 3 else []
    close = difflib.get_close_matches(word, wordlist(), n=limit, cutoff=0.6)
    seen: list[str] = []
    for w in [*close, *by_prefix]:
        if w not in seen:
            seen.append(w)
    return seen[:limit]


def complete(prefix: str) -> list[str]:
    """Every word starting with ``prefix`` (for on-screen word entry)."""
    prefix = prefix.lower()
    return [w for w in wordlist() if w.startswith(prefix)]


def normalize(mnemonic: str | list[str]) -> list[str]:
    text = mnemonic if isinstance(mnemonic, str) else " ".join(mnemonic)
    return unicodedata.normalize("NFKD", text).lower().split()


def entropy_from_mnemonic(mnemonic: str | list[str]) -> bytes:
    """Check a mnemonic and return its entropy. Errors name the exact problem (never the phrase)."""
    words = normalize(mnemonic)
    if len(words) not in WORD_COUNTS:
        raise MnemonicError(f"a BIP-39 mnemonic has 12, 15, 18, 21 or 24 words; this one has {len(words)}")
    index = _index()
    for pos, word in enumerate(words, start=1):
        if word not in index:
            raise UnknownWord(f"word {pos} is not in the BIP-39 English list", pos, closest_words(word))
    bits = "".join(format(index[w], "011b") for w in words)
    n_checksum = len(words) // 3
    entropy = int(bits[:-n_checksum], 2).to_bytes(ENTROPY_BYTES[len(words)], "big")
    expected = format(hashlib.sha256(entropy).digest()[0], "08b")[:n_checksum]
    if bits[-n_checksum:] != expected:
        raise MnemonicError(
            "checksum does not match: one word is wrong or two are swapped (every word is in the list)"
        )
    return entropy


def mnemonic_from_entropy(entropy: bytes) -> str:
    if len(entropy) not in ENTROPY_BYTES.values():
        raise MnemonicError(f"BIP-39 entropy is 16, 20, 24, 28 or 32 bytes, not {len(entropy)}")
    checksum_bits = len(entropy) * 8 // 32
    value = (int.from_bytes(entropy, "big") << checksum_bits) | (
        hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    )
    n_words = (len(entropy) * 8 + checksum_bits) // 11
    words = wordlist()
    return " ".join(words[(value >> (11 * (n_words - 1 - i))) & 0x7FF] for i in range(n_words))


def is_valid(mnemonic: str | list[str]) -> bool:
    try:
        entropy_from_mnemonic(mnemonic)
    except MnemonicError:
        return False
    return True


def generate_entropy(words: int = 24, extra_entropy: bytes | None = None) -> SecretBytes:
    """Fresh entropy for a ``words``-word mnemonic from the OS CSPRNG.

    Person-supplied entropy (dice rolls, camera frame bytes) is mixed in with SHA-256 over the
    CSPRNG output and it: it can only add unpredictability, never replace the CSPRNG.
    """
    if words not in ENTROPY_BYTES:
        raise MnemonicError(f"choose 12, 15, 18, 21 or 24 words, not {words}")
    n = ENTROPY_BYTES[words]
    system = os.urandom(32)
    if not extra_entropy:
        return SecretBytes(system[:n])
    mixed = hashlib.sha256(b"airlock/entropy-mix/v1" + system + hashlib.sha256(extra_entropy).digest())
    return SecretBytes(mixed.digest()[:n])


def mnemonic_to_seed(mnemonic: str | list[str], passphrase: str = "") -> bytes:
    """The 64-byte BIP-32 seed (PBKDF2-HMAC-SHA512, 2048 rounds, NFKD as BIP-39 says)."""
    words = " ".join(normalize(mnemonic))
    salt = "mnemonic" + unicodedata.normalize("NFKD", passphrase)
    return hashlib.pbkdf2_hmac("sha512", words.encode(), salt.encode(), 2048)
