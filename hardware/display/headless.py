"""A display with no screen: keeps the last frames in memory and can write each one as a PNG.

Used by tests and to make documentation screenshots. Frames flagged ``secret`` (the UI decides which:
a mnemonic, a SeedQR, a private key) stay in memory for the test that showed them, but the PNG written
for them is a blank placeholder unless ``allow_secret_png`` is set, so a docs run never leaves seed
words on disk by accident.

PIL is imported where a picture is made: heavy, and not needed to start.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hardware.display.base import Display, check_frame, check_level
from hardware.errors import ConfigError, DeviceError

if TYPE_CHECKING:
    from PIL import Image

SECRET_PLACEHOLDER_TEXT = "secret screen not saved"


@dataclass(frozen=True)
class CapturedFrame:
    image: Image.Image
    secret: bool
    index: int


def secret_placeholder(size: tuple[int, int]) -> Image.Image:
    """The image written instead of a secret frame: mid grey with a short note."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (96, 96, 96))
    ImageDraw.Draw(image).text((8, size[1] // 2 - 6), SECRET_PLACEHOLDER_TEXT, fill=(230, 230, 230))
    return image


class CaptureDisplay(Display):
    """Headless display. ``history`` keeps the last ``keep`` frames; ``directory`` gets
    ``frame-000001.png``, ``frame-000002.png``, ... one per ``show``."""

    def __init__(
        self,
        size: tuple[int, int] = (240, 240),
        directory: Path | str | None = None,
        *,
        allow_secret_png: bool = False,
        keep: int = 1,
    ) -> None:
        if len(size) != 2 or min(size) <= 0:
            raise ConfigError(f"display size must be two positive numbers, not {size!r}")
        if keep < 1:
            raise ConfigError(f"keep must be at least 1, not {keep}")
        self._size = (int(size[0]), int(size[1]))
        self.directory = Path(directory) if directory is not None else None
        if self.directory is not None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DeviceError(f"cannot create frame directory {self.directory}: {exc.strerror}") from exc
        self.allow_secret_png = allow_secret_png
        self.history: deque[CapturedFrame] = deque(maxlen=keep)
        self.frames_shown = 0
        self.written: list[Path] = []
        self.backlight = 1.0
        self.closed = False

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    @property
    def last_frame(self) -> Image.Image | None:
        return self.history[-1].image if self.history else None

    @property
    def last_secret(self) -> bool:
        return bool(self.history) and self.history[-1].secret

    def show(self, image: Image.Image, *, secret: bool = False) -> None:
        if self.closed:
            raise DeviceError("the display is closed")
        frame = check_frame(image, self._size).copy()
        self.frames_shown += 1
        self.history.append(CapturedFrame(frame, secret, self.frames_shown))
        if self.directory is not None:
            path = self.directory / f"frame-{self.frames_shown:06d}.png"
            to_write = secret_placeholder(self._size) if secret and not self.allow_secret_png else frame
            try:
                to_write.save(path, format="PNG")
            except OSError as exc:
                raise DeviceError(f"cannot write {path}: {exc.strerror or exc}") from exc
            self.written.append(path)

    def set_backlight(self, level: float) -> None:
        self.backlight = check_level(level)

    def close(self) -> None:
        self.closed = True
        self.history.clear()
