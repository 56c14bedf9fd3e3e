"""Error types shared by every part of the signer.

Messages are shown to the person as they are, so they must be specific and must never
contain secret material (words, keys, passwords).
"""


class AirlockError(Exception):
    """Base of every error the signer raises on purpose; ``exit_code`` is the CLI's."""

    exit_code = 1


class UsageError(AirlockError):
    """The command was called wrongly (missing option, unreadable file)."""

    exit_code = 2


class Refusal(AirlockError):
    """The request was understood and will not be signed (or needs an explicit override)."""

    exit_code = 3


class WatchOnlyError(AirlockError):
    """Watch-only keys (public keys from account exports) were asked for what they do not hold: a
    private key, or a key outside the exported accounts."""
