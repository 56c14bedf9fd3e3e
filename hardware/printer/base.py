"""The printer interface.

PIL is imported where a picture is checked: heavy, and not needed to start.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import TYPE_CHECKING, Self

from hardware.errors import InvalidFrame

if TYPE_CHECKING:
    from PIL import Image


class Printer(ABC):
    """Prints PIL images, one card or page per call."""

    @abstractmethod
    def print_image(self, image: Image.Image) -> None:
        """Print ``image`` (any mode; dark pixels print). Raises InvalidFrame for what cannot print."""

    def close(self) -> None:  # noqa: B027 - optional for printers with nothing to release
        """Release the port or file; idempotent."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def check_image(image: object) -> Image.Image:
    from PIL import Image

    if not isinstance(image, Image.Image):
        raise InvalidFrame(f"a printer takes a PIL image, not {type(image).__name__}")
    if image.width == 0 or image.height == 0:
        raise InvalidFrame("cannot print an empty image")
    return image
