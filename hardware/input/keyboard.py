"""Keyboard (and on-screen clicks) as the device's buttons, for the emulator.

Arrows are the joystick, Enter its centre push, 1/2/3 the keys KEY1-KEY3. Key events arrive as
pygame events from the emulator's loop; hold and repeat timing is the same as on the device.

pygame (the emulator extra only) is imported when keys are read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from hardware.input.base import TrackedInput
from hardware.input.events import Button
from hardware.input.tracker import InputPolicy

if TYPE_CHECKING:
    import pygame

KEY_LEGEND: tuple[tuple[str, str], ...] = (
    ("arrows", "joystick"),
    ("Enter", "press"),
    ("1 2 3", "KEY1-3"),
)


def default_keymap() -> dict[int, Button]:
    """pygame key codes -> buttons."""
    import pygame

    return {
        pygame.K_UP: Button.UP,
        pygame.K_DOWN: Button.DOWN,
        pygame.K_LEFT: Button.LEFT,
        pygame.K_RIGHT: Button.RIGHT,
        pygame.K_RETURN: Button.PRESS,
        pygame.K_KP_ENTER: Button.PRESS,
        pygame.K_1: Button.KEY1,
        pygame.K_2: Button.KEY2,
        pygame.K_3: Button.KEY3,
        pygame.K_KP1: Button.KEY1,
        pygame.K_KP2: Button.KEY2,
        pygame.K_KP3: Button.KEY3,
    }


class KeyboardInput(TrackedInput):
    """Maps key down/up to button edges. Keys have no bounce, so debounce defaults to 0."""

    def __init__(
        self,
        keymap: Mapping[int, Button] | None = None,
        *,
        policy: InputPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(policy or InputPolicy(debounce=0.0), clock)
        self._keymap = dict(keymap) if keymap is not None else default_keymap()

    def key(self, key: int, down: bool) -> Button | None:
        """Feed one key change; returns the button it maps to (None for unmapped keys)."""
        button = self._keymap.get(key)
        if button is not None:
            self._edge(button, down)
        return button

    def button(self, button: Button, down: bool) -> None:
        """Feed a button change directly (the emulator's clickable buttons)."""
        self._edge(button, down)

    def handle(self, event: pygame.event.Event) -> bool:
        """Feed a pygame event; True if it was a mapped key."""
        import pygame

        kind = getattr(event, "type", None)
        if kind not in (pygame.KEYDOWN, pygame.KEYUP):
            return False
        return self.key(event.key, kind == pygame.KEYDOWN) is not None
