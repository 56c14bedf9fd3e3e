"""The mask pattern the qrcode library would choose for a QR symbol, found in a fraction of its time.

qrcode tries all eight masks by building the symbol eight times in pure Python and scoring each one
(``qrcode.util.lost_point``): about 85% of the time it takes to encode an animated frame. A symbol
built with mask 0 differs from the one built with mask k only on the data modules, by the XOR of
the two mask patterns (ISO/IEC 18004 section 7.8.2), so all eight candidates are made from the first
and scored at once with numpy, by the library's own rules: the ISO penalties N1 (runs of five or
more), N2 (2x2 blocks) and N3 (finder-like 1:1:3:1:1 runs with four light modules on one side), and
its dark-ratio term (10 points for each whole 5% away from half dark). Like the library, candidates
are scored with the format and version information left light.

The symbol itself is always built by qrcode, with the mask chosen here: a mistake here could only
cost a less-than-best mask, never a wrong code. tests/transport/test_qrmask.py checks that the
choice is the library's on contents of every mode, versions 1-40, every error correction level.

numpy is imported where a mask is chosen: heavy, and not needed to start.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from signer.transport.qrcapacity import modules

MASKS = 8
N3_WINDOW = 11  # dark-light-dark x3-light-dark plus four light modules
N3_PATTERNS = ((1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0), (0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1))


@lru_cache(maxsize=40)
def _areas(version: int) -> tuple[Any, Any]:
    """(data modules, format and version information modules) of a symbol, as bool arrays."""
    import numpy as np
    from qrcode import util

    n = modules(version)
    function = np.zeros((n, n), dtype=bool)
    for row, col in ((0, 0), (0, n - 8), (n - 8, 0)):  # finder patterns with their separators
        function[row : row + 8, col : col + 8] = True
    centres = util.pattern_position(version)
    for row in centres:
        for col in centres:
            if not function[row, col]:  # every alignment pattern but those on the finders
                function[row - 2 : row + 3, col - 2 : col + 3] = True
    function[6, :] = function[:, 6] = True  # timing patterns
    info = np.zeros((n, n), dtype=bool)
    info[8, :9] = info[:9, 8] = True  # format information around the top-left finder (and timing)
    info[8, n - 8 :] = info[n - 8 :, 8] = True  # its copy, and the dark module at (n - 8, 8)
    if version >= 7:
        info[:6, n - 11 : n - 8] = info[n - 11 : n - 8, :6] = True  # version information
    info &= ~function
    return ~(function | info), info


@lru_cache(maxsize=40)
def _mask_flips(version: int) -> Any:
    """For each mask k, the data modules where mask k and mask 0 differ: (8, n, n) bool."""
    import numpy as np

    n = modules(version)
    i, j = np.indices((n, n))
    patterns = np.stack(
        [
            (i + j) % 2 == 0,
            i % 2 == 0,
            j % 3 == 0,
            (i + j) % 3 == 0,
            (i // 2 + j // 3) % 2 == 0,
            (i * j) % 2 + (i * j) % 3 == 0,
            ((i * j) % 2 + (i * j) % 3) % 2 == 0,
            ((i * j) % 3 + (i + j) % 2) % 2 == 0,
        ]
    )
    data, _ = _areas(version)
    return (patterns ^ patterns[0]) & data


def best_mask(symbol_with_mask_0: Any, version: int) -> int:
    """The mask qrcode would choose for the symbol it built with mask 0 (bool array, True = dark)."""
    import numpy as np

    _, info = _areas(version)
    candidates = symbol_with_mask_0[np.newaxis] ^ _mask_flips(version)
    candidates[:, info] = False  # scored as the library scores them: information areas light
    scores = penalty(candidates)
    return int(np.argmin(scores))  # the first of equal scores, as the library keeps it


def penalty(symbols: Any) -> Any:
    """The library's score of each symbol in a (k, n, n) bool array: lower is better."""
    import numpy as np

    both = (symbols, symbols.transpose(0, 2, 1))  # rows, then columns as rows
    n = symbols.shape[1]
    score = sum(_runs(lines) for lines in both)
    blocks = (symbols[:, :-1, :-1] == symbols[:, 1:, :-1]) & (symbols[:, :-1, :-1] == symbols[:, :-1, 1:])
    blocks &= symbols[:, :-1, :-1] == symbols[:, 1:, 1:]
    score = score + 3 * blocks.sum(axis=(1, 2))
    windows = [np.lib.stride_tricks.sliding_window_view(lines, N3_WINDOW, axis=2) for lines in both]
    for pattern in N3_PATTERNS:
        wanted = np.array(pattern, dtype=bool)
        score = score + 40 * sum((w == wanted).all(axis=3).sum(axis=(1, 2)) for w in windows)
    dark_ratio = symbols.sum(axis=(1, 2)) / float(n * n)  # computed as the library does, to the last bit
    score = score + 10 * (np.abs(dark_ratio * 100 - 50) / 5).astype(int)
    return score


def _runs(lines: Any) -> Any:
    """N1 over the rows of each symbol: a run of five or more same-coloured modules costs its length - 2."""
    import numpy as np

    k, rows, n = lines.shape
    change = np.ones((k, rows, n + 1), dtype=bool)
    change[:, :, 1:n] = lines[:, :, 1:] != lines[:, :, :-1]
    starts = np.flatnonzero(change.reshape(-1))  # run starts; each row ends in a marker of its own
    lengths = np.diff(starts)  # (a row's marker to the next row's start is a run of 1: never counted)
    owners = starts[:-1] // (rows * (n + 1))  # which symbol each run belongs to
    counted = lengths >= 5
    return np.bincount(owners[counted], weights=lengths[counted] - 2, minlength=k).astype(int)
