"""A "please wait" screen for slow work (Argon2id unlock, key derivation, signing).

The job runs on the first tick after the screen was drawn, so the person sees what is happening
before the device goes quiet for a second. Errors of the signer (``AirlockError``) become a
message; any other error is reported by its type only (its text might quote a secret).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image, ImageDraw

from signer.errors import AirlockError
from ui import text, theme
from ui.screen import Action, Content, Pop, Replace, Screen
from ui.screens.message import error


class Working(Screen):
    def __init__(
        self,
        title: str,
        message: str,
        job: Callable[[], Any],
        done: Callable[[Any], Action | None],
        failed: Callable[[AirlockError], Action | None] | None = None,
    ) -> None:
        self.title = title
        self.message = message
        self.job = job
        self.done = done
        self.failed = failed
        self._ticks = 0
        self._shown = False
        self._finished = False

    def content(self) -> Content:
        return Content(self.title, lines=[self.message], extra={"working": True})

    def render(self) -> Image.Image:
        self._shown = True
        return super().render()

    def on_tick(self, now: float) -> Action | None:
        self._ticks += 1
        if self._finished or (not self._shown and self._ticks < 2):
            return None
        self._finished = True
        try:
            result = self.job()
        except AirlockError as exc:
            if self.failed is not None:
                return self.failed(exc) or Pop(None)
            return Replace(error(self.title, str(exc)))
        except Exception as exc:  # a bug below must not take the device down; its message may hold
            # secrets (third-party errors can quote their input), so only its type is shown
            return Replace(
                error(
                    self.title,
                    f"The operation stopped on an unexpected error "
                    f"({type(exc).__name__}). Nothing was signed.",
                )
            )
        return self.done(result) or Pop(result)

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        lines = text.wrap(self.message, theme.CONTENT_W, theme.BODY)
        y = theme.HEIGHT // 2 - len(lines) * text.line_height() // 2
        for line in lines:
            draw.text((theme.WIDTH / 2, y), line, fill=theme.FG, font=theme.font(theme.BODY), anchor="mt")
            y += text.line_height()
        cx, cy = theme.WIDTH // 2, y + 24
        draw.arc((cx - 12, cy - 12, cx + 12, cy + 12), 0, 270, fill=theme.ACCENT, width=3)
