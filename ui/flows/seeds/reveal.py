"""A stored seed's secret on screen: its words, or its SeedQR, behind a caution and the vault
password, shown only while a key is held."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from signer.keys import reveal
from signer.keys.errors import NothingToShow
from signer.review import Severity
from ui import theme
from ui.flows import backups
from ui.flows.common import password_again
from ui.screen import Action, Pop, Push, Replace, Screen
from ui.screens.message import Message, info
from ui.screens.secret_qr import SecretQr
from ui.screens.secret_words import SecretWords

if TYPE_CHECKING:
    from signer.keys.vault import SeedEntry
    from ui.session import Session


def show_words(session: Session, entry: SeedEntry) -> Action:
    """A stored seed's words, shown a page at a time while a key is held (after the vault password)."""

    def screen() -> Screen:
        return SecretWords(
            "Words",
            reveal.words_of(entry.material),
            lambda: Pop(None),
            secret_fingerprint=entry.fingerprint,
            done_label="done",
        )

    return _show_secret(session, entry, "words", lambda: reveal.words_of(entry.material), screen)


def show_seedqr(session: Session, entry: SeedEntry) -> Action:
    """A stored seed's SeedQR (standard; KEY2 compact), shown while a key is held (after the password)."""

    def screen() -> Screen:
        codes = [
            (fmt.value, partial(reveal.seedqr_image, entry.material, fmt, canvas_px=theme.WIDTH))
            for fmt in reveal.SeedQrFormat
        ]
        return SecretQr("SeedQR", codes, secret_fingerprint=entry.fingerprint)

    return _show_secret(
        session,
        entry,
        "SeedQR",
        lambda: reveal.seedqr_content(entry.material, reveal.SeedQrFormat.STANDARD),
        screen,
    )


def _show_secret(
    session: Session,
    entry: SeedEntry,
    what: str,
    available: Callable[[], object],
    screen: Callable[[], Screen],
) -> Action:
    """A caution, the vault password again, then ``screen()``; a seed without ``what`` says what it
    has instead (a native SLIP-39 wallet: shares, made again behind the same password)."""
    try:
        available()
    except NothingToShow as exc:
        body = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        if entry.kind == "slip39":

            def shares() -> Action:
                return Replace(password_again(session, lambda: backups.split_start(session, entry)))

            return Push(Message(f"No {what}", body, buttons=[("Make shares", shares)]))
        return Push(info(f"No {what}", body))
    passphrase = " Your passphrase is not part of them." if session.has_passphrase(entry) else ""
    body = (
        f"Anyone who sees the {what} of {entry.label} can take its funds. Make sure no one and no "
        f"camera can see the screen. Hold PRESS to show them; let go to hide them.{passphrase}"
    )
    return Push(
        Message(
            f"Show {what}",
            body,
            severity=Severity.WARN,
            buttons=[("Continue", lambda: Replace(password_again(session, screen)))],
        )
    )
