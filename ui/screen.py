"""Screens and the actions they return; every screen exposes its meaning via ``content()``.

A screen draws itself onto a 240x240 ``PIL.Image`` and reacts to ``Input`` events by returning an
``Action`` (push a screen, pop with a result, replace, go home). Tests assert on ``content()`` —
title, lines, warnings, items, selection — not on pixels.

Every ``render()`` records each piece of text it drew with its bounding box in ``drawn``, so a
test can prove that no text runs off the 240x240 screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec

from PIL import Image, ImageDraw

from ui import text, theme
from ui.events import Input


@dataclass
class Content:
    title: str
    lines: list[str] = field(default_factory=list)
    warnings: Sequence[tuple[str, str]] = field(default_factory=list)  # (severity, message)
    items: list[str] = field(default_factory=list)
    selected: int | None = None
    secret: bool = False  # shows words, shares or a passphrase: never captured unless demo
    extra: dict[str, Any] = field(default_factory=dict)


class Action:
    """What the app should do after an input."""


@dataclass
class Push(Action):
    screen: Screen


@dataclass
class Pop(Action):
    result: Any = None


@dataclass
class Replace(Action):
    screen: Screen


P = ParamSpec("P")


def pushes(build: Callable[P, Screen], *args: P.args, **kwargs: P.kwargs) -> Callable[[], Push]:
    """A menu action that builds its screen when chosen (not when the menu is drawn) and pushes it."""
    return lambda: Push(build(*args, **kwargs))


def replaces(build: Callable[P, Screen], *args: P.args, **kwargs: P.kwargs) -> Callable[[], Replace]:
    """As ``pushes``, replacing the current screen."""
    return lambda: Replace(build(*args, **kwargs))


@dataclass
class Home(Action):
    """Back to the root screen (after a finished flow, or on lock), then optionally show ``then``."""

    then: Screen | None = None


@dataclass
class Redraw(Action):
    pass


Callback = Callable[..., Action | None]


@dataclass(frozen=True)
class Drawn:
    """One piece of text a screen drew: what, where (x0, y0, x1, y1) and at which size."""

    text: str
    box: tuple[float, float, float, float]
    size: int


class RecordingDraw(ImageDraw.ImageDraw):
    """An ImageDraw that remembers every text it drew and its bounding box."""

    def __init__(self, image: Image.Image) -> None:
        super().__init__(image)
        self.drawn: list[Drawn] = []

    def text(
        self,
        xy: Any,
        text: Any,
        fill: Any = None,
        font: Any = None,
        anchor: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if text:
            box = self.textbbox(xy, text, font=font, anchor=anchor)
            left, top, right, bottom = (float(v) for v in box)
            self.drawn.append(Drawn(str(text), (left, top, right, bottom), int(getattr(font, "size", 0))))
        super().text(xy, text, fill, font, anchor, *args, **kwargs)


class Screen:
    """Base screen: a title bar and a body the subclass draws."""

    title: str = ""
    secret: bool = False
    # The fingerprint of the seed whose secret this screen shows (None: a seed not stored yet);
    # capture of a secret screen is allowed only for the marked demo seed.
    secret_fingerprint: str | None = None
    # True while the screen is doing something that should not be cut short by auto-lock
    # (e.g. an animated QR scan in progress).
    busy: bool = False
    title_colour: tuple[int, int, int] = theme.FG
    drawn: list[Drawn]

    def content(self) -> Content:
        return Content(self.title, secret=self.secret)

    def on_input(self, event: Input) -> Action | None:
        return None

    def on_tick(self, now: float) -> Action | None:
        """Called every frame (~20 Hz) for animation, camera and timers."""
        return None

    def next_tick(self) -> float | None:
        """The clock time of the screen's next deadline (an animation frame), if it has one; the loop
        wakes for it instead of waiting its usual turn."""
        return None

    def on_idle(self) -> bool:
        """Do one piece of work ahead of time (e.g. draw the next frame) while the loop would wait;
        True when there was something to do."""
        return False

    def on_result(self, result: Any) -> Action | None:
        """A screen this one pushed was popped with ``result``."""
        return Redraw()

    def wipe(self) -> None:
        """Forget any secret this screen holds (called on lock). Best effort in Python."""

    # -- drawing --------------------------------------------------------------------------
    def render(self) -> Image.Image:
        image = Image.new("RGB", theme.SIZE, theme.BG)
        draw = RecordingDraw(image)
        top = 0
        if self.title:
            draw_title(draw, self.title, self.title_colour)
            top = theme.TITLE_H
        self.draw_body(image, draw, top)
        self.drawn = draw.drawn
        return image

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        pass


def draw_title(draw: ImageDraw.ImageDraw, title: str, colour: tuple[int, int, int] = theme.FG) -> None:
    shown = text.ellipsize(title, theme.SIZE[0] - 2 * theme.MARGIN, theme.TITLE)
    draw.text(
        (theme.SIZE[0] / 2, theme.TITLE_H / 2), shown, fill=colour, font=theme.font(theme.TITLE), anchor="mm"
    )
    draw.line(
        (theme.MARGIN, theme.TITLE_H - 2, theme.SIZE[0] - theme.MARGIN, theme.TITLE_H - 2), fill=theme.DIM
    )


def draw_lines(
    draw: ImageDraw.ImageDraw, lines: list[tuple[str, tuple[int, int, int]]], top: int, size: int = theme.BODY
) -> int:
    y = top
    for line, colour in lines:
        draw.text((theme.MARGIN, y), line, fill=colour, font=theme.font(size))
        y += text.line_height(size)
    return y


def footer_top() -> int:
    return theme.SIZE[1] - text.line_height(theme.SMALL)


def draw_footer(draw: ImageDraw.ImageDraw, hint: str) -> None:
    """A one-line key hint at the bottom (e.g. "KEY3 back   PRESS select")."""
    y = footer_top()
    draw.text(
        (theme.SIZE[0] / 2, y + 2),
        text.ellipsize(hint, theme.SIZE[0] - 8, theme.SMALL),
        fill=theme.DIM,
        font=theme.font(theme.SMALL),
        anchor="mt",
    )


def draw_progress(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    fraction: float,
    colour: tuple[int, int, int] = theme.ACCENT,
) -> None:
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=(y1 - y0) // 2, outline=theme.DIM)
    fraction = min(1.0, max(0.0, fraction))
    if fraction > 0:
        draw.rounded_rectangle(
            (x0, y0, x0 + max(y1 - y0, int((x1 - x0) * fraction)), y1), radius=(y1 - y0) // 2, fill=colour
        )
