"""Krux encrypted QR codes (KEF): load a seed from one (Add a seed > Krux encrypted QR) and show a
seed as one (Backups > Krux encrypted QR), so a Krux user can move either way.

Loading asks, as Krux does, before the password: the code's ID, version and key rounds are shown
first. Making one asks the password twice. The envelope work is the signer's
(``signer.keys.kef_mnemonic``); this only routes and draws.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from signer.errors import AirlockError
from signer.keys import kef_mnemonic
from signer.keys.errors import KefError, NotKef, UnsupportedVersion, WrongPassword
from ui import exports
from ui.flows.common import new_password, password_again
from ui.screen import Action, Home, Push, Replace
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error
from ui.screens.qr import QrDisplay
from ui.screens.scan import ScanScreen
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.keys.kef_mnemonic import KefMnemonic
    from signer.keys.seed import SeedMaterial
    from signer.keys.vault import SeedEntry
    from ui.session import Session

TITLE = "Krux encrypted QR"
Keep = Callable[["SeedMaterial", "str | None"], Action]  # the seed loaded, and the code's label hint


# -- loading ------------------------------------------------------------------------------------
def scan(session: Session, keep: Keep) -> ScanScreen:
    """Scan a Krux encrypted QR, then its password; ``keep`` gets the seed it holds."""

    def raw(content: bytes) -> Action | None:
        try:
            envelope = kef_mnemonic.inspect(content)
        except NotKef:
            return None  # another code: the scan screen says what it holds
        except (KefError, UnsupportedVersion) as exc:
            if content[:3].lower() == b"ur:" or content[:2] == b"B$":
                return None  # a part of an animated code of another kind
            return Replace(error("Cannot read", str(exc)))
        body = f"{envelope.describe()}. Enter its password to load the seed it holds."
        return Replace(Message(TITLE, body, buttons=[("Password", lambda: Push(password(content, keep)))]))

    return ScanScreen(
        session,
        "Scan Krux QR",
        lambda payload: None,  # never called: ``expect`` turns every other kind away with a message
        expect=frozenset(),
        expect_label="a Krux encrypted QR",
        on_raw=raw,
        secret=True,
    )


def password(content: bytes, keep: Keep) -> Keyboard:
    def attempt(value: str) -> Action:
        def failed(exc: AirlockError) -> Action:
            keyboard.value = ""
            if isinstance(exc, WrongPassword):
                return Replace(
                    error("Wrong password", "That password does not open this Krux QR. Try again.")
                )
            return Replace(error("Not loaded", str(exc)))

        def opened(found: KefMnemonic) -> Action:
            return keep(found.material, found.label_hint or None)

        return Push(
            Working(
                TITLE, "Decrypting...", lambda: kef_mnemonic.read_mnemonic(content, value), opened, failed
            )
        )

    keyboard = Keyboard("Krux password", attempt, mask=True, max_len=128)
    return keyboard


# -- making one ---------------------------------------------------------------------------------
def export_start(session: Session) -> Action:
    """A seed's words leave the device here: the vault password first, as for words and shares."""
    seeds = session.seeds()

    def gated(entry: SeedEntry) -> Action:
        return Push(password_again(session, lambda: export_intro(session, entry)))

    if len(seeds) == 1:
        return gated(seeds[0])
    items = [MenuItem(s.label, partial(gated, s), detail=session.fingerprint(s)) for s in seeds]
    return Push(Menu("Which seed?", items))


def export_intro(session: Session, entry: SeedEntry) -> Message:
    if entry.kind != "bip39":
        return error(
            "Not possible",
            "A Krux encrypted QR holds BIP-39 words; this seed is a SLIP-39 wallet. "
            "Back it up as SLIP-39 shares.",
        )
    fingerprint = entry.fingerprint  # without the passphrase, as Krux names the code by default
    body = (
        f"The words of {entry.label}, encrypted with a password into a QR code that Krux loads (ID "
        f"{fingerprint}, AES-GCM). Choose a strong password: the code is only as safe as it."
    )
    return Message(
        TITLE, body, buttons=[("Continue", lambda: Replace(_password(session, entry, fingerprint)))]
    )


def _password(session: Session, entry: SeedEntry, fingerprint: str) -> Keyboard:
    def make(value: str) -> Action:
        return Replace(
            Working(
                TITLE,
                "Encrypting the words...",
                lambda: kef_mnemonic.export_mnemonic(entry.material, value, fingerprint),
                lambda blob: Replace(shown(session, blob, fingerprint)),
                lambda exc: Replace(error("No QR code", str(exc))),
            )
        )

    return new_password("Krux password", make, what="password")


def shown(session: Session, blob: bytes, fingerprint: str) -> QrDisplay:
    """The code as Krux shows it: one QR code of the envelope's base43 text."""
    content = kef_mnemonic.qr_content(blob)
    assert isinstance(content, str)  # Airlock writes version 20, which Krux shows as base43 text
    return QrDisplay(
        TITLE,
        [("Krux", exports.text_encoder(content))],
        density=session.setting("qr_density"),
        frame_ms=session.setting("qr_frame_ms"),
        caption=f"ID {fingerprint}, AES-GCM",
        on_done=lambda: Home(),
    )
