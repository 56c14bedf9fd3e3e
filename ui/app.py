"""The UI state machine: a stack of screens driven by input events and a clock tick.

The app is pure: it takes ``Input`` events and ``tick(now)`` calls and produces frames. The
device wiring feeds it from real or simulated hardware; tests feed it scripted inputs.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image

from ui.events import Input
from ui.screen import Action, Content, Home, Pop, Push, Redraw, Replace, Screen
from ui.screens.message import error


class App:
    def __init__(self, root: Screen | Callable[[], Screen]) -> None:
        self._root_factory: Callable[[], Screen] = (
            root if callable(root) and not isinstance(root, Screen) else (lambda: root)
        )
        self.stack: list[Screen] = [self._root_factory()]
        self.dirty = True
        self.idle_since = 0.0
        self.now = 0.0

    @property
    def screen(self) -> Screen:
        return self.stack[-1]

    def content(self) -> Content:
        return self.screen.content()

    def handle(self, event: Input) -> None:
        self.idle_since = self.now
        self._guarded(lambda: self.screen.on_input(event))

    def tick(self, now: float) -> None:
        self.now = now
        self._guarded(lambda: self.screen.on_tick(now))

    def next_tick(self) -> float | None:
        """When the screen on top next needs a tick (None: no deadline of its own)."""
        try:
            return self.screen.next_tick()
        except Exception as exc:
            self._recover(exc)
            return None

    def idle(self) -> bool:
        """Let the screen on top work ahead while the loop would wait; True when it did."""
        try:
            return self.screen.on_idle()
        except Exception as exc:
            self._recover(exc)
            return False

    def _guarded(self, step: Callable[[], Action | None]) -> None:
        """Run one step of the screen on top; a bug must close that screen, not the device."""
        try:
            self.apply(step())
        except Exception as exc:
            self._recover(exc)

    def _recover(self, exc: Exception) -> None:
        # Only the type is shown: an exception's text can quote its input, which may be secret.
        self.stack = [self._root_factory()]
        self.stack.append(
            error("Stopped", f"An unexpected error ({type(exc).__name__}) closed that screen.")
        )
        self.dirty = True

    def apply(self, action: Action | None) -> None:
        while action is not None:
            self.dirty = True
            if isinstance(action, Push):
                self.stack.append(action.screen)
                action = None
            elif isinstance(action, Replace):
                self.stack[-1] = action.screen
                action = None
            elif isinstance(action, Pop):
                if len(self.stack) == 1:
                    return
                self.stack.pop()
                action = self.screen.on_result(action.result)
            elif isinstance(action, Home):
                self.stack = [self._root_factory()]
                if action.then is not None:
                    self.stack.append(action.then)
                action = None
            elif isinstance(action, Redraw):
                action = None
            else:  # pragma: no cover - programming error
                raise TypeError(f"unknown action {action!r}")

    def frame(self) -> Image.Image:
        self.dirty = False
        try:
            return self.screen.render()
        except Exception as exc:
            self._recover(exc)
            self.dirty = False
            return self.screen.render()
