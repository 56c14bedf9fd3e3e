"""A seed's passphrase: set for this session (never stored), or cleared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.screen import Action, Push, Replace
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import info

if TYPE_CHECKING:
    from signer.keys.vault import SeedEntry
    from ui.session import Session


def passphrase_menu(session: Session, entry: SeedEntry) -> Menu:
    def build(menu: Menu) -> None:
        menu.header = ["A passphrase makes another wallet", "from the same words. It is not stored."]
        menu.items = [MenuItem("Set passphrase", lambda: Push(passphrase_entry(session, entry)))]
        if session.has_passphrase(entry):
            menu.items.append(MenuItem("Clear passphrase", lambda: clear_passphrase(session, entry)))

    menu = Menu("Passphrase", [], rebuild=build)
    build(menu)
    return menu


def passphrase_entry(session: Session, entry: SeedEntry) -> Keyboard:
    def done(value: str) -> Action:
        session.set_passphrase(entry, value)
        fp = session.fingerprint(entry)
        return Replace(
            info(
                "Passphrase set",
                f"With this passphrase the fingerprint is {fp}. Check that it "
                "matches your wallet; a typo gives another, empty wallet.",
            )
        )

    keyboard = Keyboard("Passphrase", done, secret=True, max_len=100)
    keyboard.secret_fingerprint = entry.fingerprint
    return keyboard


def clear_passphrase(session: Session, entry: SeedEntry) -> Action:
    session.set_passphrase(entry, "")
    return Push(info("Passphrase cleared", f"The fingerprint is {entry.fingerprint} again."))
