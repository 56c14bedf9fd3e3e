"""The root screen of a vault file that cannot be used, and the ways back: restore an encrypted
backup into a new vault, reopen the previous copy of the vault, or go on with a temporary seed.

Nothing is ever overwritten or deleted: the files are moved aside by ``signer.keys.vault_recovery``
and the device says where they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from signer.errors import AirlockError
from signer.keys.passwords import MAX_LENGTH
from signer.keys.vault_recovery import previous_usable, reopen_previous
from signer.review import Severity
from ui.flows import seeds, vault
from ui.screen import Action, Home, Push, Replace
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error, info
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.keys.vault import Vault
    from ui.session import Session, VaultState


def damaged(session: Session, state: VaultState) -> Message:
    """The root screen when the vault file cannot be used: says so, changes nothing, offers recovery."""
    if state.kind == "unsupported":
        title = "Vault from newer Airlock"
        what = f"{_sentence(state.message)} Update Airlock to open it."
    elif state.kind == "lost":
        title = "Vault file missing"
        what = _sentence(state.message)
    else:
        title = "Vault damaged"
        what = _sentence(state.message)
        if "damaged" not in what and "truncated" not in what:
            what = _sentence(f"the vault file is damaged: {state.message}")
    where = " or from the previous copy of the vault" if previous_usable(Path(session.vault_path)) else ""
    body = (
        f"{what} Nothing has been changed or deleted. You can restore your seeds from an "
        f"encrypted backup{where}."
    )
    return Message(
        title,
        body,
        severity=Severity.DANGER,
        back=False,
        buttons=[("Options", lambda: Push(damaged_options(session)))],
    )


def _sentence(message: str) -> str:
    message = message.strip().rstrip(".")
    return (message[:1].upper() + message[1:] + ".") if message else ""


def damaged_options(session: Session) -> Menu:
    items = [MenuItem("Restore from backup", lambda: Push(vault.restore_scan(session, into_new=True)))]
    if previous_usable(Path(session.vault_path)):
        items.append(MenuItem("Use previous copy", lambda: Push(use_previous(session))))
    items.append(MenuItem("Temporary seed", lambda: Push(seeds.add_seed_menu(session, temporary=True))))
    return Menu("Recover", items)


def use_previous(session: Session) -> Keyboard:
    def attempt(password: str) -> Action:
        def done(result: tuple[Vault, Path | None]) -> Action:
            opened, kept = result
            session.vault_problem = None
            session.unlocked(opened)
            kept_note = f" The damaged file was kept as {kept.name}." if kept else ""
            return Home(
                then=info("Vault restored", f"The previous copy of the vault is open again.{kept_note}")
            )

        def failed(exc: AirlockError) -> Action:
            keyboard.value = ""
            return Replace(error("Not restored", str(exc)))

        return Push(
            Working(
                "Restoring",
                "Opening the previous copy...",
                lambda: reopen_previous(Path(session.vault_path), password),
                done,
                failed,
            )
        )

    keyboard = Keyboard("Vault password", attempt, mask=True, max_len=MAX_LENGTH)
    return keyboard
