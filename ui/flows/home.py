"""The root screens: the home menu (unlocked), the locked menu, and the first-start welcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.flows.common import show_network_banner
from ui.screen import Action, Push, Replace
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import confirm

if TYPE_CHECKING:
    from ui.session import Session


def home_menu(session: Session) -> Menu:
    from ui.flows import backups, seeds, settings, sign, vault

    def build(menu: Menu) -> None:
        count = len(session.seeds())
        items = [
            MenuItem("Scan", lambda: Push(sign.scan_anything(session))),
            MenuItem("Seeds", lambda: Push(seeds.seed_list(session)), detail=str(count)),
            MenuItem("Backups", lambda: Push(backups.backups_menu(session))),
            MenuItem("Settings", lambda: Push(settings.settings_menu(session))),
            MenuItem("Lock", lambda: vault.lock(session)),
        ]
        if not count:
            items[1] = MenuItem(
                "Add a seed", lambda: Push(seeds.add_seed_menu(session, temporary=session.vault is None))
            )
            items.pop(2)
        if session.vault is None and session.vault_state().kind == "ok":
            items.insert(len(items) - 1, MenuItem("Unlock vault", lambda: Push(vault.unlock(session))))
        menu.items = items
        menu.header = [] if session.vault is not None else ["Temporary seed only: nothing is stored"]
        show_network_banner(menu, session)

    menu = Menu("Airlock", [], back=False, rebuild=build)
    build(menu)
    return menu


def locked_menu(session: Session) -> Menu:
    from ui.flows import seeds, settings, vault

    items = [
        MenuItem("Unlock", lambda: Push(vault.unlock(session))),
        MenuItem("Temporary seed", lambda: Push(seeds.add_seed_menu(session, temporary=True))),
        MenuItem("About", lambda: Push(settings.about_screen(session))),
    ]
    menu = Menu("Airlock", items, back=False, header=["Locked"])
    show_network_banner(menu, session)
    return menu


def welcome(session: Session) -> Menu:
    from ui.flows import seeds, settings, vault

    def create() -> Action:
        return Push(vault.create_vault(session, lambda: seeds.add_seed_menu(session)))

    def temporary() -> Action:
        body = (
            "Use a seed without storing anything: it is kept only until the device locks or powers off. "
            "You will enter it again next time."
        )
        return Push(
            confirm(
                "Stateless use",
                body,
                lambda: Replace(seeds.add_seed_menu(session, temporary=True)),
                yes_label="Continue",
                no_label="Back",
            )
        )

    items = [
        MenuItem("Set up a vault", create),
        MenuItem("Temporary seed", temporary),
        MenuItem("About", lambda: Push(settings.about_screen(session))),
    ]
    menu = Menu(
        "Welcome to Airlock",
        items,
        back=False,
        header=["Keeps your seeds encrypted here", "and signs offline, by QR code."],
    )
    show_network_banner(menu, session)
    return menu
