"""What the fuzz targets share: how valid inputs are damaged, how many examples run, and what a
clean outcome is.

Inputs start from valid examples and are damaged the way a bad scan, a careless edit or an attacker
would: bits flipped, bytes or characters set, inserted, deleted, repeated, truncated, and pieces of
two examples spliced. The characters inserted into text include the ones that fool lax parsers
(digits of other scripts that ``str.isdigit`` accepts, full-width and superscript digits, hidden and
bidi characters, NUL, separators of the formats).

``AIRLOCK_FUZZ=N`` (with the ``airlock-fuzz`` profile, see tests/conftest.py) runs N times the
examples with fresh random draws, for fuzzing by hand.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

SCALE = max(1, int(os.environ.get("AIRLOCK_FUZZ") or 1))
T = TypeVar("T")

# Characters that make parsers slip: digits str.isdigit() takes but int() may not (superscript,
# Arabic-Indic, full-width, Devanagari), hidden and bidi characters, NUL, line breaks, separators.
TRICKY = "²³¹٣۴０１９५\u200b\u200e\u202e\ufeff\x00\n\r\t %#?&=:/@.,;'\"[](){}<>*+-_$hH'"
INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x20, 0x0A)


def fuzz_settings(examples: int) -> settings:
    """``examples`` per run (times AIRLOCK_FUZZ); the profile supplies the seed and the rest."""
    return settings(
        max_examples=examples * SCALE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@st.composite
def mutated_bytes(draw: st.DrawFn, seeds: Sequence[bytes], max_ops: int = 4) -> bytes:
    """One of ``seeds`` with 1..max_ops random edits."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(("flip", "set", "insert", "delete", "repeat", "truncate", "splice")))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[at] = draw(st.one_of(st.sampled_from(INTERESTING_BYTES), st.integers(0, 255)))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif op == "repeat":
            piece = data[at : at + draw(st.integers(1, 16))]
            data[at:at] = piece * draw(st.integers(1, 4))
        elif op == "truncate":
            del data[at:]
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            cut = draw(st.integers(0, len(other)))
            data = data[:at] + bytearray(other[cut:])
    return bytes(data)


@st.composite
def mutated_text(draw: st.DrawFn, seeds: Sequence[str], alphabet: str = "", max_ops: int = 4) -> str:
    """One of ``seeds`` with 1..max_ops random edits; inserted characters come from ``alphabet``
    (the format's own), from TRICKY, or are any character at all."""
    text = list(draw(st.sampled_from(seeds)))
    pool = alphabet + TRICKY
    char = st.one_of(st.sampled_from(pool), st.characters(codec="utf-8"))
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(
            st.sampled_from(("set", "insert", "delete", "repeat", "case", "truncate", "splice", "digits"))
        )
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if op == "set" and text:
            text[at] = draw(char)
        elif op == "insert":
            text[at:at] = draw(st.lists(char, min_size=1, max_size=6))
        elif op == "delete":
            del text[at : at + draw(st.integers(1, 8))]
        elif op == "repeat":
            piece = text[at : at + draw(st.integers(1, 12))]
            text[at:at] = piece * draw(st.integers(1, 4))
        elif op == "case" and text:
            text[at] = text[at].swapcase()
        elif op == "truncate":
            del text[at:]
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            cut = draw(st.integers(0, len(other)))
            text = text[:at] + list(other[cut:])
        elif op == "digits":  # longer than int() reads from text (4300 digits)
            text[at:at] = list(draw(long_digits()))
    return "".join(text)


def long_digits() -> st.SearchStrategy[str]:
    """Digit runs longer than Python's int() accepts from text (4300 digits)."""
    return st.integers(4301, 5000).map(lambda n: "1" * n)


def clean(
    call: Callable[[], T], errors: type[Exception] | tuple[type[Exception], ...], name: str = "call"
) -> T | None:
    """``call()``'s result, or None when it raised one of ``errors`` with a specific one-line
    message. Any other exception propagates and fails the test. Each outcome is counted
    (``pytest --hypothesis-show-statistics`` shows how deep the examples reached)."""
    try:
        result = call()
    except errors as exc:
        assert_one_line(exc)
        event(f"{name}: {type(exc).__name__}")
        return None
    event(f"{name}: returned")
    return result


def assert_one_line(exc: BaseException) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} without a message"
    assert "\n" not in message and "\r" not in message, (
        f"{type(exc).__name__} message spans lines: {message!r}"
    )
