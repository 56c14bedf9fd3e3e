"""Input from a script: a fixed list of events, for tests and demos.

:func:`script` turns readable steps into the exact events the device would produce, using the same
:class:`~hardware.input.tracker.ButtonTracker` as the live backends with virtual time::

    script("press DOWN", "hold KEY1 for 3 s", "wait 0.5 s", "down LEFT", "wait 1 s", "up LEFT")

Steps (case-insensitive): ``press X`` (down, then up after ``tap`` seconds), ``hold X for N s``,
``down X``, ``up X``, ``wait N s``; X is UP, DOWN, LEFT, RIGHT, PRESS, KEY1, KEY2 or KEY3.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterable

from hardware.errors import ConfigError
from hardware.input.base import InputSource, check_timeout
from hardware.input.events import Button, ButtonEvent
from hardware.input.tracker import ButtonTracker, InputPolicy

TAP_S = 0.08
_NUMBER = r"(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)?"
_STEPS = (
    ("press", re.compile(r"press\s+(\w+)")),
    ("hold", re.compile(rf"hold\s+(\w+)\s+(?:for\s+)?{_NUMBER}")),
    ("down", re.compile(r"down\s+(\w+)")),
    ("up", re.compile(r"up\s+(\w+)")),
    ("wait", re.compile(rf"wait\s+{_NUMBER}")),
)


def _parse(step: str) -> tuple[str, Button | None, float]:
    if not isinstance(step, str):
        raise ConfigError(f"a script step must be text, not {type(step).__name__}")
    text = " ".join(step.strip().lower().split())
    for verb, pattern in _STEPS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if verb == "wait":
            return verb, None, float(match.group(1))
        button = Button.parse(match.group(1))
        return verb, button, float(match.group(2)) if verb == "hold" else 0.0
    raise ConfigError(
        f"cannot read script step {step!r}: use 'press X', 'hold X for N s', 'down X', 'up X' or 'wait N s'"
    )


def script(
    *steps: str, policy: InputPolicy | None = None, start: float = 0.0, tap: float = TAP_S
) -> list[ButtonEvent]:
    """Events for ``steps``, timed from ``start``. Debounce is ignored (scripted edges are clean)."""
    base = policy or InputPolicy()
    tracker = ButtonTracker(
        InputPolicy(
            debounce=0.0,
            hold_times=base.hold_times,
            repeat_delay=base.repeat_delay,
            repeat_interval=base.repeat_interval,
            repeat_buttons=base.repeat_buttons,
        )
    )
    events: list[ButtonEvent] = []
    now = start

    def run_until(end: float) -> None:
        while (deadline := tracker.next_deadline()) is not None and deadline <= end:
            events.extend(tracker.advance(deadline))

    for step in steps:
        verb, button, seconds = _parse(step)
        if verb == "wait":
            run_until(now + seconds)
            now += seconds
            continue
        assert button is not None
        if verb in ("press", "hold", "down"):
            if button in tracker.pressed:
                raise ConfigError(f"script step {step!r}: {button.name} is already down")
            events.extend(tracker.edge(button, True, now))
        if verb in ("press", "hold"):
            duration = tap if verb == "press" else seconds
            run_until(now + duration)
            now += duration
        if verb in ("press", "hold", "up"):
            if button not in tracker.pressed:
                raise ConfigError(f"script step {step!r}: {button.name} is not down")
            events.extend(tracker.edge(button, False, now))
    return events


class ScriptedInput(InputSource):
    """Hands out ``events`` in order. With ``realtime`` it waits until each event's time has come
    (times counted from the first poll); otherwise every event is available at once."""

    def __init__(
        self,
        events: Iterable[ButtonEvent],
        *,
        realtime: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._events = deque(events)
        for event in self._events:
            if not isinstance(event, ButtonEvent):
                raise ConfigError(f"scripted input takes ButtonEvents, not {type(event).__name__}")
        self._realtime = realtime
        self._clock = clock
        self._sleep = sleep
        self._origin: tuple[float, float] | None = None  # (wall clock, script time) at the first poll
        self.closed = False

    @classmethod
    def from_script(
        cls, *steps: str, policy: InputPolicy | None = None, realtime: bool = False
    ) -> ScriptedInput:
        return cls(script(*steps, policy=policy), realtime=realtime)

    @property
    def remaining(self) -> int:
        return len(self._events)

    def poll(self, timeout: float | None = 0.0) -> ButtonEvent | None:
        check_timeout(timeout)
        if self.closed or not self._events:
            return None
        if not self._realtime:
            return self._events.popleft()
        event = self._events[0]
        if self._origin is None:
            self._origin = (self._clock(), event.at)
        due = self._origin[0] + (event.at - self._origin[1])
        wait = due - self._clock()
        if wait > 0:
            if timeout is not None and wait > timeout:
                self._sleep(timeout)
                return None
            self._sleep(wait)
        return self._events.popleft()

    def close(self) -> None:
        self.closed = True
