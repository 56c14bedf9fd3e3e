"""Labelling and saving: the label keyboard, a new seed saved in the vault, a vault change run
behind a wait screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signer.keys.errors import VaultError
from signer.keys.vault import MAX_LABEL, clean_label
from ui.flows.common import default_label
from ui.screen import Action, Pop, Push, Replace
from ui.screens.keyboard import Keyboard
from ui.screens.message import error
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.keys.accounts import AccountSpec
    from signer.keys.seed import SeedMaterial
    from signer.keys.vault import SeedEntry
    from ui.session import Session


def label_keyboard(
    session: Session,
    on_label: Callable[[str], Action | None],
    initial: str | None = None,
    title: str = "Seed label",
) -> Keyboard:
    def validate(value: str) -> str | None:
        try:
            label = clean_label(value)
        except VaultError as exc:
            return str(exc)
        if label != initial and label in {s.label for s in session.seeds()}:
            return "that label is already used"
        return None

    return Keyboard(
        title,
        lambda value: on_label(value.strip()),
        initial=initial or default_label(session),
        validate=validate,
        max_len=MAX_LABEL,
    )


def save_seed(
    session: Session,
    label: str,
    material: SeedMaterial,
    accounts: list[AccountSpec] | None,
    then: Callable[[SeedEntry], Action],
) -> Action:
    """Add ``material`` to the vault under ``label`` (one Argon2id save), then ``then(entry)``."""

    def job() -> SeedEntry:
        if session.vault is None:
            raise VaultError("the vault is locked")
        return session.vault.add_seed(label, material, accounts)

    return Push(
        Working(
            "Saving", "Encrypting the vault...", job, then, lambda exc: Replace(error("Not saved", str(exc)))
        )
    )


def vault_change(
    title: str, job: Callable[[], Any], then: Callable[[Any], Action | None] | None = None
) -> Action:
    """Run a vault change (one Argon2id save) behind a wait screen; errors become a message."""
    return Push(
        Working(
            title,
            "Saving the vault...",
            job,
            then or (lambda _: Pop(None)),
            lambda exc: Replace(error("Not saved", str(exc))),
        )
    )
