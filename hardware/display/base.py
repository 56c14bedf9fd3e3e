"""The display interface every backend implements.

PIL is imported where a picture is made: heavy, and not needed to start.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from types import TracebackType
from typing import TYPE_CHECKING, Self

from hardware.errors import ConfigError, InvalidFrame

if TYPE_CHECKING:
    from PIL import Image


class Display(ABC):
    """A screen that shows whole frames of exactly :attr:`size` pixels.

    ``secret`` marks a frame that shows secret material (a mnemonic, a SeedQR). The physical screen
    shows it as given (the person must see it); capture backends use the flag to keep it out of files.
    """

    @property
    @abstractmethod
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""

    @abstractmethod
    def show(self, image: Image.Image, *, secret: bool = False) -> None:
        """Show ``image`` (any PIL mode; converted to RGB). Raises InvalidFrame on a wrong size."""

    @abstractmethod
    def set_backlight(self, level: float) -> None:
        """Set the backlight from 0.0 (off) to 1.0 (full). Raises ConfigError outside that range."""

    @abstractmethod
    def close(self) -> None:
        """Release the device; idempotent."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def check_frame(image: object, size: tuple[int, int]) -> Image.Image:
    """Return ``image`` as an RGB PIL image after checking it is a PIL image of exactly ``size``."""
    from PIL import Image

    if not isinstance(image, Image.Image):
        raise InvalidFrame(f"a display frame must be a PIL image, not {type(image).__name__}")
    if image.size != size:
        raise InvalidFrame(f"frame is {image.size[0]}x{image.size[1]}, the display is {size[0]}x{size[1]}")
    return image if image.mode == "RGB" else image.convert("RGB")


def check_level(level: object) -> float:
    """Validate a backlight level in [0, 1]."""
    if isinstance(level, bool) or not isinstance(level, int | float) or not math.isfinite(level):
        raise ConfigError(f"backlight level must be a number from 0 to 1, not {level!r}")
    if not 0.0 <= level <= 1.0:
        raise ConfigError(f"backlight level must be from 0 to 1, not {level}")
    return float(level)
