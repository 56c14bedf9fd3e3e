"""qr_matrix picks its mask with signer/transport/qrmask.py: the symbols must be the qrcode library's own.

The reference is the library as it is used everywhere else: ``QRCode.make()`` choosing the mask by
building all eight candidates itself.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import qrcode
from qrcode import constants, util

from signer.transport import frames, qrmask
from signer.transport.qrcapacity import modules

LEVELS = {
    "L": constants.ERROR_CORRECT_L,
    "M": constants.ERROR_CORRECT_M,
    "Q": constants.ERROR_CORRECT_Q,
    "H": constants.ERROR_CORRECT_H,
}
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def library_symbol(content: str | bytes, ecc: str, version: int | None) -> np.ndarray:
    segment = (
        util.QRData(content, mode=util.MODE_8BIT_BYTE) if isinstance(content, bytes) else util.QRData(content)
    )
    code = qrcode.QRCode(version=version, error_correction=LEVELS[ecc], border=0)
    code.add_data(segment)
    code.make(fit=version is None)
    return np.array(code.get_matrix(), dtype=bool)


def contents(seed: int, count: int, longest: int) -> list[tuple[str | bytes, str]]:
    rng = random.Random(seed)
    made: list[tuple[str | bytes, str]] = []
    for _ in range(count):
        size = rng.randint(1, longest)
        kind = rng.choice(["alnum", "numeric", "bytes", "text"])
        content: str | bytes
        if kind == "alnum":
            content = "".join(rng.choice(ALNUM) for _ in range(size))
        elif kind == "numeric":
            content = "".join(rng.choice("0123456789") for _ in range(size))
        elif kind == "bytes":
            content = rng.randbytes(size)
        else:
            content = "".join(rng.choice("abcxyz é€ 0123") for _ in range(size))
        made.append((content, rng.choice("LMQH")))
    return made


@pytest.mark.parametrize("case", range(8))
def test_small_symbols_are_the_librarys_own(case: int) -> None:
    for content, ecc in contents(case, 40, 180):
        assert np.array_equal(frames.qr_matrix(content, ecc=ecc), library_symbol(content, ecc, None))


@pytest.mark.parametrize("version", [7, 10, 14, 20, 27, 33, 40])
def test_large_symbols_are_the_librarys_own(version: int) -> None:
    rng = random.Random(version)
    content = "".join(rng.choice(ALNUM) for _ in range(rng.randint(10, 60)))
    for ecc in ("L", "H"):
        mine = frames.qr_matrix(content, ecc=ecc, version=version)
        assert mine.shape == (modules(version), modules(version))
        assert np.array_equal(mine, library_symbol(content, ecc, version))


def test_the_animated_frames_of_a_psbt_are_the_librarys_own() -> None:
    frame_set = frames.encode_frames(bytes(range(256)) * 8, format="ur", ur_type="crypto-psbt")
    for text in frame_set.texts[:12]:
        mine = frames.qr_matrix(text, ecc=frame_set.ecc, version=frame_set.version)
        assert np.array_equal(mine, library_symbol(text, frame_set.ecc, frame_set.version))


def test_the_choice_is_not_always_the_same_mask() -> None:
    chosen = set()
    for content, ecc in contents(99, 40, 120):
        code = qrcode.QRCode(error_correction=LEVELS[ecc], border=0, mask_pattern=0)
        code.add_data(
            util.QRData(content, mode=util.MODE_8BIT_BYTE) if isinstance(content, bytes) else content
        )
        code.make(fit=True)
        chosen.add(qrmask.best_mask(np.array(code.get_matrix(), dtype=bool), code.version))
    assert len(chosen) >= 5  # a scorer stuck on one mask would still give valid codes: catch it here
