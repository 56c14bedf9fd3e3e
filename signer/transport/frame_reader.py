"""QR reading for a camera loop: the newest frame is decoded on a worker thread, so the preview is
drawn at its own rate while the decoder reads as many frames as it can.

The loop hands each new frame to :meth:`FrameReader.submit` and collects what was read with
:meth:`FrameReader.take`. A frame submitted while the worker is busy replaces the one waiting (if
any): frames the decoder cannot keep up with are dropped, never queued, so what it reads is never
older than one decode. Results come back in the order their frames were submitted.

``threaded=False`` decodes inside ``submit`` instead (the tests and the demo, which must be
deterministic). The worker imports the decoder as soon as it starts, so the first frame does not
wait for an import, and ends when no frame came for ``idle_s`` seconds (a scan left behind keeps no
thread); the next ``submit`` starts it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from signer.transport.errors import TransportError
from signer.transport.frames import decode_qr_image

IDLE_S = 5.0  # a worker with no frame for this long ends (the scan was left, or the camera stopped)


@dataclass(frozen=True)
class FrameRead:
    """What one frame held: the QR contents (exact bytes) found, or why it could not be read."""

    number: int  # the frame's submit order, from 1
    found: tuple[bytes, ...] = ()
    error: str | None = None


class FrameReader:
    def __init__(
        self,
        decode: Callable[[Any], list[bytes]] = decode_qr_image,
        *,
        threaded: bool = True,
        idle_s: float = IDLE_S,
    ) -> None:
        self._decode = decode
        self.threaded = threaded
        self.idle_s = idle_s
        self._cond = threading.Condition()
        self._waiting: tuple[int, Any] | None = None  # the newest frame not started yet
        self._busy = False
        self._done: list[FrameRead] = []
        self._thread: threading.Thread | None = None
        self._closed = False
        self._forgotten = 0  # frames numbered up to this are not handed out
        self.submitted = 0
        self.decoded = 0
        self.dropped = 0
        if threaded:
            self._start()

    def submit(self, frame: Any) -> None:
        """Read ``frame`` (a gray numpy array, or any image ``decode`` takes) as soon as the decoder is
        free; a frame still waiting from before is dropped."""
        with self._cond:
            if self._closed:
                raise TransportError("the QR reader is closed")
            self.submitted += 1
            number = self.submitted
            if not self.threaded:
                self._done.append(self._read(number, frame))
                return
            if self._waiting is not None:
                self.dropped += 1
            self._waiting = (number, frame)
            if self._thread is None:
                self._start()
            self._cond.notify_all()

    def take(self) -> list[FrameRead]:
        """What was read since the last call, oldest frame first (never blocks)."""
        with self._cond:
            done, self._done = self._done, []
            return done

    def forget(self) -> None:
        """Hand out nothing of the frames submitted so far (a message completed or was abandoned:
        what the decoder is still reading belongs to it)."""
        with self._cond:
            self._forgotten = self.submitted
            self._waiting = None
            self._done = []

    @property
    def idle(self) -> bool:
        """No frame waiting and none being read."""
        with self._cond:
            return self._waiting is None and not self._busy

    def close(self) -> None:
        """Stop the worker after the frame it is reading (if any); frames waiting are dropped."""
        with self._cond:
            self._closed = True
            self._waiting = None
            self._cond.notify_all()

    # -- the worker ---------------------------------------------------------------------------
    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="airlock-qr-reader", daemon=True)
        self._thread.start()

    def _read(self, number: int, frame: Any) -> FrameRead:
        try:
            found = tuple(self._decode(frame))
        except TransportError as exc:
            return FrameRead(number, error=str(exc))
        except Exception as exc:  # a frame the decoder chokes on is skipped, never a dead worker
            return FrameRead(number, error=f"the camera picture could not be read ({type(exc).__name__})")
        finally:
            self.decoded += 1
        return FrameRead(number, found)

    def _run(self) -> None:
        import numpy  # noqa: F401  # the decoder's imports, done before the first frame arrives
        import zxingcpp  # noqa: F401

        while True:
            with self._cond:
                if self._waiting is None and not self._closed:
                    self._cond.wait(self.idle_s)
                if self._closed or self._waiting is None:  # closed, or idle for idle_s
                    self._thread = None
                    return
                (number, frame), self._waiting = self._waiting, None
                self._busy = True
            read = self._read(number, frame)
            with self._cond:
                self._busy = False
                if not self._closed and read.number > self._forgotten:
                    self._done.append(read)
                self._cond.notify_all()  # whoever waits for the reader to be idle (the tests)
