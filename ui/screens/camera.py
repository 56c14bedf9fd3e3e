"""Camera preview that captures one frame when PRESS is pressed (entropy for a new seed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from signer.review import Severity
from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, RecordingDraw, Redraw, Replace, Screen
from ui.screens.scan import _square, camera_trouble, draw_status
from ui.session import CameraError

if TYPE_CHECKING:
    from ui.session import Session


class CameraCapture(Screen):
    def __init__(
        self, session: Session, title: str, on_capture: Callable[[Image.Image], Action | None]
    ) -> None:
        self.session = session
        self.title = title
        self.on_capture = on_capture
        self.frame: Image.Image | None = None
        self.preview: Image.Image | None = None
        self.error: str | None = None

    def content(self) -> Content:
        warnings = [(Severity.DANGER, self.error)] if self.error else []
        return Content(
            self.title,
            lines=["PRESS to capture" if self.frame is not None else "no camera image"],
            warnings=warnings,
            extra={"has_frame": self.frame is not None},
        )

    def on_tick(self, now: float) -> Action | None:
        try:
            frame = self.session.camera_frame()
        except CameraError as exc:
            return Replace(camera_trouble(self.session, exc))
        if frame is None:
            return None
        self.frame = frame
        self.preview = _square(frame)
        return Redraw()

    def on_input(self, event: Input) -> Action | None:
        if event.kind != Kind.PRESS:
            return None
        if event.key in (Key.KEY3, Key.LEFT):
            return Pop(None)
        if event.key in (Key.PRESS, Key.KEY1) and self.frame is not None:
            return self.on_capture(self.frame) or Redraw()
        return None

    def set_error(self, message: str) -> Any:
        self.error = message
        return Redraw()

    def render(self) -> Image.Image:
        image = self.preview.copy() if self.preview is not None else Image.new("RGB", theme.SIZE, theme.BG)
        draw = RecordingDraw(image)
        draw.rectangle((0, 0, theme.WIDTH, 24), fill=theme.BG)
        draw.text(
            (theme.WIDTH / 2, 12),
            text.ellipsize(self.title, theme.WIDTH - 8),
            fill=theme.FG,
            font=theme.font(),
            anchor="mm",
        )
        if self.error:
            draw_status(draw, self.error, theme.DANGER)
        else:
            draw_status(draw, "PRESS capture   KEY3 back", theme.DIM)
        self.drawn = draw.drawn
        return image

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:  # pragma: no cover
        pass
