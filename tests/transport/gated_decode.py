"""A decode the test holds until it lets each frame finish, for the worker-thread tests."""

from __future__ import annotations

import threading
from typing import Any

from signer.transport.errors import TransportError
from signer.transport.frame_reader import FrameReader

WAIT_S = 10.0  # how long a test waits for the worker before it declares it stuck (never reached)


class GatedDecode:
    """A decode that reports each frame it starts and waits for the test to let it finish."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.started: list[Any] = []
        self.released = 0

    def __call__(self, frame: Any) -> list[bytes]:
        with self.cond:
            self.started.append(frame)
            self.cond.notify_all()
            ok = self.cond.wait_for(lambda: self.released >= len(self.started), WAIT_S)
        assert ok, "the test never released the frame"
        if frame == "bad":
            raise TransportError("not an image: array of shape (3, 3, 7)")
        if frame == "crash":
            raise ValueError("boom")
        return [str(frame).encode()]

    def wait_started(self, count: int) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.started) >= count, WAIT_S)

    def release(self) -> None:
        with self.cond:
            self.released += 1
            self.cond.notify_all()


def wait_idle(reader: FrameReader) -> None:
    with reader._cond:
        assert reader._cond.wait_for(lambda: reader._waiting is None and not reader._busy, WAIT_S)
