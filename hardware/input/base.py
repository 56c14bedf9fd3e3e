"""The input interface and the queue + ticker machinery the live backends share."""

from __future__ import annotations

import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Self

from hardware.errors import ConfigError
from hardware.input.events import Button, ButtonEvent
from hardware.input.tracker import ButtonTracker, InputPolicy

QUEUE_LIMIT = 1024


class InputSource(ABC):
    """Where button events come from. ``poll`` is safe to call from any thread."""

    @abstractmethod
    def poll(self, timeout: float | None = 0.0) -> ButtonEvent | None:
        """The next event, waiting up to ``timeout`` seconds (None: until one comes); None if none."""

    def close(self) -> None:  # noqa: B027 - optional for sources with nothing to release
        """Release pins or threads; idempotent."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def check_timeout(timeout: float | None) -> None:
    if timeout is not None and not (isinstance(timeout, int | float) and timeout >= 0):
        raise ConfigError(f"poll timeout must be None or a number of seconds >= 0, not {timeout!r}")


class QueuedInput(InputSource):
    """Events in a bounded thread-safe queue; when it is full the oldest event is dropped."""

    def __init__(self) -> None:
        self._queue: queue.Queue[ButtonEvent] = queue.Queue(maxsize=QUEUE_LIMIT)
        self.dropped = 0

    def _emit(self, events: Iterable[ButtonEvent]) -> None:
        for event in events:
            while True:
                try:
                    self._queue.put_nowait(event)
                    break
                except queue.Full:
                    try:
                        self._queue.get_nowait()
                        self.dropped += 1
                    except queue.Empty:
                        pass

    def poll(self, timeout: float | None = 0.0) -> ButtonEvent | None:
        check_timeout(timeout)
        try:
            if timeout == 0:
                return self._queue.get_nowait()
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None


class TrackedInput(QueuedInput):
    """Raw edges in (from pin callbacks or key events, on any thread), timed events out.

    A daemon thread wakes at the tracker's next deadline to emit settled presses, holds and repeats.
    """

    def __init__(
        self, policy: InputPolicy | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self._tracker = ButtonTracker(policy)
        self._clock = clock
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._tick, name=f"{type(self).__name__}-ticker", daemon=True)
        self._thread.start()

    @property
    def policy(self) -> InputPolicy:
        return self._tracker.policy

    @property
    def pressed(self) -> frozenset[Button]:
        with self._cond:
            return self._tracker.pressed

    def _edge(self, button: Button, pressed: bool) -> None:
        with self._cond:
            if self._closed:
                return
            self._emit(self._tracker.edge(button, pressed, self._clock()))
            self._cond.notify()

    def _tick(self) -> None:
        with self._cond:
            while not self._closed:
                deadline = self._tracker.next_deadline()
                if deadline is None:
                    self._cond.wait()
                    continue
                delay = deadline - self._clock()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                self._emit(self._tracker.advance(self._clock()))

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)
