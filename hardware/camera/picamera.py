"""Raspberry Pi camera modules through picamera2 (libcamera).

picamera2 is not installable from PyPI off a Pi: on Raspberry Pi OS install ``python3-picamera2``
with apt and create the venv with ``--system-site-packages``. Grayscale capture uses the YUV420
format's Y plane, which skips colour conversion on the Pi Zero's CPU.

It is imported when the camera starts, so the rest runs where it is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hardware.camera.base import Camera
from hardware.errors import BackendUnavailable, ConfigError, DeviceError

if TYPE_CHECKING:
    import numpy as np

MISSING = (
    "picamera2 is not installed: on Raspberry Pi OS run 'sudo apt install python3-picamera2' and "
    "create the venv with --system-site-packages; elsewhere use the OpenCV or frames camera"
)


class PiCamera(Camera):
    """Camera ``camera_num`` at ``resolution`` (width, height)."""

    def __init__(
        self,
        resolution: tuple[int, int] = (640, 480),
        *,
        camera_num: int = 0,
        rotation: int = 0,
        mirror: bool = False,
        grayscale: bool = False,
    ) -> None:
        super().__init__(rotation=rotation, mirror=mirror, grayscale=grayscale)
        if len(resolution) != 2 or min(resolution) <= 0 or resolution[0] % 2 or resolution[1] % 2:
            raise ConfigError(f"camera resolution must be two positive even numbers, not {resolution!r}")
        self.resolution = (int(resolution[0]), int(resolution[1]))
        self.camera_num = camera_num
        self._camera: Any = None  # a Picamera2 (no type information ships with it)

    def start(self) -> None:
        if self._camera is not None:
            return
        try:
            from picamera2 import Picamera2
        except ImportError as exc:
            raise BackendUnavailable(MISSING) from exc
        try:
            camera = Picamera2(self.camera_num)
        except (IndexError, RuntimeError) as exc:
            raise DeviceError(
                f"no camera {self.camera_num} found: {exc} (is the ribbon cable seated?)"
            ) from exc
        try:
            fmt = "YUV420" if self.grayscale else "RGB888"
            config = camera.create_preview_configuration(
                main={"size": self.resolution, "format": fmt}, buffer_count=2
            )
            camera.configure(config)
            camera.start()
        except RuntimeError as exc:
            camera.close()
            raise DeviceError(f"cannot start camera {self.camera_num}: {exc}") from exc
        self._camera = camera

    def read(self) -> np.ndarray | None:
        if self._camera is None:
            raise DeviceError("the camera is not started")
        try:
            array = self._camera.capture_array("main")
        except RuntimeError as exc:
            raise DeviceError(f"camera capture failed: {exc}") from exc
        width, height = self.resolution
        # YUV420 starts with the Y (luma) plane; libcamera's RGB888 is B, G, R in memory
        frame = array[:height, :width] if self.grayscale else array[..., 2::-1]
        return self.orient(frame)

    def stop(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            try:
                camera.stop()
            finally:
                camera.close()
