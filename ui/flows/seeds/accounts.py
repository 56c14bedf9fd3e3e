"""A seed's accounts: list, export and addresses of each, its network, adding and removing."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from signer.derivation import Network
from signer.errors import AirlockError
from signer.keys.accounts import ETH_KINDS, AccountSpec
from ui.flows import export
from ui.flows.seeds.label import vault_change
from ui.screen import Action, Home, Pop, Push, Replace, Screen, pushes, replaces
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import confirm, error
from ui.screens.pickers import NumberPicker
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.keys.vault import SeedEntry
    from ui.session import Session

ACCOUNT_KINDS: tuple[tuple[str, str], ...] = (
    ("btc-84", "Native segwit (84)"),
    ("btc-86", "Taproot (86)"),
    ("btc-49", "Nested segwit (49)"),
    ("btc-44", "Legacy (44)"),
    ("btc-48-2", "Multisig key (48/2)"),
    ("btc-48-1", "Multisig key (48/1)"),
    ("eth", "Ethereum"),
    ("eth-ledger-live", "Ethereum Ledger Live"),
)


def accounts_menu(session: Session, entry: SeedEntry, seed_page: Callable[[], Screen]) -> Menu:
    """``seed_page`` makes the seed's page again, shown once an account is removed."""

    def build(menu: Menu) -> None:
        menu.items = [
            MenuItem(str(spec), pushes(account_actions, session, entry, spec, seed_page))
            for spec in entry.accounts
        ]
        menu.items.append(MenuItem("Add account", lambda: Push(add_account(session, entry))))

    menu = Menu("Accounts", [], rebuild=build)
    build(menu)
    return menu


def account_actions(
    session: Session, entry: SeedEntry, spec: AccountSpec, seed_page: Callable[[], Screen]
) -> Menu:
    items = [
        MenuItem("Export", lambda: Push(export.export_menu(session, entry, spec))),
        MenuItem("Addresses", lambda: export.addresses_for(session, entry, spec)),
    ]
    if spec.is_bitcoin:
        items.append(MenuItem("Network", lambda: Replace(network_menu(session, entry, spec))))
    items.append(
        MenuItem(
            "Remove",
            lambda: Push(
                confirm(
                    "Remove account",
                    f"Remove {spec} from this seed? Its funds stay safe; you can add it again.",
                    lambda: vault_change(
                        "Removing",
                        lambda: set_accounts(session, entry, [a for a in entry.accounts if a != spec]),
                        lambda _: Home(then=seed_page()),
                    ),
                    yes_label="Remove",
                )
            ),
        )
    )
    return Menu(str(spec), items)


def network_menu(session: Session, entry: SeedEntry, spec: AccountSpec) -> Menu:
    def choose(network: str) -> Action:
        changed = AccountSpec.parse(spec.kind, network, spec.index)
        accounts = [changed if a == spec else a for a in entry.accounts]
        if changed in entry.accounts:
            return Push(error("Already there", f"{changed} is already an account of this seed."))
        return vault_change("Saving", lambda: set_accounts(session, entry, accounts))

    networks = session.setting("networks")
    items = [
        MenuItem(n, partial(choose, n), detail="current" if n == spec.network else "") for n in networks
    ]
    return Menu("Network", items)


def add_account(session: Session, entry: SeedEntry) -> Menu:
    items = [
        MenuItem(label, partial(_account_network, session, entry, kind), detail=kind)
        for kind, label in ACCOUNT_KINDS
    ]
    return Menu("Add account", items)


def _account_network(session: Session, entry: SeedEntry, kind: str) -> Action:
    networks = session.setting("networks")
    if kind in ETH_KINDS or len(networks) == 1:
        network = Network.MAIN if kind in ETH_KINDS else networks[0]
        return Replace(_account_index(session, entry, kind, network))
    items = [MenuItem(n, replaces(_account_index, session, entry, kind, n)) for n in networks]
    return Replace(Menu("Network", items))


def _account_index(session: Session, entry: SeedEntry, kind: str, network: str) -> NumberPicker:
    def done(index: int) -> Action:
        try:
            spec = AccountSpec.parse(kind, network, index)
        except AirlockError as exc:
            return Push(error("Not possible", str(exc)))
        if spec in entry.accounts:
            return Push(error("Already there", f"{spec} is already an account of this seed."))
        return Replace(
            Working(
                "Adding",
                "Saving the vault...",
                lambda: set_accounts(session, entry, [*entry.accounts, spec]),
                lambda _: Pop(None),
                lambda exc: Replace(error("Not saved", str(exc))),
            )
        )

    return NumberPicker("Account number", f"{kind} on {network}", 0, 0, 99, done)


def set_accounts(session: Session, entry: SeedEntry, accounts: list[AccountSpec]) -> None:
    if session.is_temporary(entry) or session.vault is None:
        entry.accounts = list(dict.fromkeys(accounts))
    else:
        session.vault.set_accounts(entry.label, accounts)
