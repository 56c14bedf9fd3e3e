"""Unlock, first-time vault creation, lock, and recovery from a damaged vault file.

A damaged vault is never overwritten or deleted: before a restore writes a new vault at the same
path, the damaged file (and its ``.prev`` generation) are moved aside under new names, which the
device shows. Recovery is from an encrypted backup (scanned as a QR) or from the ``.prev`` copy.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from signer.errors import AirlockError
from signer.keys.errors import UnsupportedVersion, VaultCorrupt, VaultError, WrongPassword
from signer.keys.passwords import MAX_LENGTH
from ui.flows.common import new_password
from ui.screen import Action, Home, Push, Replace, Screen
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error, info
from ui.screens.scan import ScanScreen
from ui.screens.working import Working
from ui.session import VaultState

if TYPE_CHECKING:
    from signer.keys.vault import SeedEntry, Vault
    from signer.transport.payload import Payload
    from ui.session import Session

BACKUP_KINDS = frozenset({"bytes", "binary"})


# -- unlock ---------------------------------------------------------------------------------
def unlock(session: Session) -> Keyboard:
    def attempt(password: str) -> Action:
        from signer.keys.vault import Vault

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
        from signer.keys.vault import Vault

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


# -- damaged vault --------------------------------------------------------------------------
def prev_path(session: Session) -> Path:
    path = Path(session.vault_path)
    return path.with_name(path.name + ".prev")


def prev_usable(session: Session) -> bool:
    from signer.keys.vault import Vault

    try:
        Vault.check_file(prev_path(session))
    except (AirlockError, OSError):
        return False
    return True


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
    where = " or from the previous copy of the vault" if prev_usable(session) else ""
    body = (
        f"{what} Nothing has been changed or deleted. You can restore your seeds from an "
        f"encrypted backup{where}."
    )
    return Message(
        title,
        body,
        severity="danger",
        back=False,
        buttons=[("Options", lambda: Push(damaged_options(session)))],
    )


def _sentence(message: str) -> str:
    message = message.strip().rstrip(".")
    return (message[:1].upper() + message[1:] + ".") if message else ""


def damaged_options(session: Session) -> Menu:
    from ui.flows import seeds

    items = [MenuItem("Restore from backup", lambda: Push(restore_scan(session, into_new=True)))]
    if prev_usable(session):
        items.append(MenuItem("Use previous copy", lambda: Push(use_previous(session))))
    items.append(MenuItem("Temporary seed", lambda: Push(seeds.add_seed_menu(session, temporary=True))))
    return Menu("Recover", items)


def set_aside(path: Path, tag: str) -> Path | None:
    """Move ``path`` to a new, unused name beside it (never overwriting anything); None if absent."""
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        target = path.with_name(f"{path.name}.{tag}-{stamp}" + (f"-{n}" if n else ""))
        try:
            os.link(path, target)  # fails if target exists: nothing is ever overwritten
        except FileExistsError:
            continue
        except OSError as exc:
            raise VaultError(f"cannot keep the old vault file aside: {exc.strerror}") from None
        os.unlink(path)
        with contextlib.suppress(OSError):
            fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return target
    raise VaultError("cannot find a free name to keep the old vault file aside")


def _set_aside_vault(session: Session) -> Path | None:
    path = Path(session.vault_path)
    kept = set_aside(path, "damaged")
    set_aside(prev_path(session), "before-restore")
    return kept


def use_previous(session: Session) -> Keyboard:
    def attempt(password: str) -> Action:
        from signer.atomic_file import atomic_write
        from signer.keys.vault import Vault

        def job() -> tuple[Vault, Path | None]:
            previous = prev_path(session)
            Vault.open(previous, password).lock()  # the password must open the copy first
            blob = previous.read_bytes()
            kept = set_aside(Path(session.vault_path), "damaged")
            atomic_write(Path(session.vault_path), blob)
            return Vault.open(Path(session.vault_path), password), kept

        def done(result: tuple[Vault, Path | None]) -> Action:
            vault, kept = result
            session.vault_problem = None
            session.unlocked(vault)
            kept_note = f" The damaged file was kept as {kept.name}." if kept else ""
            return Home(
                then=info("Vault restored", f"The previous copy of the vault is open again.{kept_note}")
            )

        def failed(exc: AirlockError) -> Action:
            keyboard.value = ""
            return Replace(error("Not restored", str(exc)))

        return Push(Working("Restoring", "Opening the previous copy...", job, done, failed))

    keyboard = Keyboard("Vault password", attempt, mask=True, max_len=MAX_LENGTH)
    return keyboard


# -- restore from an encrypted backup -------------------------------------------------------
def restore_scan(session: Session, *, into_new: bool = False) -> ScanScreen:
    """Scan an encrypted backup, ask its password, then restore it (into a new vault if asked)."""

    def scanned(payload: Payload) -> Action:
        from signer.keys import backup

        if not backup.is_backup(payload.data):
            return Push(error("Not a backup", "This QR code does not hold an Airlock encrypted backup."))
        return Replace(backup_password(session, payload.data, into_new=into_new))

    return ScanScreen(
        session, "Scan backup", scanned, expect=BACKUP_KINDS, expect_label="an encrypted backup"
    )


def backup_password(session: Session, blob: bytes, *, into_new: bool) -> Keyboard:
    def attempt(password: str) -> Action:
        from signer.btc.multisig_registry import check_seed_records
        from signer.keys import backup

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
    from signer.keys.backup import restore_into

    if session.vault is None:
        raise VaultError("unlock the vault first")
    return restore_into(session.vault, entries)


def restored(result: tuple[list[str], list[str]]) -> Action:
    added, skipped = result
    lines = [f"Restored: {', '.join(added)}." if added else "Nothing new to restore."]
    if skipped:
        lines.append(f"Already here: {', '.join(skipped)}.")
    return Home(then=info("Backup restored", " ".join(lines)))


def restore_new(session: Session, entries: list[SeedEntry], password: str) -> Action:
    from signer.keys.backup import restore_into
    from signer.keys.vault import Vault

    def job() -> tuple[Vault, tuple[list[str], list[str]], Path | None]:
        kept = _set_aside_vault(session)
        vault = Vault.create(Path(session.vault_path), password, session.kdf)
        return vault, restore_into(vault, entries), kept

    def done(result: tuple[Vault, tuple[list[str], list[str]], Path | None]) -> Action:
        vault, (added, _), kept = result
        session.vault_problem = None
        session.unlocked(vault)
        kept_note = f" The damaged file was kept as {kept.name}." if kept else ""
        return Home(then=info("Vault restored", f"Restored: {', '.join(added) or 'nothing'}.{kept_note}"))

    return Push(Working("Restoring", "Creating the new vault...", job, done))


def network_warning(session: Session) -> Message:
    """The first screen while network hardware is present: connected (an interface is up) or only
    present (all down), said as such; it must be acknowledged."""
    from signer import netcheck

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


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
