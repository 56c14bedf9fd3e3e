"""The camera feed: a driver that blocks, fails or goes quiet is reported, never waited on forever.

The feed's own clock is a fake one the tests move on; they only wait (with a generous deadline) for
the worker thread to reach a state, and never assert on how long anything took.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hardware.camera.base import Camera
from hardware.camera.feed import CameraFeed
from hardware.camera.opencv import OpenCVCamera
from hardware.errors import BackendUnavailable, DeviceError, DeviceStalled, HardwareError


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class SimCamera(Camera):
    """A camera driver twin: delivers ``frames`` in order, then behaves as ``after`` says: "none"
    (returns None, as a driver with no new frame does), "block" (a read that never returns) or
    "fail" (raises OSError, as a driver does when the device is gone)."""

    def __init__(self, frames: list[Any], after: str = "none", *, start_blocks: bool = False) -> None:
        super().__init__()
        self.frames, self.after, self.start_blocks = list(frames), after, start_blocks
        self.release = threading.Event()  # set at the end of a test: a blocked call returns
        self.reads = 0
        self.stopped = False

    def start(self) -> None:
        if self.start_blocks:
            self.release.wait()

    def read(self) -> np.ndarray | None:
        self.reads += 1
        if self.frames:
            return self.frames.pop(0)
        if self.after == "block":
            self.release.wait()
            return None
        if self.after == "fail":
            raise OSError(5, "Input/output error")
        return None

    def stop(self) -> None:
        self.stopped = True


def frame(value: int) -> np.ndarray:
    return np.full((4, 4), value, dtype=np.uint8)


def eventually(check: Callable[[], bool], what: str) -> None:
    """Wait for the worker thread (a deadline, not a timing assertion)."""
    deadline = time.monotonic() + 10
    while not check():
        assert time.monotonic() < deadline, f"the worker never got to: {what}"
        time.sleep(0.005)


@pytest.fixture
def feeds() -> Iterator[list[tuple[CameraFeed, SimCamera | None]]]:
    made: list[tuple[CameraFeed, SimCamera | None]] = []
    yield made
    for feed, camera in made:
        if camera is not None:
            camera.release.set()
        feed.stop()


def feed_of(feeds: list[tuple[CameraFeed, SimCamera | None]], camera: Camera, clock: FakeClock) -> CameraFeed:
    feed = CameraFeed(camera, clock=clock, open_timeout_s=10, stall_s=5, fresh_s=1)
    feeds.append((feed, camera if isinstance(camera, SimCamera) else None))
    feed.start()
    return feed


def read_frame(feed: CameraFeed) -> np.ndarray:
    got: list[np.ndarray] = []

    def take() -> bool:
        result = feed.read()
        if result is not None:
            got.append(result)
        return bool(got)

    eventually(take, "deliver a frame")
    return got[0]


def first_failure(feed: CameraFeed) -> HardwareError:
    """The error ``read`` reports once the worker has met the camera's failure."""
    failures: list[HardwareError] = []

    def failed() -> bool:
        try:
            feed.read()
        except HardwareError as exc:
            failures.append(exc)
        return bool(failures)

    eventually(failed, "report the camera's failure")
    return failures[0]


def test_frames_come_through_in_order(feeds: list[Any]) -> None:
    feed = feed_of(feeds, SimCamera([frame(1), frame(2), frame(3)]), FakeClock())
    assert [int(read_frame(feed)[0, 0]) for _ in range(3)] == [1, 2, 3]


def test_a_camera_that_cannot_open_is_reported_as_missing(feeds: list[Any], tmp_path: Path) -> None:
    feed = feed_of(feeds, OpenCVCamera(str(tmp_path / "no-such-camera.avi")), FakeClock())
    failure = first_failure(feed)
    assert isinstance(failure, BackendUnavailable) and "cannot open camera" in str(failure)
    with pytest.raises(BackendUnavailable, match="cannot open camera"):  # and keeps saying so
        feed.read()


def test_an_open_that_hangs_is_given_up_after_the_timeout(feeds: list[Any]) -> None:
    clock = FakeClock()
    feed = feed_of(feeds, SimCamera([frame(1)], start_blocks=True), clock)
    assert feed.read() is None  # still opening: nothing yet, and read() did not wait
    clock.now += 10.5
    with pytest.raises(BackendUnavailable, match="did not start within 10 s"):
        feed.read()


def test_a_read_that_never_returns_is_reported_as_stalled(feeds: list[Any]) -> None:
    clock = FakeClock()
    camera = SimCamera([frame(7)], after="block")
    feed = feed_of(feeds, camera, clock)
    assert int(read_frame(feed)[0, 0]) == 7
    assert feed.read() is None  # the next frame is asked for; the driver blocks in it
    eventually(lambda: camera.reads == 2, "call the blocking read")
    clock.now += 4
    assert feed.read() is None  # a slow frame is not a fault yet
    clock.now += 1.5
    with pytest.raises(DeviceStalled, match="no picture for 5 s"):
        feed.read()


def test_a_camera_that_goes_quiet_is_reported_as_stalled(feeds: list[Any]) -> None:
    clock = FakeClock()
    camera = SimCamera([], after="none")
    feed = feed_of(feeds, camera, clock)
    eventually(lambda: feed.opened, "open the camera")
    assert feed.read() is None
    eventually(lambda: camera.reads >= 2, "keep trying the camera")
    clock.now += 5.5
    with pytest.raises(DeviceStalled):
        feed.read()


def test_a_driver_error_is_reported(feeds: list[Any]) -> None:
    feed = feed_of(feeds, SimCamera([frame(1)], after="fail"), FakeClock())
    read_frame(feed)
    failure = first_failure(feed)
    assert isinstance(failure, DeviceError) and not isinstance(failure, BackendUnavailable)
    assert str(failure) == "the camera failed: OSError: [Errno 5] Input/output error"


def test_a_frame_older_than_the_scan_is_dropped(feeds: list[Any]) -> None:
    clock = FakeClock()
    camera = SimCamera([frame(1), frame(2)])
    feed = feed_of(feeds, camera, clock)
    eventually(lambda: feed.opened, "open the camera")
    assert feed.read() is None  # asks for a frame...
    eventually(lambda: camera.reads == 1, "take the frame")
    clock.now += 3  # ...that nobody picks up until much later
    assert feed.read() is None  # the old frame is not shown; a new one is asked for
    assert int(read_frame(feed)[0, 0]) == 2


def test_stop_closes_the_camera_and_reading_after_it_is_an_error(feeds: list[Any]) -> None:
    camera = SimCamera([frame(1)])
    feed = feed_of(feeds, camera, FakeClock())
    read_frame(feed)
    feed.stop()
    assert camera.stopped
    with pytest.raises(DeviceError, match="not started"):
        feed.read()
