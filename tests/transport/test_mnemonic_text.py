"""Mnemonic words as a plain text QR (SeedSigner, Krux): every BIP-39 length, spaces or line breaks,
any case, 4-letter prefixes; bad words, lengths and checksums refused with the specific errors and
never quoted; ordinary text is not taken for a broken seed."""

from __future__ import annotations

import pytest
from shared_vectors import cases

from signer.keys.bip39 import entropy_from_mnemonic
from signer.transport import mnemonic_text
from signer.transport.assembler import Assembler
from signer.transport.errors import TransportError

ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
LEGAL = "legal winner thank year wave sausage worth useful legal winner thank yellow"


def _english(data: dict) -> list[tuple[str, list[str]]]:
    return [(f"{len(row[1].split())}w-{n}", row) for n, row in enumerate(data["english"])]


@pytest.mark.parametrize("row", cases("bip39/trezor-python-mnemonic-vectors.json", _english))
def test_trezor_vectors_read_as_text(row: list[str]) -> None:
    """Every English vector (12 to 24 words), as typed, one word a line, upper case, 4-letter form."""
    entropy_hex, words = row[0], row[1]
    short = " ".join(w[:4] for w in words.split())
    for text in (words, "\n".join(words.split()), words.upper(), short, short.upper() + "\n"):
        assembler = Assembler()
        status = assembler.add(text)
        assert status.complete, status.reason
        payload = assembler.result
        assert (payload.kind, payload.format, payload.type_label) == ("seed", "plain", "mnemonic")
        assert payload.data.hex() == entropy_hex
        assert payload.is_secret and "content hidden" in repr(payload) + repr(payload.obj)
        assert words.split()[1] not in repr(payload) + repr(payload.obj) + status.describe()


def test_mixed_full_and_prefix_words_and_odd_spacing() -> None:
    words = LEGAL.split()
    text = "  " + "\r\n".join(w if n % 2 else w[:4].upper() for n, w in enumerate(words)) + " \t"
    decoded = mnemonic_text.decode(text)
    assert decoded.entropy == entropy_from_mnemonic(LEGAL) and decoded.abbreviated


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(" ".join(["abandon"] * 12), "checksum does not match", id="checksum"),
        pytest.param(" ".join(["aban"] * 12), "checksum does not match", id="checksum-prefixes"),
        pytest.param(ABANDON + " abandon", "has 12, 15, 18, 21 or 24 words; this one has 13", id="13-words"),
        pytest.param(" ".join(ABANDON.split()[:11]), "this one has 11", id="11-words"),
        pytest.param(ABANDON.replace("about", "aboot"), "word 12 is not in the BIP-39 English", id="typo"),
        pytest.param(
            ABANDON.replace("about", "abou").replace("abandon", "abnd", 1),
            "word 1 is not in the BIP-39",
            id="bad-prefix",
        ),
    ],
)
def test_bad_words_are_refused_with_the_specific_error(text: str, reason: str) -> None:
    assembler = Assembler()
    status = assembler.add(text)
    assert status.outcome == "garbage" and reason in (status.reason or "")
    assert "abandon" not in (status.reason or "") and "aboot" not in status.describe()
    with pytest.raises(TransportError, match=reason) as caught:
        mnemonic_text.decode(text)
    assert "aban" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("the quick brown fox jumps over the lazy dog and then runs far away", id="sentence"),
        pytest.param("abandon ship", id="too-short"),
        pytest.param(" ".join(["abandon"] * 30), id="too-long"),
        pytest.param(ABANDON.replace("about", "ab0ut"), id="digit"),
        pytest.param("1. abandon 2. abandon 3. abandon 4. abandon 5. abandon 6. abandon", id="numbered"),
    ],
)
def test_other_text_is_not_a_mnemonic(text: str) -> None:
    assert not mnemonic_text.looks_like_mnemonic(text)
    assert Assembler().add(text).reason == "not an Airlock request: plain text"
