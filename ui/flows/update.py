"""Settings > Update Airlock: the update file is checked by ``signer.update`` (signature with the key in
the image, newer version, every file's sha256) while a Working screen shows, then the person sees what
would be installed and confirms it, or not. Nothing is written before that answer, and the vault is
never part of an update.

The session's ``find_update`` (the wiring's) locates and checks the file; ``install_update`` writes it to
the other system slot. A device without an installer says so after the confirmation and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from signer.errors import AirlockError
from signer.review import Severity
from ui.screen import Action, Pop, Push, Replace
from ui.screens.message import Message, error, info
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.update import VerifiedUpdate
    from ui.session import Session


def check_update(session: Session) -> Working:
    assert session.find_update is not None  # the menu item is shown only when there is one

    def checked(found: VerifiedUpdate) -> Action:
        return Replace(confirm_update(session, found))

    def refused(exc: AirlockError) -> Action:
        return Replace(error("Update refused", f"{_sentence(str(exc))} Nothing was changed."))

    return Working(
        "Checking update", "Checking the signature and every file...", session.find_update, checked, refused
    )


def confirm_update(session: Session, found: VerifiedUpdate) -> Message:
    """What the signed update installs, and the question. The safe answer is selected first."""
    body = (
        f"Airlock {found.version} replaces {found.running_version}. Signed by the Airlock release key. "
        f"Release code {found.manifest_sha256[:16]}: check it matches the one published. "
        f"{found.size / 1e6:.0f} MB. Your seeds and vault are not touched."
    )

    def install() -> Action:
        if session.install_update is None:
            return Replace(
                info(
                    "Not installed",
                    "This card has no second system slot to install into. Nothing was changed.",
                )
            )
        installer = session.install_update
        return Replace(
            Working(
                "Installing",
                "Writing the new system...",
                lambda: installer(found),
                lambda _: Replace(info("Update installed", f"Restart to start Airlock {found.version}.")),
                lambda exc: Replace(
                    error("Update failed", f"{_sentence(str(exc))} The running system is unchanged.")
                ),
            )
        )

    return Message(
        "Install update?",
        body,
        severity=Severity.WARN,
        buttons=[("Cancel", lambda: Pop(None)), ("Install", install)],
    )


def update_item_action(session: Session) -> Action:
    return Push(check_update(session))


def _sentence(message: str) -> str:
    message = message.strip().rstrip(".")
    return message[:1].upper() + message[1:] + "." if message else ""
