"""Cameras: frames from files, a video and a directory being written; OpenCV; picamera2's absence."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hardware.camera.frames import FramesCamera
from hardware.camera.opencv import OpenCVCamera
from hardware.camera.picamera import PiCamera
from hardware.errors import BackendUnavailable, ConfigError, DeviceError


def solid(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (32, 24)) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def marked(path: Path) -> Path:
    """32 x 24, black with one red pixel top-left: orientation shows where it ends up."""
    image = Image.new("RGB", (32, 24))
    image.putpixel((0, 0), (255, 0, 0))
    image.save(path)
    return path


def test_files_come_back_in_order_then_none(tmp_path: Path) -> None:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    paths = [solid(tmp_path / f"{i}.png", c) for i, c in enumerate(colours)]
    with FramesCamera.from_files(paths) as camera:
        frames = [camera.read() for _ in range(3)]
        assert camera.exhausted
        assert camera.read() is None
    for frame, colour in zip(frames, colours, strict=True):
        assert frame is not None and frame.shape == (24, 32, 3) and frame.dtype == np.uint8
        assert tuple(frame[5, 5]) == colour


def test_files_loop(tmp_path: Path) -> None:
    paths = [solid(tmp_path / "a.png", (1, 2, 3)), solid(tmp_path / "b.png", (4, 5, 6))]
    with FramesCamera.from_files(paths, loop=True) as camera:
        seen = [tuple(camera.read()[0, 0]) for _ in range(5)]  # type: ignore[index]
    assert seen == [(1, 2, 3), (4, 5, 6), (1, 2, 3), (4, 5, 6), (1, 2, 3)]


@pytest.mark.parametrize(
    ("options", "shape", "where"),
    [
        ({}, (24, 32), (0, 0)),
        ({"rotation": 90}, (32, 24), (0, 23)),  # clockwise: top-left goes top-right
        ({"rotation": 180}, (24, 32), (23, 31)),
        ({"rotation": 270}, (32, 24), (31, 0)),
        ({"mirror": True}, (24, 32), (0, 31)),
        ({"mirror": True, "rotation": 90}, (32, 24), (31, 23)),
    ],
)
def test_rotation_and_mirror(
    tmp_path: Path, options: dict[str, object], shape: tuple[int, int], where: tuple[int, int]
) -> None:
    with FramesCamera.from_files([marked(tmp_path / "m.png")], **options) as camera:
        frame = camera.read()
    assert frame is not None and frame.shape[:2] == shape
    assert tuple(frame[where]) == (255, 0, 0)
    assert int(frame.sum()) == 255


def test_grayscale_uses_the_luma_weights(tmp_path: Path) -> None:
    path = solid(tmp_path / "g.png", (200, 100, 50))
    with FramesCamera.from_files([path], grayscale=True) as camera:
        frame = camera.read()
    assert frame is not None and frame.shape == (24, 32)
    assert frame[0, 0] == round(200 * 0.299 + 100 * 0.587 + 50 * 0.114)
    assert frame[0, 0] == Image.new("RGB", (1, 1), (200, 100, 50)).convert("L").getpixel((0, 0))


def test_directory_being_written_while_read(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    count = 6

    def writer() -> None:
        for i in range(count):
            temp = folder / f".frame-{i:03d}.png"  # written under a hidden name, then renamed
            solid(temp, (i * 40, 0, 0))
            os.replace(temp, folder / f"frame-{i:03d}.png")
            time.sleep(0.02)

    thread = threading.Thread(target=writer)
    with FramesCamera.from_directory(folder) as camera:
        assert camera.read() is None  # nothing there yet
        thread.start()
        reds = []
        deadline = time.monotonic() + 5
        while len(reds) < count and time.monotonic() < deadline:
            frame = camera.read()
            if frame is None:
                time.sleep(0.005)
            else:
                reds.append(int(frame[0, 0, 0]))
        thread.join()
        assert camera.read() is None
        assert not camera.exhausted
    assert reds == [i * 40 for i in range(count)]


def test_directory_retries_a_half_written_file_then_skips_it_if_it_never_completes(tmp_path: Path) -> None:
    solid(tmp_path / "src.png", (9, 9, 9))
    data = (tmp_path / "src.png").read_bytes()
    (tmp_path / "src.png").unlink()
    partial = tmp_path / "a.png"
    partial.write_bytes(data[: len(data) // 2])
    with FramesCamera.from_directory(tmp_path, settle_s=60) as camera:
        assert camera.read() is None  # not decodable yet: left for later
        partial.write_bytes(data)  # the writer finished
        frame = camera.read()
        assert frame is not None and tuple(frame[0, 0]) == (9, 9, 9)
    broken = tmp_path / "b.png"
    broken.write_bytes(b"not an image at all")
    os.utime(broken, (time.time() - 120, time.time() - 120))  # and nobody has touched it for minutes
    solid(tmp_path / "c.png", (7, 7, 7))
    with FramesCamera.from_directory(tmp_path, settle_s=60) as camera:
        first = camera.read()
        assert first is not None and tuple(first[0, 0]) == (9, 9, 9)  # a.png again: a new camera
        second = camera.read()
        assert second is not None and tuple(second[0, 0]) == (7, 7, 7)
        assert camera.skipped == ["b.png"]


def test_fps_paces_reads(tmp_path: Path) -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    path = solid(tmp_path / "x.png", (1, 1, 1))
    with FramesCamera.from_files([path], loop=True, fps=10, clock=lambda: now[0], sleep=sleep) as camera:
        for _ in range(3):
            camera.read()
    assert slept == [0.1, 0.1]


def test_video_file(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    for r, g, b in colours:
        writer.write(np.full((48, 64, 3), (b, g, r), dtype=np.uint8))  # OpenCV writes BGR
    writer.release()
    with FramesCamera.from_video(path) as camera:
        frames = []
        while (frame := camera.read()) is not None:
            frames.append(frame)
        assert camera.exhausted
    assert len(frames) == 3
    for frame, colour in zip(frames, colours, strict=True):
        assert np.abs(frame.reshape(-1, 3).mean(axis=0) - colour).max() < 8  # JPEG is lossy
    with OpenCVCamera(str(path), grayscale=True, rotation=90) as camera:
        frame = camera.read()
    assert frame is not None and frame.shape == (64, 48)
    assert abs(int(frame.mean()) - round(255 * 0.299)) < 8


def test_missing_sources_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        FramesCamera.from_files([tmp_path / "nope.png"]).start()
    with pytest.raises(ConfigError, match="no frame files"):
        FramesCamera.from_files([])
    with pytest.raises(ConfigError, match="not found"):
        FramesCamera.from_directory(tmp_path / "nowhere").start()
    with pytest.raises(ConfigError, match="not found"):
        FramesCamera.from_video(tmp_path / "nothing.avi").start()
    (tmp_path / "junk.avi").write_bytes(b"\x00" * 100)
    with pytest.raises(DeviceError, match="cannot open video"):
        FramesCamera.from_video(tmp_path / "junk.avi").start()
    (tmp_path / "junk.png").write_bytes(b"junk")
    with (
        FramesCamera.from_files([tmp_path / "junk.png"]) as camera,
        pytest.raises(DeviceError, match=r"junk\.png"),
    ):
        camera.read()
    with pytest.raises(DeviceError, match="not started"):
        FramesCamera.from_files([tmp_path / "junk.png"]).read()
    with pytest.raises(ConfigError, match="rotation"):
        FramesCamera.from_files([tmp_path / "junk.png"], rotation=45)
    with pytest.raises(ConfigError, match="fps"):
        FramesCamera.from_files([tmp_path / "junk.png"], fps=0)
    with pytest.raises(DeviceError, match="cannot open camera"):
        OpenCVCamera(str(tmp_path / "no-camera-here")).start()


def test_picamera2_absence_is_explained() -> None:
    try:
        import picamera2  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover - only on a Pi
        pytest.skip("picamera2 is installed here")
    camera = PiCamera()
    with pytest.raises(BackendUnavailable, match="python3-picamera2"):
        camera.start()
    with pytest.raises(DeviceError, match="not started"):
        camera.read()
    with pytest.raises(ConfigError, match="even"):
        PiCamera((641, 480))


def test_a_frame_file_declaring_a_huge_image_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    """A 100 KB PNG can declare 81 megapixels (and a header can declare 10 gigapixels)."""
    import struct
    import zlib

    def png(width: int, height: int, pixels: bytes) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")

    (tmp_path / "big.png").write_bytes(png(9000, 9000, zlib.compress((b"\x00" + b"\xff" * 9000) * 9000, 9)))
    (tmp_path / "bomb.png").write_bytes(png(100_000, 100_000, zlib.compress(b"")))
    for name, reason in (("big.png", "larger than a camera frame"), ("bomb.png", "big.png|bomb.png")):
        with FramesCamera.from_files([tmp_path / name]) as camera, pytest.raises(DeviceError, match=reason):
            camera.read()
