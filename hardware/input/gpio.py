"""Buttons on GPIO pins through gpiozero (the Waveshare HAT's joystick and three keys by default).

Each pin is a gpiozero ``DigitalInputDevice`` rather than a ``Button``: hold timing is ours, and
``Button`` would add a hold-polling thread per pin for nothing (eight threads on a Pi Zero).

Each line is active low with the Pi's internal pull-up. Debounce, hold and repeat timing come from
:class:`~hardware.input.tracker.InputPolicy` and behave the same under every gpiozero pin factory,
including ``MockFactory`` in tests. ``pin_bounce_time`` additionally asks the pin library for its own
glitch filter (lgpio does this in its alert thread); it adds to the latency, so it is off by default.

gpiozero (installed only on a Pi, the pi extra) is imported when the buttons are claimed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from hardware.errors import BackendUnavailable, ConfigError, DeviceError
from hardware.input.base import TrackedInput
from hardware.input.events import WAVESHARE_HAT_PINS, Button
from hardware.input.tracker import InputPolicy


class GpioButtons(TrackedInput):
    """One active-low input with pull-up per pin; events through :meth:`poll`."""

    def __init__(
        self,
        pins: Mapping[Button, int] = WAVESHARE_HAT_PINS,
        *,
        policy: InputPolicy | None = None,
        pin_factory: object | None = None,
        pin_bounce_time: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if len(set(pins.values())) != len(pins):
            raise ConfigError("two buttons are mapped to the same GPIO pin")
        try:
            from gpiozero import DigitalInputDevice
            from gpiozero.exc import GPIOZeroError
        except ImportError as exc:
            raise BackendUnavailable("gpiozero is not installed: install the [pi] extra") from exc
        super().__init__(policy, clock)
        self._devices: list[Any] = []  # gpiozero's DigitalInputDevice (gpiozero ships no types)
        try:
            for button, pin in pins.items():
                device = DigitalInputDevice(
                    pin, pull_up=True, bounce_time=pin_bounce_time, pin_factory=pin_factory
                )
                self._devices.append(device)
                device.when_activated = self._callback(button, True)
                device.when_deactivated = self._callback(button, False)
                if device.is_active:  # held (or stuck) at start: report it like any press
                    self._edge(button, True)
        except (GPIOZeroError, OSError) as exc:
            self.close()
            raise DeviceError(f"cannot claim the button GPIO pins: {exc}") from exc

    def _callback(self, button: Button, pressed: bool) -> Callable[[], None]:
        def on_edge() -> None:
            self._edge(button, pressed)

        return on_edge

    def close(self) -> None:
        super().close()
        for device in self._devices:
            device.close()
        self._devices.clear()
