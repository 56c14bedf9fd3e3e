"""Headless capture display: last frame in memory, PNG per frame, secret frames not written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from hardware.display.headless import CaptureDisplay, secret_placeholder
from hardware.errors import ConfigError, DeviceError, InvalidFrame


def frame(colour: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", (240, 240), colour)
    ImageDraw.Draw(image).rectangle((10, 10, 50, 50), fill=(255, 255, 255))
    return image


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_keeps_the_last_frames_and_writes_pngs(tmp_path: Path) -> None:
    display = CaptureDisplay(directory=tmp_path / "shots", keep=2)
    first, second, third = frame((200, 0, 0)), frame((0, 200, 0)), frame((0, 0, 200))
    for image in (first, second, third):
        display.show(image)
    assert display.frames_shown == 3
    assert [f.index for f in display.history] == [2, 3]
    assert np.array_equal(np.asarray(display.last_frame), np.asarray(third))
    assert [p.name for p in display.written] == ["frame-000001.png", "frame-000002.png", "frame-000003.png"]
    assert np.array_equal(pixels(display.written[1]), np.asarray(second))


def test_secret_frames_stay_in_memory_but_not_on_disk(tmp_path: Path) -> None:
    display = CaptureDisplay(directory=tmp_path)
    secret = frame((1, 2, 3))
    display.show(secret, secret=True)
    assert display.last_secret
    assert np.array_equal(np.asarray(display.last_frame), np.asarray(secret))  # the test can inspect it
    on_disk = pixels(display.written[0])
    assert not np.array_equal(on_disk, np.asarray(secret))
    assert np.array_equal(on_disk, np.asarray(secret_placeholder((240, 240))))


def test_secret_frames_written_when_allowed(tmp_path: Path) -> None:
    display = CaptureDisplay(directory=tmp_path, allow_secret_png=True)
    secret = frame((1, 2, 3))
    display.show(secret, secret=True)
    assert np.array_equal(pixels(display.written[0]), np.asarray(secret))


def test_without_a_directory_nothing_is_written(tmp_path: Path) -> None:
    display = CaptureDisplay()
    display.show(Image.new("L", (240, 240), 7))
    assert display.written == [] and list(tmp_path.iterdir()) == []
    assert display.last_frame is not None and display.last_frame.mode == "RGB"


def test_errors() -> None:
    display = CaptureDisplay(size=(128, 64))
    with pytest.raises(InvalidFrame, match="128x64"):
        display.show(Image.new("RGB", (240, 240)))
    with pytest.raises(ConfigError):
        display.set_backlight(2)
    display.set_backlight(0.25)
    assert display.backlight == 0.25
    display.close()
    assert display.last_frame is None
    with pytest.raises(DeviceError):
        display.show(Image.new("RGB", (128, 64)))
    with pytest.raises(ConfigError):
        CaptureDisplay(size=(0, 10))
