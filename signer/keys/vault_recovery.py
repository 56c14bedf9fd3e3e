"""Recovery from a damaged vault file: from its previous generation (``<name>.prev``) or a backup.

A damaged vault is never overwritten or deleted: before a new vault is written at its path, the
damaged file (and the previous generation, which the first save of a new vault would replace) are
moved aside under new names, each of which is returned so the person can be told where it is.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from signer.atomic_file import atomic_write
from signer.errors import AirlockError
from signer.keys.backup import restore_into
from signer.keys.envelope import KdfParams
from signer.keys.errors import VaultError
from signer.keys.vault import SeedEntry, Vault, previous_generation

MAX_ASIDE_NAMES = 1000


def set_aside(path: Path, tag: str) -> Path | None:
    """Move ``path`` to a new, unused name beside it (``<name>.<tag>-<UTC time>``), never overwriting
    anything; None when there is no such file."""
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    for n in range(MAX_ASIDE_NAMES):
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


def previous_usable(path: Path) -> bool:
    """Whether the previous generation of the vault at ``path`` is there and structurally sound."""
    try:
        Vault.check_file(previous_generation(path))
    except (AirlockError, OSError):
        return False
    return True


def reopen_previous(path: Path, password: str) -> tuple[Vault, Path | None]:
    """Put the previous generation back in place of the damaged vault and open it.

    The password must open the previous copy before anything moves. Returns the vault and where the
    damaged file was kept (None if there was none)."""
    previous = previous_generation(path)
    Vault.open(previous, password).lock()
    blob = previous.read_bytes()
    kept = set_aside(path, "damaged")
    atomic_write(path, blob)
    return Vault.open(path, password), kept


def restore_to_new_vault(
    path: Path, password: str, kdf: KdfParams | None, entries: list[SeedEntry]
) -> tuple[Vault, list[str], Path | None]:
    """A new vault at ``path`` holding a backup's seeds, the damaged file and the previous generation
    moved aside first. Returns the vault, the labels restored and where the damaged file was kept."""
    kept = set_aside(path, "damaged")
    set_aside(previous_generation(path), "before-restore")
    vault = Vault.create(path, password, kdf)
    added, _ = restore_into(vault, entries)
    return vault, added, kept
