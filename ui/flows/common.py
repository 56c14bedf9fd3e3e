"""Pieces several flows share: password entry with confirmation, labels, seed descriptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from signer.keys.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from signer.keys.reveal import MAX_ATTEMPTS, PasswordGate
from signer.keys.seed import Slip39Seed
from ui.screen import Action, Home, Push, Replace
from ui.screens.keyboard import Keyboard
from ui.screens.message import error

if TYPE_CHECKING:
    from signer.keys.vault import SeedEntry
    from ui.screen import Screen
    from ui.session import Session


def new_password(title: str, on_done: Callable[[str], Action | None], *, what: str = "password") -> Keyboard:
    """Type a new password twice (the signer's password rule applies); ``on_done`` gets it once
    both match."""

    def first(value: str) -> Action:
        def matches(again: str) -> str | None:
            return None if again == value else f"does not match the first {what}"

        return Replace(Keyboard(f"Repeat {what}", on_done, mask=True, validate=matches, max_len=MAX_LENGTH))

    return Keyboard(
        title,
        first,
        mask=True,
        validate=lambda value: password_problem(value, what),
        max_len=MAX_LENGTH,
        status=lambda v: (
            f"{len(v)} characters"
            if len(v) >= MIN_LENGTH
            else f"{len(v)} of at least {MIN_LENGTH} characters"
        ),
    )


def password_again(session: Session, then: Callable[[], Screen]) -> Screen:
    """The vault password once more before a seed's secret is shown (words, SeedQR, new shares), so a
    device left unlocked does not hand them to whoever picks it up. Three wrong answers lock it.
    A temporary seed with no vault unlocked has no password to ask: ``then()`` at once."""
    if session.vault is None:
        return then()
    gate = PasswordGate(session.vault)

    def attempt(password: str) -> Action:
        keyboard.value = ""
        if gate.check(password):
            return Replace(then())
        if gate.closed:
            session.lock()
            return Home(
                then=error(
                    "Device locked",
                    f"{MAX_ATTEMPTS} wrong passwords: the device locked itself. Unlock it to go on.",
                )
            )
        left = gate.attempts_left
        return Push(
            error(
                "Wrong password",
                f"That is not the vault password. {left} more wrong {'try' if left == 1 else 'tries'} "
                "and the device locks.",
            )
        )

    keyboard = Keyboard("Vault password", attempt, mask=True, max_len=MAX_LENGTH)
    return keyboard


def seed_words(entry: SeedEntry) -> int | None:
    return getattr(entry.material, "word_count", None)


def describe_kind(entry: SeedEntry) -> str:
    if entry.kind == "bip39":
        return f"BIP-39, {seed_words(entry)} words"
    material = entry.material
    bits = len(material.ems) * 8 if isinstance(material, Slip39Seed) else 0
    return f"SLIP-39 wallet, {bits} bit"


def default_label(session: Session) -> str:
    taken = {s.label for s in session.seeds()}
    n = 1
    while f"Seed {n}" in taken:
        n += 1
    return f"Seed {n}"
