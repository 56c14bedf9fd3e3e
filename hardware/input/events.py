"""Button events: what every input backend produces and the UI consumes."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal, get_args

from hardware.errors import ConfigError


class Button(enum.Enum):
    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"
    PRESS = "press"  # the joystick's centre push
    KEY1 = "key1"
    KEY2 = "key2"
    KEY3 = "key3"

    @classmethod
    def parse(cls, name: str) -> Button:
        """``"key1"``, ``"KEY1"``, ``"up"`` ... -> Button; ConfigError naming the choices otherwise."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            choices = ", ".join(b.name for b in cls)
            raise ConfigError(f"unknown button {name!r}: choose from {choices}") from None


JOYSTICK_DIRECTIONS = frozenset({Button.UP, Button.DOWN, Button.LEFT, Button.RIGHT})

EventKind = Literal["press", "release", "hold", "repeat"]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)

# Waveshare 1.3" LCD HAT, BCM numbering; every line is active low (pressed pulls it to ground)
WAVESHARE_HAT_PINS: dict[Button, int] = {
    Button.UP: 6,
    Button.DOWN: 19,
    Button.LEFT: 5,
    Button.RIGHT: 26,
    Button.PRESS: 13,
    Button.KEY1: 21,
    Button.KEY2: 20,
    Button.KEY3: 16,
}


@dataclass(frozen=True)
class ButtonEvent:
    """``kind`` is press, release, hold or repeat; ``at`` the monotonic time it happened.

    ``held_for`` is how long the button had been down: the hold threshold reached for ``hold``, the
    time since the press for ``repeat``, the whole press for ``release``, 0 for ``press``. A screen
    that needs a long hold for a dangerous action checks ``kind == "hold" and held_for >= ...``.
    """

    button: Button
    kind: EventKind
    at: float
    held_for: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.button, Button):
            raise ConfigError(f"button must be a Button, not {self.button!r}")
        if self.kind not in EVENT_KINDS:
            raise ConfigError(f"event kind must be one of {', '.join(EVENT_KINDS)}, not {self.kind!r}")
