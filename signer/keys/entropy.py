"""Person-supplied entropy: dice rolls and camera frames, mixed into (never replacing) the CSPRNG."""

from __future__ import annotations

import math

from signer.keys.errors import EntropyError

BITS_PER_DIE = math.log2(6)
# Rolls needed to claim the full entropy of each mnemonic length (Coldcard and SeedSigner
# count 50 for 12 words and 99 for 24: ceil(bits / log2(6))).
MIN_ROLLS = {12: 50, 15: 62, 18: 75, 21: 87, 24: 99}


def dice_entropy_bits(rolls: str) -> float:
    return len(rolls) * BITS_PER_DIE


def parse_dice(rolls: str, words: int) -> bytes:
    """Validate a string of die faces 1-6 (spaces ignored) and return it as bytes to mix in."""
    cleaned = "".join(rolls.split())
    bad = sorted({c for c in cleaned if c not in "123456"})
    if bad:
        raise EntropyError(f"dice rolls may only contain the faces 1-6; found {''.join(bad)!r}")
    need = MIN_ROLLS.get(words)
    if need is None:
        raise EntropyError(f"choose 12, 15, 18, 21 or 24 words, not {words}")
    if len(cleaned) < need:
        raise EntropyError(
            f"{words} words need at least {need} dice rolls; {len(cleaned)} given "
            f"({dice_entropy_bits(cleaned):.0f} of {words * 32 // 3} bits)"
        )
    return cleaned.encode()


def camera_entropy(frame: bytes, min_bytes: int = 1024) -> bytes:
    """Raw bytes of a camera frame to mix in. A frame too small or uniform adds nothing: refuse it."""
    if len(frame) < min_bytes:
        raise EntropyError(f"camera frame too small to add entropy ({len(frame)} bytes)")
    if len(set(frame[:: max(1, len(frame) // 4096)])) < 16:
        raise EntropyError("camera frame is nearly uniform (lens covered?); point the camera at a scene")
    return frame
