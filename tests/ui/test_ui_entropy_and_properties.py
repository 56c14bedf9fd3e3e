"""Camera entropy for a new seed, hardware failures shown not crashed on, settings applied to the
hardware hook, share cards as a PDF, and property tests of the text and input building blocks."""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ui_driver import PASSWORD, Driver, FrameCamera, make_session, start, unlocked

from signer.keys import bip39
from ui import text, theme
from ui.app import App
from ui.events import Key
from ui.screen import Replace
from ui.screens.keyboard import TEXT_PAGES, Keyboard
from ui.screens.message import Message
from ui.screens.words import WordEntry


def test_camera_entropy_refuses_a_covered_lens_then_takes_a_scene(tmp_path: Path) -> None:
    camera = FrameCamera([np.zeros((480, 640, 3), dtype=np.uint8)])
    session = make_session(tmp_path, camera=camera)
    d = start(session)
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Create new seed")
    d.choose("12 words")
    d.choose("Add camera image")
    d.tick(2)
    d.press(Key.PRESS)
    assert d.title == "Camera entropy" and "uniform" in d.content().warnings[0][1]
    rng = np.random.default_rng(7)
    camera.show([rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)])
    d.tick(2)
    d.press(Key.PRESS)
    assert d.title == "Write the words down" and "mixed with your entropy" in d.content().extra["body"]


def test_a_failing_camera_is_reported(tmp_path: Path) -> None:
    def broken() -> None:
        raise OSError("camera unplugged")

    _, d = unlocked(tmp_path, camera=broken)
    d.choose("Scan")
    d.tick(3)
    assert d.title == "Camera stopped" and "OSError: camera unplugged" in d.text()
    d.choose("OK")
    assert d.title == "Airlock" and "Scan" in d.content().items


def test_a_failing_printer_is_reported(tmp_path: Path) -> None:
    def jammed(cards: list) -> None:  # type: ignore[type-arg]
        raise RuntimeError("paper jam")

    _, d = unlocked(tmp_path, printer=jammed)
    d.choose("Seeds")
    d.choose("main")
    d.choose("SLIP-39 backup")
    d.type_text(PASSWORD)  # the vault password again before a secret is shown
    d.choose("Continue")
    d.choose("2 of 3 shares")
    d.choose("Print all cards")
    assert d.title == "Not printed" and "paper jam" in d.text()


def test_brightness_goes_to_the_hardware_hook(tmp_path: Path) -> None:
    applied: list[dict] = []  # type: ignore[type-arg]
    _session, d = unlocked(tmp_path, apply_settings=applied.append)
    d.choose("Settings")
    d.choose("Brightness")
    d.choose("40%")
    assert applied[-1]["brightness"] == 40


def test_cards_pdf(tmp_path: Path) -> None:
    from ui_driver import ABANDON

    from signer.keys import slip39
    from signer.keys.seed import Bip39Seed
    from ui.cards import ShareInfo, save_pdf, share_card

    shares = slip39.split_bip39(Bip39Seed.from_mnemonic(ABANDON), slip39.SplitPlan.single(2, 3))[0]
    cards = [share_card(s.split(), ShareInfo.of(s, 3)) for s in shares]
    path = tmp_path / "_secret_inputs" / "cards.pdf"  # holds share words: a deliberate secret output
    path.parent.mkdir()
    save_pdf(cards, str(path))
    assert path.read_bytes().startswith(b"%PDF")
    assert path.read_bytes().count(b"/Type /Page\n") == len(cards)


# -- properties -------------------------------------------------------------------------------
PRINTABLE = "".join(sorted({c for page in TEXT_PAGES.values() for row in page for c in row} | {" "}))


@settings(max_examples=15, deadline=None)
@given(st.text(alphabet=PRINTABLE, max_size=12))
def test_keyboard_types_any_text(value: str) -> None:
    typed: list[str] = []
    driver = Driver(App(Keyboard("Label", lambda v: typed.append(v) or None, max_len=64)))
    driver.type_text(value)
    assert typed == [value]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(bip39.wordlist()), min_size=1, max_size=3))
def test_word_entry_takes_any_word(words: list[str]) -> None:
    entered: list[list[str]] = []

    def done(ws: list[str]) -> Replace:
        entered.append(ws)
        return Replace(Message("Done", "all words taken"))

    driver = Driver(App(WordEntry(lambda i: f"Word {i + 1}", bip39.wordlist(), len(words), done)))
    driver.enter_words(words)
    assert entered == [words]


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=string.ascii_letters + string.digits + " ", max_size=200),
    st.integers(min_value=60, max_value=224),
)
def test_wrap_keeps_every_character_and_fits(value: str, width: int) -> None:
    lines = text.wrap(value, width)
    assert all(text.width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == value.replace(" ", "")


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=80),
    st.integers(min_value=40, max_value=224),
)
def test_middle_ellipsis_fits_and_keeps_both_ends(value: str, width: int) -> None:
    shown = text.middle_ellipsize(value, width)
    if text.fits(value, width):
        assert shown == value
    else:
        assert text.width(shown) <= width or len(shown) <= 2
        if "…" in shown and not shown.endswith("…"):
            head, tail = shown.split("…")
            assert value.startswith(head) and value.endswith(tail)
    assert theme.CONTENT_W == 224
