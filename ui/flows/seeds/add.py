"""Add a seed: the ways in (create, words, SeedQR, SLIP-39 shares, Krux encrypted QR, a backup)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.flows import krux, vault
from ui.flows.seeds.create import create_menu
from ui.flows.seeds.keep import finish_seed
from ui.flows.seeds.seedqr import scan_seedqr
from ui.flows.seeds.shares import Slip39Import
from ui.flows.seeds.words import import_words_menu
from ui.screen import Action, Push
from ui.screens.menu import Menu, MenuItem

if TYPE_CHECKING:
    from signer.keys.seed import SeedMaterial
    from ui.session import Session


def add_seed_menu(session: Session, *, temporary: bool = False) -> Menu:
    def keep_krux(material: SeedMaterial, label: str | None) -> Action:
        return finish_seed(session, material, temporary, label=label)

    items = [
        MenuItem("Create new seed", lambda: Push(create_menu(session, temporary))),
        MenuItem("Enter words", lambda: Push(import_words_menu(session, temporary))),
        MenuItem("Scan SeedQR", lambda: Push(scan_seedqr(session, temporary))),
        MenuItem("SLIP-39 shares", lambda: Push(Slip39Import(session, temporary).start())),
        MenuItem("Krux encrypted QR", lambda: Push(krux.scan(session, keep_krux))),
    ]
    if not temporary and session.vault is not None:
        items.append(MenuItem("Restore backup", lambda: Push(vault.restore_scan(session))))
    header = ["Kept only until locked or power-off"] if temporary else []
    return Menu("Temporary seed" if temporary else "Add a seed", items, header=header)
