"""The one rule for new vault and backup passwords, used by the ``airlock`` CLI and the device alike.

A password is checked only when it is set (vault init, passwd, backup export, a restore into a new
vault), never when it opens something: a vault made earlier with a shorter password still opens.
The characters allowed are those the device's keyboard can type (printable ASCII), so a vault
made with the CLI can always be opened on the device. Messages never quote the password, nor say
which character is not allowed or how long it is.
"""

from __future__ import annotations

from signer.keys.errors import WeakPassword

MIN_LENGTH = 8
MAX_LENGTH = 128  # the device keyboard takes at most this many characters
TYPABLE = frozenset(chr(code) for code in range(0x20, 0x7F))  # printable ASCII, space included


def password_problem(password: str, what: str = "password") -> str | None:
    """Why ``password`` may not be set as a new ``what`` (e.g. "backup password"), or None."""
    if len(password) < MIN_LENGTH:
        return f"a {what} needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a {what} has at most {MAX_LENGTH} characters (the most the device keyboard takes)"
    if not TYPABLE.issuperset(password):
        return (
            f"a {what} may use only letters A-Z and a-z, digits, spaces and ASCII punctuation "
            "(what the device keyboard can type)"
        )
    return None


def check_new_password(password: str, what: str = "password") -> None:
    """Raise ``WeakPassword`` when ``password`` breaks the rule for a new ``what``."""
    problem = password_problem(password, what)
    if problem is not None:
        raise WeakPassword(problem)
