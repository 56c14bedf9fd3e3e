"""A camera read on a worker thread, so a driver that blocks can never freeze the device.

Camera drivers block: OpenCV's ``read`` waits for the next frame, picamera2's capture waits for the
next request, and both can wait forever once a cable works loose or the sensor hangs; opening one
can hang too. :class:`CameraFeed` opens and reads the camera on its own thread, and its ``read``
returns at once: the newest frame not handed out yet, or None. It raises :class:`BackendUnavailable`
when the camera could not be opened (or did not open within ``open_timeout_s``), and
:class:`DeviceStalled` or :class:`DeviceError` once the camera stopped delivering frames (nothing for
``stall_s`` seconds while frames were asked for) or failed.

The worker reads one frame ahead of the caller and only while frames are being asked for, so a
camera nobody looks at costs no CPU; a frame older than ``fresh_s`` is dropped rather than shown in
a scan that started after it was taken.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hardware.camera.base import Camera
from hardware.errors import BackendUnavailable, DeviceError, DeviceStalled, HardwareError

if TYPE_CHECKING:
    import numpy as np

OPEN_TIMEOUT_S = 10.0  # picamera2 needs about 2 s on a Pi Zero 2 W
STALL_S = 5.0  # a camera runs at 10-30 frames a second: 5 s without one is a fault
FRESH_S = 1.0
RETRY_S = 0.01  # pause between reads that returned no frame
JOIN_S = 2.0


class CameraFeed:
    """Wraps a :class:`Camera`; ``start``, ``read`` and ``stop`` like the camera itself."""

    def __init__(
        self,
        camera: Camera,
        *,
        open_timeout_s: float = OPEN_TIMEOUT_S,
        stall_s: float = STALL_S,
        fresh_s: float = FRESH_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.camera = camera
        self.open_timeout_s, self.stall_s, self.fresh_s = open_timeout_s, stall_s, fresh_s
        self._clock = clock
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._opened = False
        self._closing = False
        self._failure: HardwareError | None = None
        self._frame: Any = None
        self._frame_at = 0.0
        self._wanted = False  # a frame was asked for that the worker has not delivered yet
        self._waiting_since = 0.0  # when the open, or the frame asked for, began to be awaited

    @property
    def opened(self) -> bool:
        """The camera opened (frames may follow)."""
        return self._opened

    def start(self) -> None:
        """Begin opening the camera on the worker thread; returns at once. Idempotent."""
        with self._cond:
            if self._thread is not None:
                return
            self._waiting_since = self._clock()
            self._thread = threading.Thread(target=self._run, name="airlock-camera", daemon=True)
            self._thread.start()

    def read(self) -> np.ndarray | None:
        """The newest frame not handed out yet, or None; never blocks (see the module docstring)."""
        with self._cond:
            if self._thread is None or self._closing:
                raise DeviceError("the camera is not started")
            if self._failure is not None:
                raise type(self._failure)(str(self._failure))
            now = self._clock()
            if not self._opened:
                if now - self._waiting_since > self.open_timeout_s:
                    self._failure = BackendUnavailable(
                        f"the camera did not start within {self.open_timeout_s:g} s"
                    )
                    raise type(self._failure)(str(self._failure))
                self._wanted = True
                return None
            frame, self._frame = self._frame, None
            if frame is not None and now - self._frame_at <= self.fresh_s:
                return frame
            if not self._wanted:
                self._wanted, self._waiting_since = True, now
                self._cond.notify_all()
            elif now - self._waiting_since > self.stall_s:
                self._failure = DeviceStalled(f"the camera sent no picture for {self.stall_s:g} s")
                raise type(self._failure)(str(self._failure))
            return None

    def stop(self) -> None:
        """Ask the worker to close the camera and wait a little for it. A driver stuck in a read cannot
        be interrupted: its daemon thread is then left behind (it ends with the process)."""
        with self._cond:
            thread, self._closing = self._thread, True
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(JOIN_S)

    # -- the worker ---------------------------------------------------------------------------
    def _fail(self, failure: HardwareError) -> None:
        with self._cond:
            if self._failure is None:
                self._failure = failure

    def _run(self) -> None:
        try:
            self.camera.start()
        except Exception as exc:  # any driver fault: reported by read(), never raised on this thread
            self._fail(BackendUnavailable(_describe(exc)))
            return
        try:
            with self._cond:
                self._opened = True
                if self._wanted:  # asked for while opening: the stall clock starts now
                    self._waiting_since = self._clock()
            self._loop()
        finally:
            with contextlib.suppress(Exception):  # closing is best effort
                self.camera.stop()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not (self._wanted or self._closing):
                    self._cond.wait()
                if self._closing:
                    return
            taken_at = self._clock()  # the frame is no older than this
            try:
                frame = self.camera.read()
            except Exception as exc:  # a driver fault: read() reports it
                self._fail(DeviceError(f"the camera failed: {_describe(exc)}"))
                return
            with self._cond:
                if frame is None:
                    self._cond.wait(RETRY_S)  # no frame yet: try again soon (or stop when closing)
                    continue
                self._frame, self._frame_at, self._wanted = frame, taken_at, False


def _describe(exc: BaseException) -> str:
    """A driver's error as one line: our own errors say it well; others get their type too."""
    if isinstance(exc, HardwareError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"[:200]
