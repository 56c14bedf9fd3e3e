"""Settings: one menu item per setting of ``ui.settings.SETTINGS``, its chooser, and About."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from signer.errors import AirlockError
from ui import about, settings, text
from ui.screen import Action, Pop, Push
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error
from ui.screens.pickers import Checklist

if TYPE_CHECKING:
    from ui.screen import Screen
    from ui.session import Session
    from ui.settings import Setting


def settings_menu(session: Session) -> Menu:
    def build(menu: Menu) -> None:
        menu.items = [_item(session, menu, spec) for spec in settings.SETTINGS]
        if session.find_update is not None:
            menu.items.append(MenuItem("Update Airlock", lambda: _update(session)))
        menu.items.append(MenuItem("About", lambda: Push(about_screen(session))))
        if session.vault is None:
            menu.header = ["Not saved: no vault is unlocked."]

    menu = Menu("Settings", [], rebuild=build)
    build(menu)
    return menu


def _update(session: Session) -> Action:
    from ui.flows import update

    return update.update_item_action(session)


def _item(session: Session, menu: Menu, spec: Setting) -> MenuItem:
    detail = spec.shown(session.setting(spec.key))
    if spec.kind is settings.Kind.ON_OFF:
        return MenuItem(spec.label, lambda: toggle(session, menu, spec), detail=detail)
    return MenuItem(spec.label, lambda: Push(chooser(session, spec)), detail=detail)


def chooser(session: Session, spec: Setting) -> Screen:
    """Where a setting's value is picked: a menu of its choices, or a list to tick for several."""
    current = session.setting(spec.key)
    if spec.kind is settings.Kind.SOME_OF:
        return Checklist(
            spec.title,
            [spec.describe(c) for c in spec.choices],
            {i for i, c in enumerate(spec.choices) if c in current},
            lambda picked: _set(session, spec.key, [spec.choices[i] for i in sorted(picked)]),
            header=[spec.help],
        )
    items = [
        MenuItem(
            spec.describe(c), partial(_set, session, spec.key, c), detail="current" if c == current else ""
        )
        for c in spec.choices
    ]
    menu = Menu(spec.title, items, header=[spec.help])
    menu.selected = spec.choices.index(current) if current in spec.choices else 0
    return menu


def _set(session: Session, key: str, value: Any) -> Action:
    try:
        session.set_setting(key, value)
    except AirlockError as exc:
        return Push(error("Not saved", str(exc)))
    return Pop(None)


def toggle(session: Session, menu: Menu, spec: Setting) -> Action | None:
    try:
        session.set_setting(spec.key, not session.setting(spec.key))
    except AirlockError as exc:
        return Push(error("Not saved", str(exc)))
    menu.refresh()
    return None


def about_screen(session: Session) -> Message:
    fingerprint = about.code_fingerprint()
    lines = [
        f"Airlock {session.version or about.version()}",
        f"Code SHA-256: {text.chunked(fingerprint, 8)}",
        f"Risk library: {about.risk_library_version()}",
        "Compare the code hash with the one published for your release.",
    ]
    return Message("About", "\n".join(lines))
