"""Buttons: events, one interface (:class:`InputSource`), backends GPIO (gpiozero), keyboard, scripted.

Backend modules are imported on use, e.g. ``from hardware.input.gpio import GpioButtons``.
"""

from hardware.input.base import InputSource
from hardware.input.events import JOYSTICK_DIRECTIONS, WAVESHARE_HAT_PINS, Button, ButtonEvent, EventKind
from hardware.input.tracker import HOLD_TIME, LONG_HOLD_TIME, ButtonTracker, InputPolicy

__all__ = [
    "HOLD_TIME",
    "JOYSTICK_DIRECTIONS",
    "LONG_HOLD_TIME",
    "WAVESHARE_HAT_PINS",
    "Button",
    "ButtonEvent",
    "ButtonTracker",
    "EventKind",
    "InputPolicy",
    "InputSource",
]
