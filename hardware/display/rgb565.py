"""RGB888 <-> RGB565 with numpy; the panel takes each pixel as two bytes, most significant first.

numpy and PIL are imported where a frame is converted: heavy, and not needed to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


def to_rgb565(image: Image.Image) -> np.ndarray:
    """(H, W) uint16 array of RGB565 values (R in bits 15-11, G 10-5, B 4-0) from an RGB image."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB") if image.mode != "RGB" else image, dtype=np.uint16)
    return ((rgb[..., 0] >> 3) << 11) | ((rgb[..., 1] >> 2) << 5) | (rgb[..., 2] >> 3)


def to_wire(pixels: np.ndarray) -> bytes:
    """Big-endian bytes of an RGB565 array, the order the ST7789 reads in 16-bit mode."""
    return pixels.astype(">u2", copy=False).tobytes()


def from_rgb565(pixels: np.ndarray) -> Image.Image:
    """RGB image from an (H, W) RGB565 array; each channel's high bits are repeated into its low bits."""
    import numpy as np
    from PIL import Image

    p = pixels.astype(np.uint16, copy=False)
    r5 = (p >> 11) & 0x1F
    g6 = (p >> 5) & 0x3F
    b5 = p & 0x1F
    rgb = np.stack([(r5 << 3) | (r5 >> 2), (g6 << 2) | (g6 >> 4), (b5 << 3) | (b5 >> 2)], axis=-1)
    return Image.fromarray(rgb.astype(np.uint8), "RGB")
