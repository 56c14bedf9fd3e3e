"""The seed list: each seed with its fingerprint, and a way to add one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.flows.seeds.add import add_seed_menu
from ui.flows.seeds.detail import seed_detail
from ui.screen import Push, pushes
from ui.screens.menu import Menu, MenuItem

if TYPE_CHECKING:
    from ui.session import Session


def seed_list(session: Session) -> Menu:
    def build(menu: Menu) -> None:
        menu.items = [
            MenuItem(s.label, pushes(seed_detail, session, s), detail=session.fingerprint(s))
            for s in session.seeds()
        ]
        menu.items.append(
            MenuItem("Add a seed", lambda: Push(add_seed_menu(session, temporary=session.vault is None)))
        )

    menu = Menu("Seeds", [], rebuild=build)
    build(menu)
    return menu
