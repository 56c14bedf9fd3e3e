"""Image files from anyone, opened within bounds a Pi Zero 2 W (512 MB) can afford.

An image file declares its size in its header, and a small file can declare a huge one: a 100 KB
PNG of 9000 x 9000 white pixels decodes to 240 MB and made the QR retry passes run for half a
minute. So the header is read first (Pillow opens lazily), the format and the size are checked
before a single pixel is decoded, every decoder failure becomes one :class:`TransportError`, and
large photos are reduced before the QR passes (a code in a 12 MP photo is still far larger than
the reduced image's pixel).

PIL and numpy are imported inside the function: only the flows that read images pay for them.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from signer.transport.errors import TransportError

FORMATS = frozenset({"PNG", "JPEG", "BMP", "GIF", "WEBP", "TIFF", "PPM"})
MAX_SIDE = 8192
MAX_PIXELS = 4096 * 4096  # a 12 MP phone photo fits; 64 MB as RGBA
DECODE_SIDE = 2048  # larger images are reduced to this longest side before decoding QR codes


def open_gray(raw: bytes, label: str = "the image") -> Any:
    """``raw`` image file bytes as a 2-D uint8 numpy array, reduced to at most ``DECODE_SIDE``."""
    with warnings.catch_warnings():
        # Pillow warns about what it skips in a damaged file ("Corrupt EXIF data..."); the person is
        # told in one line whether the image could be read, never shown the library's warnings
        warnings.simplefilter("ignore")
        return _open_gray(raw, label)


def _open_gray(raw: bytes, label: str) -> Any:
    import numpy as np
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(raw), formats=sorted(FORMATS))
    except Image.DecompressionBombError:
        raise TransportError(f"{label} declares an image too large to read") from None
    except Exception as exc:  # Pillow raises many types for a broken header
        raise TransportError(f"{label} is not a readable image ({type(exc).__name__})") from None
    with image:
        width, height = image.size
        if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE) or width * height > MAX_PIXELS:
            raise TransportError(
                f"{label} is {width} x {height} pixels; images up to {MAX_SIDE} px a side and "
                f"{MAX_PIXELS // 1_000_000} megapixels are read"
            )
        try:
            if image.format == "JPEG":  # let the JPEG decoder skip what will be scaled away
                image.draft("L", (DECODE_SIDE, DECODE_SIDE))
            image.load()
            gray = image.convert("L")
            if max(gray.size) > DECODE_SIDE:
                gray.thumbnail((DECODE_SIDE, DECODE_SIDE), Image.Resampling.BOX)
            return np.asarray(gray, dtype=np.uint8)
        except MemoryError:
            raise TransportError(f"{label} is too large to decode here") from None
        except Exception as exc:  # truncated data, bad chunks, decoder errors
            raise TransportError(f"{label} is damaged and cannot be decoded ({type(exc).__name__})") from None
