"""A few golden images guard the look of typical screens (compared with a small tolerance, since
font rasterisation may differ slightly between FreeType builds).

Regenerate after a deliberate change of the look: ``AIRLOCK_UPDATE_GOLDEN=1 pytest tests/ui``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from ui_driver import ABANDON

from signer.keys import bip39
from signer.review import ReviewWarning, Severity
from ui.screen import Screen
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message
from ui.screens.review import ReviewModel, ReviewScreen
from ui.screens.secret_words import SecretWords
from ui.screens.words import WordEntry

GOLDEN = Path(__file__).parent / "golden"
MEAN_TOLERANCE = 1.5  # mean absolute difference per channel, 0..255
PIXEL_TOLERANCE = 0.01  # share of pixels allowed to differ by more than 48


def _menu() -> Screen:
    items = [
        MenuItem(label, lambda: None, detail=d)
        for label, d in (("Scan", ""), ("Seeds", "2"), ("Backups", ""), ("Settings", ""), ("Lock", ""))
    ]
    return Menu("Airlock", items, back=False, banner="NETWORK UP: wlan0")


def _review() -> Screen:
    model = ReviewModel(
        "Bitcoin",
        [
            ("To (output 0)", "bc1q cr8t e4kr 609g cawu tmrz a0j4 xv80 jy8z 306f yu\n0.01000000 BTC"),
            ("Fee", "0.00001410 BTC (5.1 sat/vB)"),
        ],
        lambda accepted: None,
        warnings=[
            ReviewWarning("fee-high", Severity.DANGER, "The fee is 30% of the amount sent"),
            ReviewWarning("rbf", Severity.INFO, "RBF is on"),
        ],
        headline="Send 0.01000000 BTC",
    )
    return ReviewScreen(model)


def _keyboard() -> Screen:
    return Keyboard(
        "Vault password",
        lambda v: None,
        mask=True,
        initial="secret",
        status=lambda v: f"{len(v)} of at least 8 characters",
    )


def _words_hidden() -> Screen:
    return SecretWords("Words", ABANDON.split(), lambda: None)


def _word_entry() -> Screen:
    entry = WordEntry(lambda i: f"Word {i + 1} of 12", bip39.wordlist(), 12, lambda w: None)
    entry.prefix = "ab"
    return entry


def _danger() -> Screen:
    return Message(
        "Vault damaged",
        "The vault file is damaged: checksum mismatch. Nothing has been changed or deleted.",
        severity="danger",
        back=False,
        buttons=[("Options", lambda: None)],
    )


SCREENS: dict[str, Callable[[], Screen]] = {
    "menu": _menu,
    "review": _review,
    "keyboard": _keyboard,
    "words_hidden": _words_hidden,
    "word_entry": _word_entry,
    "danger": _danger,
}


def differs(a: Image.Image, b: Image.Image) -> str | None:
    if a.size != b.size:
        return f"size {a.size} != {b.size}"
    x = np.asarray(a.convert("RGB"), dtype=np.int16)
    y = np.asarray(b.convert("RGB"), dtype=np.int16)
    diff = np.abs(x - y)
    mean = float(diff.mean())
    share = float((diff.max(axis=2) > 48).mean())
    if mean > MEAN_TOLERANCE or share > PIXEL_TOLERANCE:
        return f"mean difference {mean:.2f}, {share:.1%} of pixels differ"
    return None


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_golden(name: str) -> None:
    image = SCREENS[name]().render()
    path = GOLDEN / f"{name}.png"
    if os.environ.get("AIRLOCK_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        image.save(path)
    assert path.exists(), f"no golden image {path.name}: run with AIRLOCK_UPDATE_GOLDEN=1 once"
    problem = differs(image, Image.open(path))
    assert problem is None, f"{name} looks different from its golden image: {problem}"


def test_the_comparison_notices_a_change() -> None:
    base = _menu().render()
    moved = _menu()
    moved.selected = 2  # the highlight on another row
    assert differs(base, base.copy()) is None
    assert differs(base, moved.render()) is not None
