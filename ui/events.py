"""Input events the UI consumes: the joystick's five directions and the three keys.

Hardware backends (gpiozero, keyboard, scripted) produce their own events; the app wiring maps
them onto these, so the UI never knows where a press came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Key(StrEnum):
    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"
    PRESS = "press"  # joystick centre: select / confirm
    KEY1 = "key1"  # top key: context action
    KEY2 = "key2"  # middle key
    KEY3 = "key3"  # bottom key: back


class Kind(StrEnum):
    PRESS = "press"
    RELEASE = "release"
    HOLD = "hold"  # still held after the hold time; ``held`` says for how long
    REPEAT = "repeat"  # auto-repeat while a direction is held


@dataclass(frozen=True)
class Input:
    key: Key
    kind: Kind = Kind.PRESS
    held: float = 0.0  # seconds the key has been down (for HOLD and RELEASE)

    @classmethod
    def press(cls, key: Key | str) -> Input:
        return cls(Key(key), Kind.PRESS)
