"""Turns raw button edges into debounced press/release plus timed hold and repeat events.

Pure and clock-free: callers hand in the time of every edge and call :meth:`ButtonTracker.advance`
at (or after) :meth:`ButtonTracker.next_deadline`. The GPIO and keyboard backends drive it from a
thread with the real clock; the scripted input drives it with virtual time, so a scripted
"hold KEY1 for 3 s" yields exactly the events a real hold would.

Debounce is "stable for": a level counts only after it has stayed put for ``debounce`` seconds, so
a spike or contact bounce shorter than that never becomes a press. It costs ``debounce`` of latency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hardware.errors import ConfigError
from hardware.input.events import JOYSTICK_DIRECTIONS, Button, ButtonEvent

HOLD_TIME = 1.0
LONG_HOLD_TIME = 2.5  # for dangerous confirmations (wipe, sign with warnings)


@dataclass(frozen=True)
class InputPolicy:
    """Timing of input events, in seconds."""

    debounce: float = 0.02
    hold_times: tuple[float, ...] = (HOLD_TIME, LONG_HOLD_TIME)
    repeat_delay: float = 0.5
    repeat_interval: float = 0.12
    repeat_buttons: frozenset[Button] = JOYSTICK_DIRECTIONS

    def __post_init__(self) -> None:
        numbers = (self.debounce, self.repeat_delay, self.repeat_interval, *self.hold_times)
        if not all(isinstance(n, int | float) and math.isfinite(n) for n in numbers):
            raise ConfigError("input timings must be finite numbers of seconds")
        if self.debounce < 0:
            raise ConfigError(f"debounce must not be negative, not {self.debounce}")
        if self.repeat_delay <= 0 or self.repeat_interval <= 0:
            raise ConfigError("repeat delay and interval must be positive")
        if any(t <= 0 for t in self.hold_times) or list(self.hold_times) != sorted(set(self.hold_times)):
            raise ConfigError(f"hold times must be positive and increasing, not {self.hold_times}")


@dataclass
class _ButtonState:
    raw: bool = False
    pressed: bool = False
    settle_at: float | None = None
    pressed_at: float = 0.0
    next_hold: int = 0
    next_repeat_at: float | None = None
    repeats: int = 0


class ButtonTracker:
    """Per-button state machine; not thread-safe (the backends hold a lock around it)."""

    def __init__(self, policy: InputPolicy | None = None) -> None:
        self.policy = policy or InputPolicy()
        self._states: dict[Button, _ButtonState] = {b: _ButtonState() for b in Button}

    @property
    def pressed(self) -> frozenset[Button]:
        """Buttons currently down (after debounce)."""
        return frozenset(b for b, s in self._states.items() if s.pressed)

    def edge(self, button: Button, pressed: bool, at: float) -> list[ButtonEvent]:
        """A raw level change on ``button`` at time ``at``."""
        st = self._states[button]
        st.raw = pressed
        if pressed == st.pressed:
            st.settle_at = None  # it bounced back before settling: nothing happened
            return []
        if self.policy.debounce == 0:
            return self._accept(button, st, pressed, at)
        st.settle_at = at + self.policy.debounce
        return []

    def advance(self, now: float) -> list[ButtonEvent]:
        """Every event due at or before ``now``, in time order."""
        events: list[ButtonEvent] = []
        p = self.policy
        for button, st in self._states.items():
            if st.settle_at is not None and st.settle_at <= now:
                settled, st.settle_at = st.settle_at, None
                events += self._accept(button, st, st.raw, settled)
            if not st.pressed:
                continue
            while st.next_hold < len(p.hold_times) and st.pressed_at + p.hold_times[st.next_hold] <= now:
                threshold = p.hold_times[st.next_hold]
                events.append(ButtonEvent(button, "hold", st.pressed_at + threshold, threshold))
                st.next_hold += 1
            if st.next_repeat_at is not None and st.next_repeat_at <= now:
                due = st.next_repeat_at
                events.append(ButtonEvent(button, "repeat", due, due - st.pressed_at))
                # a late caller gets one repeat, not a burst: skip the slots it missed
                first = st.pressed_at + p.repeat_delay
                st.repeats = max(st.repeats + 1, math.floor((now - first) / p.repeat_interval) + 1)
                st.next_repeat_at = first + st.repeats * p.repeat_interval
        events.sort(key=lambda e: e.at)
        return events

    def next_deadline(self) -> float | None:
        """When :meth:`advance` next has something to emit, or None while nothing is pending."""
        p = self.policy
        times: list[float] = []
        for st in self._states.values():
            if st.settle_at is not None:
                times.append(st.settle_at)
            if st.pressed:
                if st.next_hold < len(p.hold_times):
                    times.append(st.pressed_at + p.hold_times[st.next_hold])
                if st.next_repeat_at is not None:
                    times.append(st.next_repeat_at)
        return min(times, default=None)

    def _accept(self, button: Button, st: _ButtonState, pressed: bool, at: float) -> list[ButtonEvent]:
        st.pressed = pressed
        if pressed:
            st.pressed_at = at
            st.next_hold = 0
            st.repeats = 0
            repeats = button in self.policy.repeat_buttons
            st.next_repeat_at = at + self.policy.repeat_delay if repeats else None
            return [ButtonEvent(button, "press", at)]
        st.next_repeat_at = None
        st.next_hold = 0
        return [ButtonEvent(button, "release", at, at - st.pressed_at)]
