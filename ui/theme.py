"""Colours, fonts and sizes for the 240x240 screen."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

from signer.review import Severity

SIZE = (240, 240)
MARGIN = 8
TITLE_H = 30

BG = (0, 0, 0)
FG = (236, 236, 236)
DIM = (150, 150, 150)
ACCENT = (255, 159, 10)  # Airlock orange: selection, progress
SELECT_BG = (60, 60, 64)
OK = (48, 209, 88)
SEVERITY: dict[str, tuple[int, int, int]] = {
    Severity.INFO: (100, 170, 255),
    Severity.WARN: (255, 200, 0),
    Severity.DANGER: (255, 69, 58),
}
DEMO_BANNER = (160, 0, 160)

BODY = 17
SMALL = 14
TITLE = 19
LARGE = 26


@lru_cache(maxsize=16)
def font(size: int = BODY) -> ImageFont.FreeTypeFont:
    """Pillow's built-in scalable font: no font files needed on the device image."""
    # typed as either font; with a size it is FreeType's (Pillow's wheels always bundle FreeType)
    return ImageFont.load_default(size=size)  # type: ignore[return-value]


WARN = SEVERITY[Severity.WARN]
DANGER = SEVERITY[Severity.DANGER]
INFO = SEVERITY[Severity.INFO]
BUTTON_BG = (40, 40, 44)
DISABLED = (80, 80, 84)
WIDTH = SIZE[0]
HEIGHT = SIZE[1]
CONTENT_W = SIZE[0] - 2 * MARGIN
