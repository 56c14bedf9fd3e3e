"""Settings: networks offered, QR density and speed, auto-lock, camera, brightness, about."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signer.keys.errors import VaultError
from ui import about, settings, text
from ui.screen import Action, Pop, Push
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error
from ui.screens.pickers import Checklist

if TYPE_CHECKING:
    from ui.session import Session


def settings_menu(session: Session) -> Menu:
    def build(menu: Menu) -> None:
        s = session.settings
        menu.items = [
            MenuItem("Networks", lambda: Push(networks(session)), detail=",".join(s["networks"])),
            MenuItem(
                "QR density",
                lambda: Push(
                    choice(session, "qr_density", "QR density", settings.DENSITY_CHOICES, describe_density)
                ),
                detail=describe_density(s["qr_density"]),
            ),
            MenuItem(
                "QR speed",
                lambda: Push(
                    choice(
                        session,
                        "qr_frame_ms",
                        "Time per frame",
                        settings.FRAME_MS_CHOICES,
                        lambda v: f"{v} ms",
                    )
                ),
                detail=f"{s['qr_frame_ms']} ms",
            ),
            MenuItem(
                "Auto-lock",
                lambda: Push(
                    choice(
                        session,
                        "auto_lock_s",
                        "Lock after idle",
                        settings.AUTO_LOCK_CHOICES,
                        settings.describe_seconds,
                    )
                ),
                detail=settings.describe_seconds(s["auto_lock_s"]),
            ),
            MenuItem(
                "Camera rotation",
                lambda: Push(
                    choice(
                        session,
                        "camera_rotation",
                        "Camera rotation",
                        settings.ROTATION_CHOICES,
                        lambda v: f"{v} deg",
                    )
                ),
                detail=f"{s['camera_rotation']} deg",
            ),
            MenuItem(
                "Camera mirror",
                lambda: toggle_mirror(session, menu),
                detail="on" if s["camera_mirror"] else "off",
            ),
            MenuItem(
                "Brightness",
                lambda: Push(
                    choice(
                        session, "brightness", "Brightness", settings.BRIGHTNESS_CHOICES, lambda v: f"{v}%"
                    )
                ),
                detail=f"{s['brightness']}%",
            ),
            MenuItem("About", lambda: Push(about_screen(session))),
        ]
        if session.vault is None:
            menu.header = ["Not saved: no vault is unlocked."]

    menu = Menu("Settings", [], rebuild=build)
    build(menu)
    return menu


def describe_density(value: int) -> str:
    return ("sparse", "normal", "dense", "densest")[value]


def _set(session: Session, key: str, value: Any) -> Action:
    try:
        session.set_setting(key, value)
    except VaultError as exc:
        return Push(error("Not saved", str(exc)))
    return Pop(None)


def choice(
    session: Session, key: str, title: str, values: tuple[Any, ...], describe: Callable[[Any], str]
) -> Menu:
    current = session.setting(key)
    items = [
        MenuItem(describe(v), lambda v=v: _set(session, key, v), detail="current" if v == current else "")
        for v in values
    ]
    menu = Menu(title, items)
    menu.selected = values.index(current) if current in values else 0
    return menu


def toggle_mirror(session: Session, menu: Menu) -> Action | None:
    try:
        session.set_setting("camera_mirror", not session.setting("camera_mirror"))
    except VaultError as exc:
        return Push(error("Not saved", str(exc)))
    menu.refresh()
    return None


def networks(session: Session) -> Checklist:
    current = session.setting("networks")
    labels = list(settings.NETWORK_CHOICES)
    return Checklist(
        "Bitcoin networks",
        labels,
        {labels.index(n) for n in current},
        lambda picked: _set(session, "networks", [labels[i] for i in sorted(picked)]),
    )


def about_screen(session: Session) -> Message:
    fingerprint = about.code_fingerprint()
    lines = [
        f"Airlock {session.version or about.version()}",
        f"Code SHA-256: {text.chunked(fingerprint, 8)}",
        f"Risk library: {about.risk_library_version()}",
        "Compare the code hash with the one published for your release.",
    ]
    return Message("About", "\n".join(lines))
