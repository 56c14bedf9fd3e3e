"""Text from outside, made safe to show: nothing invisible, nothing that redraws or reorders.

Strings in a request (typed data, a message to sign, a token's or a wallet's name, a domain) are
chosen by whoever made the request. Shown raw, a terminal escape code can rewrite the lines above
it, a right-to-left override reverses what follows (the device's text layout applies it), and a
zero-width or other invisible character hides inside an address or a name. So every such
character is shown as a visible code instead:

* :func:`visible` replaces each hidden character with ``\\xNN`` / ``\\uNNNN`` / ``\\UNNNNNNNN``.
  It is the last line of defence where text is drawn or printed (the device's text layout, the
  CLI's output streams) and is idempotent, so text escaped earlier passes unchanged.
* :func:`escape` is for what is *signed* (a message, a typed-data string): it also doubles each
  backslash, so an escape code typed into the message cannot pass for a hidden character, and it
  counts what it escaped so the review can say so.
* :func:`lookalike` says why a domain name may imitate another (letters of several
  scripts, non-ASCII letters, punycode), for Sign-In with Ethereum.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Categories never drawn as themselves: controls, format (bidi, zero-width, BOM, tags), private
# use, surrogates (bytes that were no UTF-8), unassigned, and the line/paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
# Letters and marks that draw as nothing (Unicode's default-ignorable and blank-looking ones).
_INVISIBLE = frozenset(
    [
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0),
        *range(0x180B, 0x1810),  # Mongolian variation selectors and vowel separator
        *range(0xFE00, 0xFE10),  # variation selectors
        *range(0xE0100, 0xE01F0),  # variation selectors supplement
    ]
)
# Spaces other than the plain one (Unicode's Zs but U+0020) look like it, or like nothing.
_ODD_SPACES = frozenset("\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))))


def is_hidden(ch: str, keep: str = "\n") -> bool:
    """Whether ``ch`` would not be seen as itself on a screen or terminal (``keep`` is allowed)."""
    if ch in keep:
        return False
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES or ord(ch) in _INVISIBLE or ch in _ODD_SPACES


def _code(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was no UTF-8 (decoded with surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, keep: str = "\n") -> str:
    """``text`` with every hidden character (but those in ``keep``) shown as its code."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_code(ch) if is_hidden(ch, keep) else ch for ch in text)


@dataclass(frozen=True)
class Escaped:
    """Text ready to show, and how many characters had to be shown as codes."""

    text: str
    escaped: int


def escape(text: str, *, ascii_only: bool = False, keep: str = "\n") -> Escaped:
    """Signed text made unambiguous to show: hidden characters (and, with ``ascii_only``, every
    character outside printable ASCII) as codes, each backslash doubled."""
    out: list[str] = []
    escaped = 0
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif is_hidden(ch, keep) or (ascii_only and ch not in keep and not (" " <= ch <= "~")):
            out.append(_code(ch))
            escaped += 1
        else:
            out.append(ch)
    return Escaped("".join(out), escaped)


def escape_bytes(data: bytes, *, ascii_only: bool = False, keep: str = "\n") -> Escaped:
    """As :func:`escape` for bytes meant as UTF-8 (bytes that are not UTF-8 show as ``\\xNN``)."""
    return escape(data.decode("utf-8", "surrogateescape"), ascii_only=ascii_only, keep=keep)


def _script(ch: str) -> str:
    """The script a letter belongs to, from its Unicode name (``LATIN``, ``CYRILLIC``, ``GREEK``...)."""
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "UNKNOWN"


@dataclass(frozen=True)
class Lookalike:
    """Why a name may imitate another; ``deceptive`` when no honest name looks like this (hidden
    characters, letters of several scripts in one label)."""

    reason: str
    deceptive: bool


def lookalike(domain: str) -> Lookalike | None:
    """Why ``domain`` may imitate a better-known one, or None for a plain ASCII name."""
    host = domain.strip().rstrip(".").lower()
    if any(is_hidden(ch, keep="") for ch in host):
        return Lookalike("it contains hidden characters", True)
    labels = host.split(".")
    for label in labels:
        scripts = {_script(ch) for ch in label if ch.isalpha()}
        if len(scripts) > 1:
            names = ", ".join(sorted(s.title() for s in scripts))
            return Lookalike(f"it mixes letters of several scripts ({names})", True)
    if any(label.startswith("xn--") for label in labels):
        return Lookalike("it is an internationalised (punycode) name, which can imitate another name", False)
    if not host.isascii():
        foreign = sorted({_script(ch).title() for ch in host if ch.isalpha() and not ch.isascii()})
        letters = ", ".join(foreign)
        return Lookalike(f"it uses non-ASCII letters ({letters}) that can look like Latin ones", False)
    return None
