"""Captures never show secrets: secret screens are blanked unless the secret is the marked demo
seed's, and nothing is captured at all unless the session allows it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from ui_driver import ABANDON, ABANDON_FP, PASSWORD, make_session, start, unlocked

from ui.capture import blank_image, capture, safe_frame, should_blank
from ui.events import Key
from ui.screens.secret_words import SecretWords


def _show_share_words(d) -> None:  # type: ignore[no-untyped-def]
    d.choose("Seeds")
    d.choose("main")
    d.choose("SLIP-39 backup")
    d.type_text(PASSWORD)  # the vault password again before a secret is shown
    d.choose("Continue")
    d.choose("2 of 3 shares")
    d.choose("Share 1 of 3")
    d.choose("Show words")
    d.press(Key.PRESS)
    assert len(d.content().lines) == 6


def test_secret_screen_of_a_real_seed_is_blanked(tmp_path: Path) -> None:
    session, d = unlocked(tmp_path, capture_allowed=True)
    _show_share_words(d)
    frame = d.frame()
    assert should_blank(d.app.screen, session)
    shot = capture(d.app, session)
    assert shot is not None and np.array_equal(np.asarray(shot), np.asarray(blank_image()))
    assert not np.array_equal(np.asarray(frame), np.asarray(shot))


def test_demo_seed_secrets_may_be_captured(tmp_path: Path) -> None:
    session, d = unlocked(tmp_path, capture_allowed=True, demo_fingerprints=frozenset({ABANDON_FP}))
    _show_share_words(d)
    assert not should_blank(d.app.screen, session)
    shot = capture(d.app, session)
    assert shot is not None and np.array_equal(np.asarray(shot), np.asarray(d.frame()))


def test_vault_demo_flag_marks_the_demo_seed(tmp_path: Path) -> None:
    from ui_driver import KDF, PASSWORD

    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault

    vault = Vault.create(tmp_path / "device.vault", PASSWORD, KDF)
    vault.add_seed("DEMO", Bip39Seed.from_mnemonic(ABANDON), demo=True)
    vault.lock()
    session = make_session(tmp_path, capture_allowed=True)
    d = start(session)
    d.choose("Unlock")
    d.type_text(PASSWORD)
    d.choose("Seeds")
    d.choose("DEMO")
    d.choose("SLIP-39 backup")
    d.type_text(PASSWORD)  # the vault password again before a secret is shown
    d.choose("Continue")
    d.choose("2 of 3 shares")
    d.choose("Share 1 of 3")
    d.choose("Show words")
    assert not should_blank(d.app.screen, session)


def test_new_and_temporary_secrets_are_always_blanked(tmp_path: Path) -> None:
    session = make_session(tmp_path, capture_allowed=True, demo_fingerprints=frozenset({ABANDON_FP}))
    words = SecretWords("Words", ABANDON.split(), lambda: None)  # not yet stored: no fingerprint
    assert should_blank(words, session)
    assert safe_frame(words, session, words.render()).getpixel((120, 120)) == blank_image().getpixel(
        (120, 120)
    )


def test_password_keyboard_is_secret(tmp_path: Path) -> None:
    session = make_session(tmp_path, capture_allowed=True)
    d = start(session)
    d.choose("Set up a vault")
    assert should_blank(d.app.screen, session)


def test_no_capture_unless_allowed(tmp_path: Path) -> None:
    session, d = unlocked(tmp_path)
    assert capture(d.app, session) is None
    session.capture_allowed = True
    assert capture(d.app, session) is not None  # the home menu holds no secret
    assert not should_blank(d.app.screen, session)


def test_words_hide_again_without_a_release() -> None:
    from ui_driver import Driver

    from ui.app import App

    d = Driver(App(SecretWords("Words", ABANDON.split(), lambda: None)))
    d.press(Key.PRESS)
    assert len(d.content().lines) == 6
    d.tick(int(29 / 0.05))
    assert len(d.content().lines) == 6  # still held (no release came)
    d.tick(int(2 / 0.05))
    assert d.content().lines == [] and not d.content().extra["revealed"]


def test_unexpected_errors_show_their_type_only() -> None:
    from ui_driver import Driver

    from ui.app import App
    from ui.screens.working import Working

    def job() -> None:
        raise ValueError(ABANDON)  # a third-party error quoting a secret

    d = Driver(App(Working("Signing", "Signing...", job, lambda r: None)))
    d.frame()
    d.tick()
    assert d.title == "Signing" and "ValueError" in d.text() and "abandon" not in d.text()
