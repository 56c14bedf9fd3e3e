"""Seed material from a scanned code: SeedQR, words as text and ur:crypto-seed; SLIP-39 share cards.

The codes go through the real assembler, as the camera's content does on the device.
"""

from __future__ import annotations

import pytest

from signer.keys import slip39
from signer.keys.seed import Slip39Seed, bip39_from_payload
from signer.keys.slip39 import SplitPlan
from signer.transport import dcbor
from signer.transport.assembler import Assembler
from signer.transport.payload import Payload
from signer.transport.ur import UR, encode_single

# SeedSigner's SeedQR walk-through example (docs/seed_qr/README.md)
SPEC_WORDS = "vacuum bridge buddy supreme exclude milk consider tail expand wasp pattern nuclear"
SPEC_DIGITS = "192402220235174306311124037817700641198012901210"
SPEC_ENTROPY = bytes.fromhex("f0837875ecf4ef190bd6ea503ef2854b")


def scanned(content: str | bytes) -> Payload:
    assembler = Assembler()
    assembler.add(content)
    return assembler.result


def crypto_seed(entropy: bytes) -> str:
    return encode_single(UR("crypto-seed", dcbor.dumps({1: entropy})))


@pytest.mark.parametrize(
    "content",
    [SPEC_DIGITS, SPEC_ENTROPY, SPEC_WORDS, crypto_seed(SPEC_ENTROPY)],
    ids=["standard SeedQR", "compact SeedQR", "words as text", "ur:crypto-seed"],
)
def test_each_seed_code_gives_its_bip39_seed(content: str | bytes) -> None:
    seed = bip39_from_payload(scanned(content))
    assert seed is not None and seed.mnemonic() == SPEC_WORDS


@pytest.mark.parametrize("size", [1, 15, 17, 33, 64])
def test_a_crypto_seed_of_no_word_count_is_not_a_bip39_seed(size: int) -> None:
    assert bip39_from_payload(scanned(crypto_seed(bytes(range(size))))) is None


def _share() -> list[str]:
    return slip39.split_native(Slip39Seed.generate(), SplitPlan.single(2, 3))[0][0].split()


def test_a_share_cards_code_gives_the_shares_words() -> None:
    words = _share()
    assert slip39.share_in_qr(" ".join(words).encode()) == words
    assert slip39.share_in_qr(" ".join(words).upper().encode()) == words  # as some scanners return it


@pytest.mark.parametrize(
    "change",
    [
        lambda words: words[:-1],  # 19 words: no share length
        lambda words: [*words[:-1], "bitcoin"],  # a word not in the SLIP-39 list
        lambda words: [*words[:-1], "caf\u00e9"],  # not ASCII
    ],
    ids=["short", "unknown word", "not ascii"],
)
def test_anything_else_is_not_a_share(change: object) -> None:
    content = " ".join(change(_share())).encode()  # type: ignore[operator]
    assert slip39.share_in_qr(content) is None
