"""QR code capacity facts used to size BBQr parts and animated frames.

Characters per symbol in alphanumeric mode (``0-9A-Z $%*+-./:``) for versions 1..40, per error
correction level. Source: ISO/IEC 18004 table 7, as tabulated by coinkite/BBQr ``js/src/consts.ts``
(and pyqrcode ``tables.py``).
"""

from __future__ import annotations

ECC_LEVELS = ("L", "M", "Q", "H")
MAX_VERSION = 40

_ALNUM: dict[str, tuple[int, ...]] = {
    "L": (
        25, 47, 77, 114, 154, 195, 224, 279, 335, 395,  # v1-10
        468, 535, 619, 667, 758, 854, 938, 1046, 1153, 1249,  # v11-20
        1352, 1460, 1588, 1704, 1853, 1990, 2132, 2223, 2369, 2520,  # v21-30
        2677, 2840, 3009, 3183, 3351, 3537, 3729, 3927, 4087, 4296,  # v31-40
    ),
    "M": (
        20, 38, 61, 90, 122, 154, 178, 221, 262, 311,  # v1-10
        366, 419, 483, 528, 600, 656, 734, 816, 909, 970,  # v11-20
        1035, 1134, 1248, 1326, 1451, 1542, 1637, 1732, 1839, 1994,  # v21-30
        2113, 2238, 2369, 2506, 2632, 2780, 2894, 3054, 3220, 3391,  # v31-40
    ),
    "Q": (
        16, 29, 47, 67, 87, 108, 125, 157, 189, 221,  # v1-10
        259, 296, 352, 376, 426, 470, 531, 574, 644, 702,  # v11-20
        742, 823, 890, 963, 1041, 1094, 1172, 1263, 1322, 1429,  # v21-30
        1499, 1618, 1700, 1787, 1867, 1966, 2071, 2181, 2298, 2420,  # v31-40
    ),
    "H": (
        10, 20, 35, 50, 64, 84, 93, 122, 143, 174,  # v1-10
        200, 227, 259, 283, 321, 365, 408, 452, 493, 557,  # v11-20
        587, 640, 672, 744, 779, 864, 910, 958, 1016, 1080,  # v21-30
        1150, 1226, 1307, 1394, 1431, 1530, 1591, 1658, 1774, 1852,  # v31-40
    ),
}  # fmt: skip


def alnum_capacity(version: int, ecc: str = "L") -> int:
    """Alphanumeric characters that fit one QR symbol of ``version`` at error correction ``ecc``."""
    if not 1 <= version <= MAX_VERSION:
        raise ValueError(f"QR version {version} out of range 1..{MAX_VERSION}")
    if ecc not in _ALNUM:
        raise ValueError(f"unknown QR error correction level {ecc!r}")
    return _ALNUM[ecc][version - 1]


def modules(version: int) -> int:
    """Modules across one side of a QR symbol of ``version`` (without quiet zone)."""
    return 17 + 4 * version


def smallest_alnum_version(length: int, ecc: str = "L") -> int | None:
    """Lowest version holding ``length`` alphanumeric characters at ``ecc``, or None if none does."""
    for version, cap in enumerate(_ALNUM[ecc], start=1):
        if cap >= length:
            return version
    return None
