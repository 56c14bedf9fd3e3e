"""USB cameras and laptop webcams (or any video source) through OpenCV's VideoCapture.

OpenCV is imported when the camera opens: heavy, and not needed to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hardware.camera.base import Camera
from hardware.errors import ConfigError, DeviceError

if TYPE_CHECKING:
    import cv2
    import numpy as np


class OpenCVCamera(Camera):
    """``source`` is a device index (0 = first camera) or a path/URL OpenCV can open."""

    def __init__(
        self,
        source: int | str = 0,
        *,
        resolution: tuple[int, int] | None = None,
        rotation: int = 0,
        mirror: bool = False,
        grayscale: bool = False,
    ) -> None:
        super().__init__(rotation=rotation, mirror=mirror, grayscale=grayscale)
        if isinstance(source, bool) or not isinstance(source, int | str):
            raise ConfigError(f"camera source must be a device index or a path, not {source!r}")
        if resolution is not None and (len(resolution) != 2 or min(resolution) <= 0):
            raise ConfigError(f"camera resolution must be two positive numbers, not {resolution!r}")
        self.source = source
        self.resolution = resolution
        self._capture: cv2.VideoCapture | None = None

    def start(self) -> None:
        if self._capture is not None:
            return
        import cv2

        capture = cv2.VideoCapture(self.source)
        if not capture.isOpened():
            capture.release()
            raise DeviceError(f"cannot open camera {self.source!r} (no such device, or it is busy)")
        if self.resolution is not None:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.resolution[0])
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.resolution[1])
        self._capture = capture

    def read(self) -> np.ndarray | None:
        import cv2

        if self._capture is None:
            raise DeviceError("the camera is not started")
        ok, frame = self._capture.read()
        if not ok or frame is None:
            return None
        if frame.ndim == 2:
            return self.orient(frame)
        code = cv2.COLOR_BGR2GRAY if self.grayscale else cv2.COLOR_BGR2RGB
        return self.orient(cv2.cvtColor(frame, code))

    def stop(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()
