"""Errors raised by the Bitcoin core. Messages are shown as they are and never hold secrets."""

from __future__ import annotations

from signer.errors import AirlockError, Refusal


class PsbtError(AirlockError):
    """The PSBT is malformed or not one we can read (the message names the field and the rule)."""


class AddressError(AirlockError):
    """An address is malformed or belongs to another network."""


class DescriptorError(AirlockError):
    """A wallet descriptor or wallet-export text cannot be parsed or is not acceptable."""


class MessageError(AirlockError):
    """A message-signing request or a signature to verify is malformed."""


class BtcRefusal(Refusal):
    """Understood, and will not be signed. ``code`` is stable and shared with review warnings."""

    code = "refused"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class RiskNotAccepted(BtcRefusal):
    """The review holds danger warnings and the caller did not accept the risk explicitly."""

    code = "risk-not-accepted"


class NotACosigner(BtcRefusal):
    """A multisig wallet to register does not include this seed's key."""

    code = "not-a-cosigner"


class PathError(AirlockError):
    """A derivation path is malformed or not acceptable here."""
