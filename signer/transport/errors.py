from signer.errors import AirlockError


class TransportError(AirlockError):
    """A QR payload could not be parsed, assembled or verified. The message says why."""


class ForeignPartError(TransportError):
    """A part belongs to a different message than the one being assembled (never merged)."""


class PartConflictError(TransportError):
    """Two parts with the same number but different content: two messages were mixed. Start over."""


class MessageTooLarge(TransportError):
    """The message is (or would decode to) more than the size limit allows."""
