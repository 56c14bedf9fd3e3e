"""Show a payload as a (possibly animated) QR code that fills the screen.

UP makes the code denser (fewer frames), DOWN sparser (bigger modules, easier for poor cameras);
RIGHT speeds the animation up, LEFT slows it down. KEY1 shows or hides the caption bar, KEY2
switches to the alternative format when there is one (e.g. UR <-> BBQr). PRESS or KEY3 leaves.

Frames keep a steady rate: each one is due ``frame_ms`` after the one before (a deadline, not a
wait after drawing), the screen tells the loop when the next one is due (``next_tick``), and while
the loop would wait it renders the next frame ahead (``on_idle``), so even the first cycle shows
frames already drawn. The frame set keeps each frame's QR code and screen image within its bound
(``FrameSet``).

The caption and status bars never cover a code: while they show, the code is drawn at the largest
module size that fits between them with its quiet zone (one size smaller, at least the densest
setting's 3 px). A code too big for that (the densest setting, a long payload) is not drawn while
the caption shows; the caption says so, and the code comes back whole when it hides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from signer.review import Severity
from signer.transport.errors import TransportError
from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, RecordingDraw, Redraw, Screen
from ui.settings import spec

if TYPE_CHECKING:
    from signer.transport.frames import FrameSet

Encoder = Callable[[int], "FrameSet"]
CAPTION_S = 2.0
CAPTION_BAR, STATUS_BAR = 22, 20  # rows of the caption bar (top) and the status bar (bottom)
CODE_BAND = theme.HEIGHT - CAPTION_BAR - STATUS_BAR  # the square left to a code while they show
CARD_LINES = (  # shown instead of a code too big to share the screen with the bars
    "This code is too big to show",
    "with its caption. It appears",
    "when the caption hides (KEY1).",
)
DENSITY, FRAME_MS = spec("qr_density"), spec("qr_frame_ms")  # the same choices as the settings


class QrDisplay(Screen):
    def __init__(
        self,
        title: str,
        encoders: list[tuple[str, Encoder]],
        *,
        density: int = 1,
        frame_ms: int = FRAME_MS.default,
        caption: str = "",
        on_done: Callable[[], Action | None] | None = None,
    ) -> None:
        if not encoders:
            raise ValueError("a QR display needs at least one encoder")
        self.title = title
        self.encoders = encoders
        self.format_index = 0
        self.density = density if density in DENSITY.choices else DENSITY.default
        self.frame_ms = frame_ms if frame_ms in FRAME_MS.choices else FRAME_MS.default
        self.caption = caption
        self.on_done = on_done
        self.index = 0
        self.now = 0.0
        self._next_step: float | None = None  # when the next frame is due
        self._caption_until: float | None = None
        self.show_caption = True
        self.error: str | None = None
        self.frames: FrameSet | None = None
        self._encode()

    # -- encoding ---------------------------------------------------------------------------
    def _encode(self) -> None:
        label, encoder = self.encoders[self.format_index]
        try:
            self.frames = encoder(self.density)
            self.error = None
        except TransportError as exc:
            self.frames = None
            self.error = f"{label}: {exc}"
        self.index = 0
        self._next_step = None
        self._caption_until = None
        self.show_caption = True

    @property
    def format_label(self) -> str:
        return self.encoders[self.format_index][0]

    def status_line(self) -> str:
        count = len(self.frames) if self.frames is not None else 0
        part = f"{self.index % count + 1}/{count}" if count > 1 else "1 frame"
        return f"{self.format_label}  {part}  d{self.density}  {self.frame_ms}ms"

    # -- behaviour --------------------------------------------------------------------------
    def content(self) -> Content:
        texts = list(self.frames.texts) if self.frames is not None else []
        warnings = [(Severity.DANGER, self.error)] if self.error else []
        return Content(
            self.title,
            lines=[self.caption, self.status_line()],
            warnings=warnings,
            extra={
                "texts": texts,
                "format": self.format_label,
                "density": self.density,
                "frame_ms": self.frame_ms,
                "index": self.index,
                "formats": [label for label, _ in self.encoders],
            },
        )

    def on_tick(self, now: float) -> Action | None:
        self.now = now
        if self._caption_until is None:
            self._caption_until = now + CAPTION_S
        animated = self.frames is not None and len(self.frames) > 1
        stepped = animated and self._step_due(now)
        if stepped:
            assert self.frames is not None
            self.index = (self.index + 1) % len(self.frames)
        # An animated code drops its caption with a frame step: one redraw, never one just before a step.
        hides = self.show_caption and self.frames is not None and now >= self._caption_until
        if hides and (stepped or not animated):
            self.show_caption = False
            return Redraw()
        return Redraw() if stepped else None

    def _step_due(self, now: float) -> bool:
        """Whether the next frame is due; each is due a frame time after the one before it."""
        step = self.frame_ms / 1000
        if self._next_step is None:
            self._next_step = now + step
            return False
        if now < self._next_step:
            return False
        self._next_step += step
        if now >= self._next_step:  # fell a whole frame behind: go on from now, never in a burst
            self._next_step = now + step
        return True

    def next_tick(self) -> float | None:
        """When the next frame is due (a still code: when its caption hides), so the loop wakes on time."""
        if self.frames is None:
            return None
        if self._caption_until is None:
            return 0.0  # not ticked yet: the schedule starts at the first tick, due at once
        if len(self.frames) > 1:
            return self._next_step
        return self._caption_until if self.show_caption else None

    def on_idle(self) -> bool:
        """Make the next frame ready ahead of its deadline; False when there was nothing to do."""
        if self.frames is None or len(self.frames) < 2:
            return False
        return self.frames.prepare(self.index + 1)

    def _flash(self) -> None:
        self.show_caption = True
        self._caption_until = self.now + CAPTION_S

    def on_input(self, event: Input) -> Action | None:
        if event.kind != Kind.PRESS:
            return None
        if event.key == Key.UP and self.density < max(DENSITY.choices):
            self.density += 1
            self._encode()
        elif event.key == Key.DOWN and self.density > min(DENSITY.choices):
            self.density -= 1
            self._encode()
        elif event.key in (Key.RIGHT, Key.LEFT):
            position = FRAME_MS.choices.index(self.frame_ms)
            position += -1 if event.key == Key.RIGHT else 1
            self.frame_ms = FRAME_MS.choices[min(max(position, 0), len(FRAME_MS.choices) - 1)]
        elif event.key == Key.KEY1:
            self.show_caption = not self.show_caption
            self._caption_until = self.now + (3600.0 if self.show_caption else 0.0)
            return Redraw()
        elif event.key == Key.KEY2 and len(self.encoders) > 1:
            self.format_index = (self.format_index + 1) % len(self.encoders)
            self._encode()
        elif event.key in (Key.PRESS, Key.KEY3):
            return (self.on_done() if self.on_done else None) or Pop(None)
        else:
            return None
        self._flash()
        return Redraw()

    # -- drawing ----------------------------------------------------------------------------
    @property
    def caption_hides_code(self) -> bool:
        """Whether the caption takes the whole screen: no readable module size fits the code between its
        bars (a big code at the densest setting). The caption never covers part of a code."""
        return self.frames is not None and self.frames.module_px_within(CODE_BAND) is None

    def render(self) -> Image.Image:
        if self.frames is None:
            return super().render()
        if not self.show_caption:
            image = self.frames.image(self.index).convert("RGB")  # a copy: the kept one is never drawn on
            if image.size != theme.SIZE:
                image = image.resize(theme.SIZE, Image.Resampling.NEAREST)
            self.drawn = []
            return image
        image = Image.new("RGB", theme.SIZE, theme.BG if self.caption_hides_code else "white")
        draw = RecordingDraw(image)
        if self.caption_hides_code:
            for i, line in enumerate(CARD_LINES):
                y = theme.HEIGHT / 2 + (i - (len(CARD_LINES) - 1) / 2) * text.line_height(theme.SMALL)
                font = theme.font(theme.SMALL)
                draw.text((theme.WIDTH / 2, y), line, fill=theme.DIM, font=font, anchor="mm")
        else:  # the code drawn smaller, between the bars, with its quiet zone
            code = self.frames.render_within(self.index, CODE_BAND)
            image.paste(code.convert("RGB"), ((theme.WIDTH - CODE_BAND) // 2, CAPTION_BAR))
        draw.rectangle((0, 0, theme.WIDTH - 1, CAPTION_BAR - 1), fill=theme.BG)
        draw.text(
            (theme.WIDTH / 2, CAPTION_BAR / 2),
            text.ellipsize(self.caption or self.title, theme.WIDTH - 8, theme.SMALL),
            fill=theme.FG,
            font=theme.font(theme.SMALL),
            anchor="mm",
        )
        draw.rectangle((0, theme.HEIGHT - STATUS_BAR, theme.WIDTH - 1, theme.HEIGHT - 1), fill=theme.BG)
        draw.text(
            (theme.WIDTH / 2, theme.HEIGHT - STATUS_BAR / 2),
            self.status_line(),
            fill=theme.DIM,
            font=theme.font(theme.SMALL),
            anchor="mm",
        )
        self.drawn = draw.drawn
        return image

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        lines = text.wrap(self.error or "nothing to show", theme.CONTENT_W, theme.BODY)
        for i, line in enumerate(lines[:7]):
            draw.text(
                (theme.MARGIN, top + 8 + i * text.line_height()), line, fill=theme.DANGER, font=theme.font()
            )
