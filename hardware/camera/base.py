"""The camera interface and the orientation every backend applies the same way.

numpy is imported where a frame is converted: heavy, and not needed to start.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import TYPE_CHECKING, Self

from hardware.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np


class Camera(ABC):
    """Frames as numpy arrays: (H, W) uint8 grayscale or (H, W, 3) uint8 RGB.

    ``mirror`` flips left-right first, then ``rotation`` (0, 90, 180, 270) turns clockwise.
    ``read`` returns None when no new frame is available (yet, or any more).
    Used as a context manager it starts on entry and stops on exit.
    """

    def __init__(self, *, rotation: int = 0, mirror: bool = False, grayscale: bool = False) -> None:
        if rotation not in (0, 90, 180, 270):
            raise ConfigError(f"camera rotation must be 0, 90, 180 or 270, not {rotation!r}")
        self.rotation = rotation
        self.mirror = mirror
        self.grayscale = grayscale

    @abstractmethod
    def start(self) -> None:
        """Open the device or source; idempotent."""

    @abstractmethod
    def read(self) -> np.ndarray | None:
        """The next frame, oriented, or None."""

    @abstractmethod
    def stop(self) -> None:
        """Release the device or source; idempotent."""

    def orient(self, frame: np.ndarray) -> np.ndarray:
        """Apply grayscale, mirror and rotation to a raw (H, W) or (H, W, 3) RGB uint8 frame."""
        import numpy as np

        if self.grayscale and frame.ndim == 3:
            frame = to_gray(frame)
        if self.mirror:
            frame = frame[:, ::-1]
        if self.rotation:
            frame = np.rot90(frame, k=-(self.rotation // 90))
        return np.ascontiguousarray(frame)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma (the weights Pillow's "L" uses), rounded, as uint8."""
    import numpy as np

    weighted = rgb[..., 0].astype(np.uint32) * 299 + rgb[..., 1].astype(np.uint32) * 587
    weighted += rgb[..., 2].astype(np.uint32) * 114
    return ((weighted + 500) // 1000).astype(np.uint8)
