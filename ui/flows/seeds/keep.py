"""New seed material is kept: its fingerprint shown first, then saved in the vault under a label or
held as the temporary seed (never written anywhere)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from signer.keys.accounts import fingerprint
from ui.flows.seeds.detail import seed_detail, shown_after_saving
from ui.flows.seeds.label import label_keyboard, save_seed
from ui.screen import Action, Home, Push, Replace
from ui.screens.message import Message

if TYPE_CHECKING:
    from signer.keys.seed import SeedMaterial
    from ui.session import Session


def finish_seed(
    session: Session,
    material: SeedMaterial,
    temporary: bool,
    *,
    label: str | None = None,
    created: bool = False,
) -> Action:
    """Show the new seed's fingerprint, then keep it: in the vault under a label (``label`` is the
    suggestion, e.g. a Krux code's ID), or as temporary.

    A seed brought in (words, SeedQR, shares) is checked against the person's records; a seed just
    made has no records yet: its fingerprint is one to note down."""
    fp = fingerprint(material.bip32_seed(""))
    about = (
        f"Fingerprint {fp}. Note it beside your words: wallet apps show it for this seed."
        if created
        else f"Fingerprint {fp}. Check that it matches your records."
    )

    def cancel() -> Action:
        material.wipe()
        return Home()

    if temporary or session.vault is None:

        def use() -> Action:
            entry = session.set_temp_seed(material)
            return Home(then=seed_detail(session, entry))

        body = f"{about} A temporary seed is kept only until the device locks or powers off."
        return Replace(Message("Seed ready", body, back=False, buttons=[("Use it", use), ("Cancel", cancel)]))

    taken = {s.label for s in session.seeds()}
    suggested = label if label and label not in taken else None

    def save() -> Action:
        return Push(
            label_keyboard(
                session,
                lambda value: save_seed(session, value, material, None, shown_after_saving(session)),
                suggested,
            )
        )

    body = f"{about} Then give the seed a label."
    return Replace(Message("Seed ready", body, back=False, buttons=[("Save", save), ("Cancel", cancel)]))
