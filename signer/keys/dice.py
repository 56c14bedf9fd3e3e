"""Dice rolls for a new seed: a check that they look like real rolls, and the two ways to use them.

* **mixed with the device's random generator** (``DiceMethod.MIXED``, the default): the rolls are
  hashed together with the OS CSPRNG output (``bip39.generate_entropy``). They can only add
  unpredictability; faulty dice cannot weaken the seed.
* **dice only, verifiable** (``DiceMethod.DICE_ONLY``): the entropy is SHA-256 of the rolls written
  as ASCII digits 1-6 (a six is ``6``, never ``0``), its first 16 bytes for 12 words and all 32 for
  24 words. Coldcard (``shared/seed.py``: SHA-256 over the pressed digits, ``seed[0:16]`` for 12
  words) and SeedSigner (``helpers/mnemonic_generation.py``: SHA-256 of the roll string, the first
  16 bytes when there are 50 rolls) compute exactly this, so the same rolls give the same words
  there, and ``printf %s ROLLS | sha256sum`` shows the entropy. The rolls are then the whole secret.
  SeedSigner takes exactly 50 rolls for 12 words and 99 for 24; Coldcard takes any number.

``check_rolls`` looks for rolls that are plainly not random: a face that never came up, faces
that came up unevenly (chi-square), the same face too many times in a row, and a fixed step from
one roll to the next (``123456123456...``). Each test is set to alarm for a fair die about once in
a thousand times.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

from signer.keys import bip39
from signer.keys.entropy import parse_dice
from signer.keys.errors import EntropyError
from signer.keys.secret import SecretBytes

FACES = "123456"
VERIFIABLE_WORDS = (12, 24)  # the lengths Coldcard and SeedSigner make from dice
SEEDSIGNER_ROLLS = {12: 50, 24: 99}  # SeedSigner takes exactly these many rolls
CHI_SQUARE_LIMIT = 20.515  # chi-square with 5 degrees of freedom exceeds this with probability 0.001
FALSE_ALARM = 0.001


class DiceMethod(StrEnum):
    MIXED = "mixed"
    DICE_ONLY = "dice-only"

    @property
    def label(self) -> str:
        if self is DiceMethod.MIXED:
            return "mixed with the device's random generator"
        return "dice only, verifiable"


@dataclass(frozen=True, repr=False)
class DiceCheck:
    """What ``check_rolls`` found; ``problems`` are one-line, plain-words reasons to doubt the rolls."""

    rolls: int
    counts: tuple[int, ...]  # how often faces 1..6 came up
    chi_square: float
    longest_run: int
    run_limit: int  # a run this long or longer is suspicious for this many rolls
    problems: tuple[str, ...]

    @property
    def suspicious(self) -> bool:
        return bool(self.problems)

    def __repr__(self) -> str:  # the counts say a little about the rolls: keep them out of logs
        return f"<DiceCheck {self.rolls} rolls, {len(self.problems)} problem(s)>"


def _chi_square(counts: list[int]) -> float:
    expected = sum(counts) / len(counts)
    return sum((c - expected) ** 2 / expected for c in counts)


@lru_cache(maxsize=64)
def run_limit(rolls: int) -> int:
    """The shortest run of one face whose chance to appear somewhere in ``rolls`` fair rolls is at
    most ``FALSE_ALARM`` (exact, by counting the sequences whose longest run is shorter)."""
    for limit in range(2, rolls + 2):
        # p[r]: probability that the sequence so far has no run >= limit and ends in a run of r
        p = [0.0] * limit
        p[1] = 1.0
        for _ in range(rolls - 1):
            nxt = [0.0] * limit
            nxt[1] = sum(p) * 5 / 6
            for r in range(1, limit - 1):
                nxt[r + 1] = p[r] / 6
            p = nxt
        if 1.0 - sum(p) <= FALSE_ALARM:
            return limit
    return rolls + 1


def _longest_run(rolls: str) -> int:
    longest = run = 1
    for a, b in pairwise(rolls):
        run = run + 1 if a == b else 1
        longest = max(longest, run)
    return longest


def check_rolls(rolls: str | bytes) -> DiceCheck:
    """Look for plainly non-random rolls (faces 1-6 only, at least two rolls; see the module doc)."""
    text = rolls.decode("ascii") if isinstance(rolls, bytes | bytearray) else "".join(rolls.split())
    if len(text) < 2 or any(c not in FACES for c in text):
        raise EntropyError("give at least two dice rolls, each a face 1-6")
    n = len(text)
    counts = [text.count(face) for face in FACES]
    chi = _chi_square(counts)
    longest, limit = _longest_run(text), run_limit(n)
    problems: list[str] = []
    if max(counts) == n:
        problems.append(f"all {n} rolls are {text[0]}")
    else:
        missing = [face for face, count in zip(FACES, counts, strict=True) if count == 0]
        if missing:
            faces = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            problems.append(f"{'face' if len(missing) == 1 else 'faces'} {faces} never came up in {n} rolls")
        elif chi > CHI_SQUARE_LIMIT:
            face = max(range(6), key=lambda i: abs(counts[i] - n / 6))
            problems.append(
                f"the faces came up unevenly: {FACES[face]} came up {counts[face]} times in {n} rolls, "
                f"where a fair die gives about {n / 6:.0f}"
            )
        if longest >= limit:
            problems.append(f"the same face came up {longest} times in a row")
        steps = [(int(b) - int(a)) % 6 for a, b in pairwise(text)]
        if _chi_square([steps.count(d) for d in range(6)]) > CHI_SQUARE_LIMIT:
            problems.append("the rolls follow a pattern (one roll to the next keeps the same step)")
    return DiceCheck(n, tuple(counts), chi, longest, limit, tuple(problems))


def verifiable_entropy(rolls: str | bytes, words: int) -> SecretBytes:
    """SHA-256 of the roll digits, cut to the entropy of ``words`` words (Coldcard's and SeedSigner's
    dice method). No minimum here: ``new_entropy`` checks the number of rolls."""
    check_method(words, DiceMethod.DICE_ONLY)
    data = rolls if isinstance(rolls, bytes | bytearray) else rolls.encode("ascii")
    digest = bytearray(hashlib.sha256(bytes(data)).digest())
    try:
        return SecretBytes(digest[: bip39.ENTROPY_BYTES[words]])
    finally:
        digest[:] = bytes(len(digest))


def check_method(words: int, method: DiceMethod) -> None:
    """Refuse a mnemonic length the method cannot make (before any roll is looked at)."""
    if method is DiceMethod.DICE_ONLY and words not in VERIFIABLE_WORDS:
        raise EntropyError("dice-only seeds have 12 or 24 words (as Coldcard and SeedSigner make them)")


def new_entropy(rolls: str, words: int, method: DiceMethod) -> SecretBytes:
    """Entropy for a new ``words``-word seed from ``rolls`` (spaces ignored), by ``method``."""
    check_method(words, method)
    cleaned = parse_dice(rolls, words)
    if method is DiceMethod.DICE_ONLY:
        return verifiable_entropy(cleaned, words)
    return bip39.generate_entropy(words, b"dice:" + cleaned)


def verify_note(rolls: int, words: int) -> str:
    """How to check a dice-only seed with other tools (no secret in it)."""
    exact = SEEDSIGNER_ROLLS[words]
    part = " (its first 16 bytes)" if words == 12 else ""
    if rolls == exact:
        tools = "Coldcard and SeedSigner give the same words from these rolls"
    else:
        tools = (
            f"Coldcard gives the same words from these rolls (SeedSigner takes exactly {exact} rolls "
            f"for {words} words)"
        )
    return f"{tools}; the entropy is the SHA-256 of the roll digits{part}."
