"""A seed's page: fingerprint and kind, then its accounts, passphrase, words and SeedQR, backups;
rename or delete a stored seed, save or forget the temporary one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from signer.keys.seed import material_from_json
from signer.review import Severity
from ui import theme
from ui.flows import backups, export, multisig
from ui.flows.common import describe_kind, password_again
from ui.flows.seeds.accounts import accounts_menu
from ui.flows.seeds.label import label_keyboard, save_seed
from ui.flows.seeds.passphrase import passphrase_menu
from ui.flows.seeds.reveal import show_seedqr, show_words
from ui.screen import Action, Home, Pop, Push, Replace
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, confirm, error, info
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.keys.vault import SeedEntry
    from ui.session import Session


def seed_detail(session: Session, entry: SeedEntry) -> Menu:
    temporary = session.is_temporary(entry)

    def build(menu: Menu) -> None:
        menu.title = entry.label
        passphrase = " + passphrase" if session.has_passphrase(entry) else ""
        menu.header = [f"Fingerprint {session.fingerprint(entry)}", describe_kind(entry) + passphrase]
        items = [
            MenuItem("Export accounts", lambda: Push(export.choose_account(session, entry, "export"))),
            MenuItem("Addresses", lambda: Push(export.choose_account(session, entry, "addresses"))),
            MenuItem(
                "Accounts",
                lambda: Push(accounts_menu(session, entry, lambda: seed_detail(session, entry))),
            ),
            MenuItem("Multisig wallets", lambda: Push(multisig.wallets_menu(session, entry))),
            MenuItem("Passphrase", lambda: Push(passphrase_menu(session, entry))),
            MenuItem("Show words", lambda: show_words(session, entry)),
        ]
        if entry.kind == "bip39":
            items.append(MenuItem("Show SeedQR", lambda: show_seedqr(session, entry)))
        items.append(
            MenuItem(
                "SLIP-39 backup",
                lambda: Push(password_again(session, lambda: backups.split_start(session, entry))),
            )
        )
        if temporary:
            if session.vault is not None:
                items.append(MenuItem("Save to vault", lambda: Push(save_temporary(session, entry))))
            items.append(
                MenuItem(
                    "Forget seed",
                    lambda: Push(
                        confirm(
                            "Forget seed",
                            "Forget the temporary seed? It was never stored here.",
                            lambda: forget(session),
                            yes_label="Forget",
                        )
                    ),
                )
            )
        else:
            items += [
                MenuItem(
                    "Encrypted backup",
                    lambda: Push(password_again(session, lambda: backups.export_backup(session, [entry]))),
                ),
                MenuItem("Rename", lambda: Push(rename(session, entry))),
                MenuItem("Delete", lambda: Push(delete(session, entry)), colour=theme.DANGER),
            ]
        menu.items = items

    menu = Menu(entry.label, [], rebuild=build)
    build(menu)
    return menu


def shown_after_saving(session: Session) -> Callable[[SeedEntry], Action]:
    """Where a newly saved seed goes: its page, above the home menu."""
    return lambda entry: Home(then=seed_detail(session, entry))


def forget(session: Session) -> Action:
    session.forget_temp_seed()
    return Home()


def save_temporary(session: Session, entry: SeedEntry) -> Keyboard:
    def save(label: str) -> Action:
        copy = material_from_json(entry.kind, entry.material.to_json())  # the vault gets its own copy
        accounts = list(entry.accounts)
        session.forget_temp_seed()
        return save_seed(session, label, copy, accounts, shown_after_saving(session))

    return label_keyboard(session, save)


def rename(session: Session, entry: SeedEntry) -> Keyboard:
    def done(label: str) -> Action:
        if session.vault is None:
            return Push(error("Locked", "Unlock the vault first."))
        vault = session.vault
        return Replace(
            Working(
                "Renaming",
                "Saving the vault...",
                lambda: vault.rename(entry.label, label),
                lambda _: Pop(None),
                lambda exc: Replace(error("Not renamed", str(exc))),
            )
        )

    return label_keyboard(session, done, initial=entry.label, title="New label")


def delete(session: Session, entry: SeedEntry) -> Message:
    def typed(value: str) -> Action:
        if session.vault is None:
            return Push(error("Locked", "Unlock the vault first."))
        vault = session.vault

        def job() -> None:
            vault.delete(entry.label, value)

        return Replace(
            Working(
                "Deleting",
                "Saving the vault...",
                job,
                lambda _: Home(then=info("Deleted", f"{value} was deleted from the vault.")),
                lambda exc: Replace(error("Not deleted", str(exc))),
            )
        )

    def ask() -> Action:
        def same(value: str) -> str | None:
            return None if value == entry.label else "type the label exactly"

        return Replace(Keyboard("Type the label", typed, validate=same, max_len=64))

    body = (
        f"Delete {entry.label} ({entry.fingerprint}) from the vault? Without a backup of its words or "
        "shares its funds are lost. You will type the label to confirm."
    )
    return confirm("Delete seed", body, ask, yes_label="Delete", severity=Severity.DANGER)
