"""The root screens: the network warning, the home menu (unlocked), the locked menu, and the
first-start welcome.

Each flow module is imported the first time a person opens it, in the small route functions at the
end: the first frame needs only this module, and the flows (seeds alone is some forty modules)
would add about a third to the start-up time (``python -m bench startup``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from signer import netcheck
from signer.review import Severity
from ui.screen import Action, Home, Push, Replace
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, confirm

if TYPE_CHECKING:
    from ui.session import Session


def network_warning(session: Session) -> Message:
    """The first screen while network hardware is present: connected (an interface is up) or only
    present (all down), said as such; it must be acknowledged."""
    found = netcheck.exposure(session.interfaces)
    assert found is not None  # shown only when there are interfaces
    if found.up:
        title = "Network detected"
        body = (
            f"This device is connected: {_names(found.up)} {'is' if len(found.up) == 1 else 'are'} up. "
            "An air-gapped signer should have no network: secrets on a connected device may leak. "
            "Remove the network hardware or use the Airlock image."
        )
        if found.down:
            body += f" Also present, down: {_names(found.down)}."
    else:
        title = "Network hardware found"
        body = (
            f"This device has network hardware: {_names(found.down)} (down). It is not connected now, "
            "but it could be, and an air-gapped signer should have none. Remove it or use the Airlock "
            "image, which has no network drivers."
        )

    def accept() -> Action:
        session.network_acknowledged = True
        return Home()

    return Message(title, body, severity=found.severity, back=False, buttons=[("I understand", accept)])


def show_network_banner(menu: Menu, session: Session) -> None:
    """The network banner at the top of a root menu: red when an interface is up, amber when network
    hardware is only present; none on an air-gapped device."""
    found = netcheck.exposure(session.interfaces)
    menu.banner = found.banner if found is not None else None
    menu.banner_severity = found.severity if found is not None else Severity.DANGER


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def home_menu(session: Session) -> Menu:
    def build(menu: Menu) -> None:
        count = len(session.seeds())
        items = [
            MenuItem("Scan", lambda: _scan(session)),
            MenuItem("Seeds", lambda: _seeds(session), detail=str(count)),
            MenuItem("Backups", lambda: _backups(session)),
            MenuItem("Settings", lambda: _settings(session)),
            MenuItem("Lock", lambda: _lock(session)),
        ]
        if not count:
            items[1] = MenuItem("Add a seed", lambda: _add_seed(session, temporary=session.vault is None))
            items.pop(2)
        if session.vault is None and session.vault_state().kind == "ok":
            items.insert(len(items) - 1, MenuItem("Unlock vault", lambda: _unlock(session)))
        menu.items = items
        menu.header = [] if session.vault is not None else ["Temporary seed only: nothing is stored"]
        show_network_banner(menu, session)

    menu = Menu("Airlock", [], back=False, rebuild=build)
    build(menu)
    return menu


def locked_menu(session: Session) -> Menu:
    items = [
        MenuItem("Unlock", lambda: _unlock(session)),
        MenuItem("Temporary seed", lambda: _add_seed(session, temporary=True)),
        MenuItem("About", lambda: _about(session)),
    ]
    menu = Menu("Airlock", items, back=False, header=["Locked"])
    show_network_banner(menu, session)
    return menu


def storage_unavailable(session: Session, reason: str) -> Message:
    """The root screen when the vault's storage cannot keep a vault (no vault partition on the card):
    no vault is created or opened, so nothing is ever kept in memory as if it were saved."""
    reason = reason.strip().rstrip(".")
    body = (
        f"{reason[:1].upper()}{reason[1:]}. Airlock cannot save seeds, so it will not create or open a "
        "vault. Write the Airlock image to the card again, then restart. A temporary seed still works: "
        "it is never saved."
    )
    return Message(
        "Vault storage unavailable",
        body,
        severity=Severity.DANGER,
        back=False,
        buttons=[("Temporary seed", lambda: _add_seed(session, temporary=True))],
    )


def welcome(session: Session) -> Menu:
    def temporary() -> Action:
        body = (
            "Use a seed without storing anything: it is kept only until the device locks or powers off. "
            "You will enter it again next time."
        )
        return Push(
            confirm(
                "Stateless use",
                body,
                lambda: _add_seed(session, temporary=True, replace=True),
                yes_label="Continue",
                no_label="Back",
            )
        )

    items = [
        MenuItem("Set up a vault", lambda: _create_vault(session)),
        MenuItem("Temporary seed", temporary),
        MenuItem("About", lambda: _about(session)),
    ]
    menu = Menu(
        "Welcome to Airlock",
        items,
        back=False,
        header=["Keeps your seeds encrypted here", "and signs offline, by QR code."],
    )
    show_network_banner(menu, session)
    return menu


# -- routes: each imports its flow on first use (see the module docstring) -----------------------
def _scan(session: Session) -> Action:
    from ui.flows import sign

    return Push(sign.scan_anything(session))


def _seeds(session: Session) -> Action:
    from ui.flows import seeds

    return Push(seeds.seed_list(session))


def _add_seed(session: Session, *, temporary: bool, replace: bool = False) -> Action:
    from ui.flows import seeds

    menu = seeds.add_seed_menu(session, temporary=temporary)
    return Replace(menu) if replace else Push(menu)


def _backups(session: Session) -> Action:
    from ui.flows import backups

    return Push(backups.backups_menu(session))


def _settings(session: Session) -> Action:
    from ui.flows import settings

    return Push(settings.settings_menu(session))


def _about(session: Session) -> Action:
    from ui.flows import settings

    return Push(settings.about_screen(session))


def _unlock(session: Session) -> Action:
    from ui.flows import vault

    return Push(vault.unlock(session))


def _lock(session: Session) -> Action:
    from ui.flows import vault

    return vault.lock(session)


def _create_vault(session: Session) -> Action:
    from ui.flows import seeds, vault

    return Push(vault.create_vault(session, lambda: seeds.add_seed_menu(session)))
