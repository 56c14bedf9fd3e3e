"""ESC/POS thermal printers (58 mm: 384 dots a line at 203 dpi; 80 mm: 576), raster graphics only.

Each image becomes ``GS v 0`` raster bit-image commands (one bit per dot, 1 = burn, most significant
bit leftmost, rows top to bottom), sent in bands so small printer buffers keep up, then a paper feed
and optionally a cut. The bytes are built here rather than with python-escpos: they are few, and the
simulated printer (:mod:`hardware.printer.sim_escpos`) reads back exactly what is sent.

numpy and PIL are imported where a card is rastered: heavy, and not needed to start.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from hardware.errors import ConfigError, InvalidFrame
from hardware.printer.base import Printer, check_image
from hardware.printer.sinks import ByteSink

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

ESC = 0x1B
GS = 0x1D
INITIALIZE = bytes([ESC, ord("@")])
RASTER = bytes([GS, ord("v"), ord("0")])  # GS v 0 m xL xH yL yH d1...dk
MAX_RASTER_ROWS = 2303  # the command's documented row limit for most printers
WIDTH_58MM = 384
WIDTH_80MM = 576


def to_bitmap(
    image: Image.Image, width_dots: int, *, threshold: int = 128, dither: bool = False, fit: bool = False
) -> np.ndarray:
    """(H, width_dots) bool array, True where the printer burns a dot; the image is centred.

    Images wider than the paper raise InvalidFrame unless ``fit`` shrinks them (which blurs fine
    detail such as QR modules: compose at the paper's width instead).
    """
    import numpy as np
    from PIL import Image

    gray = check_image(image).convert("L")
    if gray.width > width_dots:
        if not fit:
            raise InvalidFrame(f"image is {gray.width} dots wide; the paper takes {width_dots}")
        height = max(1, round(gray.height * width_dots / gray.width))
        gray = gray.resize((width_dots, height), Image.Resampling.LANCZOS)
    # dithering is Pillow's Floyd-Steinberg; a plain threshold keeps QR modules crisp
    dark = np.asarray(gray.convert("1")) == 0 if dither else np.asarray(gray) < threshold
    bitmap = np.zeros((gray.height, width_dots), dtype=bool)
    left = (width_dots - gray.width) // 2
    bitmap[:, left : left + gray.width] = dark
    return bitmap


def raster_commands(bitmap: np.ndarray, *, band_rows: int = 64) -> bytes:
    """``GS v 0`` commands for a bool bitmap whose width is a multiple of 8, ``band_rows`` rows each."""
    import numpy as np

    height, width = bitmap.shape
    if width % 8:
        raise ConfigError(f"raster width must be a multiple of 8 dots, not {width}")
    if not 1 <= band_rows <= MAX_RASTER_ROWS:
        raise ConfigError(f"band rows must be 1-{MAX_RASTER_ROWS}, not {band_rows}")
    packed = np.packbits(bitmap, axis=1, bitorder="big")
    out = bytearray()
    for top in range(0, height, band_rows):
        band = packed[top : top + band_rows]
        out += RASTER + struct.pack("<BHH", 0, width // 8, band.shape[0]) + band.tobytes()
    return bytes(out)


def feed_lines(lines: int) -> bytes:
    """ESC d n: print what is buffered and feed ``lines`` lines."""
    if not 0 <= lines <= 255:
        raise ConfigError(f"feed must be 0-255 lines, not {lines}")
    return bytes([ESC, ord("d"), lines])


PARTIAL_CUT = bytes([GS, ord("V"), 1])


class EscPosPrinter(Printer):
    """Prints each image as raster graphics to ``sink`` (a serial port, ``/dev/usb/lp0``, memory)."""

    def __init__(
        self,
        sink: ByteSink,
        *,
        width_dots: int = WIDTH_58MM,
        threshold: int = 128,
        dither: bool = False,
        fit: bool = False,
        band_rows: int = 64,
        feed: int = 4,
        cut: bool = False,
    ) -> None:
        if width_dots <= 0 or width_dots % 8:
            raise ConfigError(f"paper width must be a positive multiple of 8 dots, not {width_dots}")
        if not 0 <= threshold <= 256:
            raise ConfigError(f"threshold must be 0-256, not {threshold}")
        feed_lines(feed)
        raster_commands(_empty(width_dots), band_rows=band_rows)
        self.sink = sink
        self.width_dots = width_dots
        self.threshold = threshold
        self.dither = dither
        self.fit = fit
        self.band_rows = band_rows
        self.feed = feed
        self.cut = cut

    def job_bytes(self, image: Image.Image) -> bytes:
        """Everything sent for one image: initialise, raster bands, feed, cut."""
        bitmap = to_bitmap(image, self.width_dots, threshold=self.threshold, dither=self.dither, fit=self.fit)
        job = INITIALIZE + raster_commands(bitmap, band_rows=self.band_rows) + feed_lines(self.feed)
        return job + PARTIAL_CUT if self.cut else job

    def print_image(self, image: Image.Image) -> None:
        self.sink.write(self.job_bytes(image))

    def close(self) -> None:
        self.sink.close()


def _empty(width: int) -> np.ndarray:
    import numpy as np

    return np.zeros((1, width), dtype=bool)
