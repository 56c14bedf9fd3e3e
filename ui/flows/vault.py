"""Unlock, first-time vault creation, lock, and restore from an encrypted backup (into this vault,
or into a new one in place of a damaged vault file: ``signer.keys.vault_recovery``). The screens of
a damaged vault are ``recover.py``.

The Bitcoin multisig checks of a backup's records (``signer.btc``, which loads embit) are imported
where a backup is read: this module is on the start-up path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from signer.errors import AirlockError
from signer.keys import backup
from signer.keys.errors import UnsupportedVersion, VaultCorrupt, VaultError, WrongPassword
from signer.keys.passwords import MAX_LENGTH
from signer.keys.vault import Vault
from signer.keys.vault_recovery import restore_to_new_vault
from ui.flows.common import new_password
from ui.screen import Action, Home, Push, Replace, Screen
from ui.screens.keyboard import Keyboard
from ui.screens.message import error, info
from ui.screens.scan import ScanScreen
from ui.screens.working import Working
from ui.session import VaultState

if TYPE_CHECKING:
    from signer.keys.vault import SeedEntry
    from signer.transport.payload import Payload
    from ui.session import Session

BACKUP_KINDS = frozenset({"bytes", "binary"})


# -- unlock ---------------------------------------------------------------------------------
def unlock(session: Session) -> Keyboard:
    def attempt(password: str) -> Action:
        return Push(
            Working(
                "Unlocking",
                "Checking the password...",
                lambda: Vault.open(session.vault_path, password),
                opened,
                failed,
            )
        )

    def opened(vault: Vault) -> Action:
        session.unlocked(vault)
        return Home()

    def failed(exc: AirlockError) -> Action:
        keyboard.value = ""
        if isinstance(exc, WrongPassword):
            return Replace(error("Wrong password", "That password does not open this vault. Try again."))
        if isinstance(exc, VaultCorrupt | UnsupportedVersion):
            kind = "unsupported" if isinstance(exc, UnsupportedVersion) else "corrupt"
            session.vault_problem = VaultState(kind, str(exc))
            return Home()
        return Replace(error("Cannot unlock", str(exc)))

    keyboard = Keyboard("Vault password", attempt, mask=True, max_len=MAX_LENGTH)
    return keyboard


def create_vault(session: Session, then: Callable[[], Screen | None]) -> Keyboard:
    """Set the vault password (typed twice), create the vault, then show ``then()``."""

    def create(password: str) -> Action:
        def done(vault: Vault) -> Action:
            session.unlocked(vault)
            return Home(then=then())

        return Push(
            Working(
                "Creating the vault",
                "Encrypting the new vault...",
                lambda: Vault.create(session.vault_path, password, session.kdf),
                done,
            )
        )

    return new_password("Vault password", create)


def lock(session: Session) -> Action:
    session.lock()
    return Home()


# -- restore from an encrypted backup -------------------------------------------------------
def restore_scan(session: Session, *, into_new: bool = False) -> ScanScreen:
    """Scan an encrypted backup, ask its password, then restore it (into a new vault if asked)."""

    def scanned(payload: Payload) -> Action:
        if not backup.is_backup(payload.data):
            return Push(error("Not a backup", "This QR code does not hold an Airlock encrypted backup."))
        return Replace(backup_password(session, payload.data, into_new=into_new))

    return ScanScreen(
        session, "Scan backup", scanned, expect=BACKUP_KINDS, expect_label="an encrypted backup"
    )


def backup_password(session: Session, blob: bytes, *, into_new: bool) -> Keyboard:
    def attempt(password: str) -> Action:
        from signer.btc.multisig_registry import check_seed_records

        def failed(exc: AirlockError) -> Action:
            keyboard.value = ""
            if isinstance(exc, WrongPassword):
                return Replace(error("Wrong password", "That password does not open this backup. Try again."))
            if isinstance(exc, VaultError):
                return Replace(error("Backup unreadable", str(exc)))
            return Replace(error("Backup refused", f"Nothing was restored: {exc}."))

        def read(entries: list[SeedEntry]) -> Action:
            if into_new:
                return Replace(
                    new_password("New vault password", lambda pw: restore_new(session, entries, pw))
                )
            return Replace(
                Working(
                    "Restoring",
                    "Adding the seeds to the vault...",
                    lambda: _restore(session, entries),
                    restored,
                )
            )

        return Push(
            Working(
                "Backup",
                "Decrypting the backup...",
                lambda: backup.read_backup(blob, password, check=check_seed_records),
                read,
                failed,
            )
        )

    keyboard = Keyboard("Backup password", attempt, mask=True, max_len=MAX_LENGTH)
    return keyboard


def _restore(session: Session, entries: list[SeedEntry]) -> tuple[list[str], list[str]]:
    if session.vault is None:
        raise VaultError("unlock the vault first")
    return backup.restore_into(session.vault, entries)


def restored(result: tuple[list[str], list[str]]) -> Action:
    added, skipped = result
    lines = [f"Restored: {', '.join(added)}." if added else "Nothing new to restore."]
    if skipped:
        lines.append(f"Already here: {', '.join(skipped)}.")
    return Home(then=info("Backup restored", " ".join(lines)))


def restore_new(session: Session, entries: list[SeedEntry], password: str) -> Action:
    """The backup's seeds in a new vault, the damaged vault file and its previous copy kept aside."""

    def job() -> tuple[Vault, list[str], Path | None]:
        return restore_to_new_vault(Path(session.vault_path), password, session.kdf, entries)

    def done(result: tuple[Vault, list[str], Path | None]) -> Action:
        vault, added, kept = result
        session.vault_problem = None
        session.unlocked(vault)
        kept_note = f" The damaged file was kept as {kept.name}." if kept else ""
        return Home(then=info("Vault restored", f"Restored: {', '.join(added) or 'nothing'}.{kept_note}"))

    return Push(Working("Restoring", "Creating the new vault...", job, done))
