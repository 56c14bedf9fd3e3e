"""Both secret screens (words, SeedQR) show their secret only while a reveal key is held, and hide it
after at most 30 s even when no release arrives."""

from __future__ import annotations

import pytest
from PIL import Image

from ui.events import Input, Key, Kind
from ui.screens.secret_qr import SecretQr
from ui.screens.secret_words import REVEAL_MAX_S, HeldSecret, SecretWords


def words() -> HeldSecret:
    return SecretWords("Words", ["alpha"] * 12, lambda: None)


def qr() -> HeldSecret:
    blank = lambda: Image.new("L", (240, 240), 255)  # noqa: E731 - a render callback
    return SecretQr("SeedQR", [("standard", blank)], secret_fingerprint=None)


@pytest.mark.parametrize("make", [words, qr], ids=["words", "seedqr"])
def test_shown_only_while_held_and_never_longer_than_the_limit(make) -> None:  # type: ignore[no-untyped-def]
    screen = make()
    assert not screen.revealed
    screen.on_tick(100.0)
    screen.on_input(Input(Key.PRESS, Kind.PRESS))
    assert screen.revealed
    screen.on_input(Input(Key.PRESS, Kind.HOLD, held=1.0))
    screen.on_tick(100.0 + REVEAL_MAX_S - 1)
    assert screen.revealed  # still held, within the limit
    screen.on_tick(100.0 + REVEAL_MAX_S + 1)
    assert not screen.revealed  # no release arrived: hidden anyway
    screen.on_input(Input(Key.KEY1, Kind.PRESS))
    assert screen.revealed
    screen.on_input(Input(Key.KEY1, Kind.RELEASE, held=0.5))
    assert not screen.revealed
    screen.on_input(Input(Key.PRESS, Kind.PRESS))
    screen.on_input(Input(Key.DOWN, Kind.PRESS))  # any other key hides it
    assert not screen.revealed
