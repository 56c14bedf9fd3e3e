from __future__ import annotations

import os

import pytest

from signer.keys import entropy
from signer.keys.errors import EntropyError


@pytest.mark.parametrize(("words", "rolls"), [(12, 50), (24, 99), (15, 62), (18, 75), (21, 87)])
def test_minimum_rolls_claim_the_full_entropy(words: int, rolls: int) -> None:
    assert entropy.MIN_ROLLS[words] == rolls
    # 99 rolls give 255.9 bits: Coldcard and SeedSigner round this to "256 bits", and so do we
    assert entropy.dice_entropy_bits("1" * rolls) >= words * 32 / 3 - 0.5
    assert entropy.dice_entropy_bits("1" * (rolls - 1)) < words * 32 / 3
    assert entropy.parse_dice("123456" * 20, words)[:rolls] == ("123456" * 20).encode()[:rolls]


def test_too_few_rolls_says_how_many() -> None:
    with pytest.raises(EntropyError, match="12 words need at least 50 dice rolls; 49 given"):
        entropy.parse_dice("1" * 49, 12)


def test_only_die_faces() -> None:
    with pytest.raises(EntropyError, match="'07'"):
        entropy.parse_dice("1234560" * 10 + "7", 12)


def test_spaces_are_ignored() -> None:
    assert entropy.parse_dice("1 2 3 4 5 6 " * 9, 12) == b"123456" * 9


def test_camera_frame_checks() -> None:
    with pytest.raises(EntropyError, match="too small"):
        entropy.camera_entropy(b"x" * 10)
    with pytest.raises(EntropyError, match="uniform"):
        entropy.camera_entropy(bytes(100_000))
    frame = os.urandom(50_000)
    assert entropy.camera_entropy(frame) == frame
