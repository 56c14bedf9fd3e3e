"""A secret QR code (a SeedQR) shown only while a key is held, and never captured.

Hold PRESS (or KEY1) to show the code; releasing hides it again, and so does a hold longer than
``REVEAL_MAX_S`` (a backend that misses the release). KEY2 switches between the codes given (e.g.
standard and compact SeedQR); KEY3 or LEFT goes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw

from ui import theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, draw_footer
from ui.screens.secret_words import REVEAL_KEYS, HeldSecret, draw_hold_to_show

Render = Callable[[], Image.Image]  # draws the code on a 240x240 canvas


class SecretQr(HeldSecret):

    def __init__(
        self, heading: str, codes: Sequence[tuple[str, Render]], *, secret_fingerprint: str | None
    ) -> None:
        if not codes:
            raise ValueError("a secret QR screen needs at least one code")
        super().__init__()
        self.heading = heading
        self.codes = list(codes)
        self.index = 0
        self.secret_fingerprint = secret_fingerprint
        self._image: Image.Image | None = None

    @property
    def label(self) -> str:
        return self.codes[self.index][0]

    @property
    def title(self) -> str:  # type: ignore[override]  # read-only: the title follows the screen's state
        return f"{self.heading} ({self.label})"

    def content(self) -> Content:
        hint = "" if self.revealed else "Hold PRESS to show the code"
        return Content(
            self.title,
            lines=[hint] if hint else [],
            secret=True,
            extra={"revealed": self.revealed, "format": self.label, "formats": [c[0] for c in self.codes]},
        )

    def on_input(self, event: Input) -> Action | None:
        if event.key in REVEAL_KEYS:
            return self.reveal_key(event)
        if event.kind != Kind.PRESS:
            return None
        self.revealed = False
        if event.key == Key.KEY2 and len(self.codes) > 1:
            self.index = (self.index + 1) % len(self.codes)
            self._image = None
            return Redraw()
        if event.key in (Key.KEY3, Key.LEFT):
            return Pop(None)
        return Redraw()

    def wipe(self) -> None:
        self.codes = [(label, _blank) for label, _ in self.codes]
        self._image = None
        self.revealed = False

    def render(self) -> Image.Image:
        if not self.revealed:
            return super().render()
        if self._image is None:
            self._image = self.codes[self.index][1]().convert("RGB")
        self.drawn = []
        return self._image.copy()

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        draw_hold_to_show(draw, top, "to show the code")
        if len(self.codes) > 1:
            other = self.codes[(self.index + 1) % len(self.codes)][0]
            hint = f"KEY2 {other}   KEY3 back"
        else:
            hint = "KEY3 back"
        draw_footer(draw, hint)


def _blank() -> Image.Image:
    return Image.new("RGB", theme.SIZE, theme.BG)
