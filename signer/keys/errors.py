from signer.errors import AirlockError


class KeyError_(AirlockError):
    """Base of key-handling errors (named with a trailing underscore to avoid the builtin)."""


class MnemonicError(KeyError_):
    """A mnemonic (BIP-39 or SLIP-39) is not valid; the message says exactly why."""


class UnknownWord(MnemonicError):
    """Word ``position`` (1-based) is not in the list. ``suggestions`` holds the closest list words
    for the person's screen; they are kept out of the message, which may end up in a log."""

    def __init__(self, message: str, position: int, suggestions: list[str]) -> None:
        super().__init__(message)
        self.position = position
        self.suggestions = suggestions


class EntropyError(KeyError_):
    """Person-supplied entropy is unusable (bad dice characters, too few rolls, empty frame)."""


class NothingToShow(KeyError_):
    """A seed has no words or no SeedQR of the kind asked for; the message says what it has instead."""


class AccountError(KeyError_):
    """An account kind, network, index or path is not one Airlock supports."""


class VaultError(AirlockError):
    """Base of vault and backup errors. Nothing on disk was changed when one is raised."""


class WrongPassword(VaultError):
    """The password does not open this vault (or the file was altered: the AEAD cannot tell which)."""


class VaultCorrupt(VaultError):
    """The vault file is truncated, malformed or fails authentication in a way a password cannot explain."""


class UnsupportedVersion(VaultError):
    """The file was written by a newer (or unknown) format version."""


class KefError(VaultError):
    """A Krux encrypted QR (KEF envelope) is malformed, or does not hold what was asked for."""


class NotKef(KefError):
    """Nothing in the input looks like a KEF envelope at all (it may be another format)."""


class WeakPassword(VaultError):
    """A new vault or backup password breaks the password rule (``passwords.py``)."""


class SeedNotFound(VaultError):
    """No seed with that label in the vault."""


class Slip39Error(MnemonicError):
    """SLIP-39 shares cannot be combined or split as asked; the message says exactly why."""


class UnknownShareWord(Slip39Error, UnknownWord):
    """A share word is not in the SLIP-39 list (suggestions kept out of the message)."""
