"""A camera that plays back frames: a list of image files, a video file, or a directory being written.

The directory source follows another program (a screen grabber, the companion's QR window, a test)
that keeps dropping image files into it: each ``read`` returns the next new file in name order, or
None when nothing new has arrived. Writers should write to a temporary name (a leading dot, or a
``.tmp``/``.part`` suffix) and rename; a file that does not decode yet is retried until it has been
left alone for ``settle_s`` seconds, then skipped.

``fps`` paces ``read`` like a real camera; leave it None so tests run as fast as frames decode.

numpy, PIL and OpenCV are imported where a picture is decoded: heavy, and not needed to start.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from hardware.camera.base import Camera
from hardware.errors import ConfigError, DeviceError

if TYPE_CHECKING:
    import cv2
    import numpy as np

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".pgm", ".ppm", ".tif", ".tiff"}
)
PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")


# A camera frame is at most a few megapixels; a file declaring more is not decoded at all (a small
# PNG can declare gigabytes of pixels, and the device has 512 MB).
MAX_FRAME_PIXELS = 4096 * 4096


def _decode(path: Path) -> np.ndarray:
    """RGB uint8 array of an image file; OSError / ValueError if it cannot be decoded (yet)."""
    import numpy as np
    from PIL import Image

    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_FRAME_PIXELS:
                raise ValueError(f"{width} x {height} pixels is larger than a camera frame")
            image.load()
            rgb = image.convert("RGB")
    except Image.DecompressionBombError as exc:
        raise ValueError(str(exc)) from None
    except (SyntaxError, EOFError) as exc:  # Pillow's words for a broken or truncated header
        raise ValueError(f"damaged image ({type(exc).__name__})") from None
    return np.asarray(rgb)


class _Source(ABC):
    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def next_frame(self) -> np.ndarray | None: ...

    def close(self) -> None:  # noqa: B027 - most sources hold nothing open
        pass

    @property
    def exhausted(self) -> bool:
        return False


class _Files(_Source):
    def __init__(self, paths: list[Path], loop: bool) -> None:
        self.paths = paths
        self.loop = loop
        self.index = 0

    def open(self) -> None:
        missing = [str(p) for p in self.paths if not p.is_file()]
        if missing:
            raise ConfigError(f"frame files not found: {', '.join(missing[:3])}")
        self.index = 0

    def next_frame(self) -> np.ndarray | None:
        if self.exhausted:
            return None
        path = self.paths[self.index % len(self.paths)]
        self.index += 1
        try:
            return _decode(path)
        except (OSError, ValueError) as exc:
            raise DeviceError(f"cannot decode frame {path.name}: {exc}") from exc

    @property
    def exhausted(self) -> bool:
        return not self.loop and self.index >= len(self.paths)


class _Video(_Source):
    def __init__(self, path: Path, loop: bool) -> None:
        self.path = path
        self.loop = loop
        self.capture: cv2.VideoCapture | None = None
        self.done = False

    def open(self) -> None:
        import cv2

        if not self.path.is_file():
            raise ConfigError(f"video file not found: {self.path}")
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            capture.release()
            raise DeviceError(f"cannot open video {self.path.name}: not a format OpenCV can read")
        self.capture = capture
        self.done = False

    def next_frame(self) -> np.ndarray | None:
        import cv2

        if self.capture is None or self.done:
            return None
        ok, frame = self.capture.read()
        if not ok and self.loop:
            self.capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self.capture.read()
        if not ok:
            self.done = True
            return None
        return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)

    def close(self) -> None:
        capture, self.capture = self.capture, None
        if capture is not None:
            capture.release()

    @property
    def exhausted(self) -> bool:
        return self.done


class _Directory(_Source):
    def __init__(self, path: Path, settle_s: float) -> None:
        self.path = path
        self.settle_s = settle_s
        self.seen: set[str] = set()
        self.skipped: list[str] = []

    def open(self) -> None:
        if not self.path.is_dir():
            raise ConfigError(f"frames directory not found: {self.path}")

    def _candidates(self) -> list[Path]:
        try:
            entries = list(self.path.iterdir())
        except OSError as exc:
            raise DeviceError(f"cannot list frames directory {self.path}: {exc.strerror}") from exc
        found = [
            p
            for p in entries
            if p.name not in self.seen
            and not p.name.startswith(".")
            and not p.name.endswith(PARTIAL_SUFFIXES)
            and p.suffix.lower() in IMAGE_SUFFIXES
        ]
        return sorted(found, key=lambda p: p.name)

    def next_frame(self) -> np.ndarray | None:
        for path in self._candidates():
            try:
                frame = _decode(path)
            except FileNotFoundError:
                self.seen.add(path.name)  # removed under us: nothing to show
                continue
            except (OSError, ValueError):
                try:
                    age = time.time() - path.stat().st_mtime
                except OSError:
                    age = self.settle_s
                if age < self.settle_s:
                    return None  # still being written: try it again on the next read
                self.seen.add(path.name)
                self.skipped.append(path.name)
                continue
            self.seen.add(path.name)
            return frame
        return None


class FramesOptions(TypedDict, total=False):
    """What every ``FramesCamera.from_*`` constructor passes on to the camera."""

    fps: float | None
    rotation: int
    mirror: bool
    grayscale: bool
    clock: Callable[[], float]
    sleep: Callable[[float], None]


class FramesCamera(Camera):
    """Frames from files, a video or a directory; build it with one of the ``from_*`` constructors."""

    def __init__(
        self,
        source: _Source,
        *,
        fps: float | None = None,
        rotation: int = 0,
        mirror: bool = False,
        grayscale: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(rotation=rotation, mirror=mirror, grayscale=grayscale)
        if fps is not None and not (isinstance(fps, int | float) and 0 < fps <= 1000):
            raise ConfigError(f"fps must be None or between 0 and 1000, not {fps!r}")
        self._source = source
        self._interval = 1.0 / fps if fps else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next_at: float | None = None
        self._started = False

    @classmethod
    def from_files(
        cls, paths: Iterable[Path | str], *, loop: bool = False, **options: Unpack[FramesOptions]
    ) -> FramesCamera:
        files = [Path(p) for p in paths]
        if not files:
            raise ConfigError("no frame files given")
        return cls(_Files(files, loop), **options)

    @classmethod
    def from_video(
        cls, path: Path | str, *, loop: bool = False, **options: Unpack[FramesOptions]
    ) -> FramesCamera:
        return cls(_Video(Path(path), loop), **options)

    @classmethod
    def from_directory(
        cls, path: Path | str, *, settle_s: float = 2.0, **options: Unpack[FramesOptions]
    ) -> FramesCamera:
        return cls(_Directory(Path(path), settle_s), **options)

    @property
    def exhausted(self) -> bool:
        """True once a file list or video without ``loop`` has no frames left (a directory never is)."""
        return self._source.exhausted

    @property
    def skipped(self) -> list[str]:
        """Directory files that never decoded and were passed over."""
        return list(getattr(self._source, "skipped", []))

    def start(self) -> None:
        if not self._started:
            self._source.open()
            self._started = True
            self._next_at = None

    def read(self) -> np.ndarray | None:
        if not self._started:
            raise DeviceError("the camera is not started")
        if self._interval:
            now = self._clock()
            if self._next_at is not None and now < self._next_at:
                self._sleep(self._next_at - now)
            self._next_at = max(now, self._next_at or now) + self._interval
        frame = self._source.next_frame()
        return None if frame is None else self.orient(frame)

    def stop(self) -> None:
        if self._started:
            self._started = False
            self._source.close()
