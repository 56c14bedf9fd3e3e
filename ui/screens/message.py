"""Messages, confirmations and errors: wrapped text, a coloured severity, and buttons.

UP/DOWN scroll text that does not fit; LEFT/RIGHT choose a button; PRESS activates it; KEY3 goes
back (unless the message must be answered).
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from signer.review import Severity
from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, Screen, draw_footer, footer_top

Button = tuple[str, Callable[[], Action | None]]
BUTTON_H = 30


def severity_colour(severity: str | None) -> tuple[int, int, int]:
    return theme.SEVERITY.get(severity or "", theme.FG)


class Message(Screen):
    def __init__(
        self,
        title: str,
        body: str,
        *,
        severity: str | None = None,
        buttons: list[Button] | None = None,
        back: bool = True,
        secret: bool = False,
        secret_fingerprint: str | None = None,
    ) -> None:
        self.title = title
        self.body = body
        self.severity = severity
        if severity in (Severity.WARN, Severity.DANGER):
            self.title_colour = severity_colour(severity)
        self.buttons: list[Button] = buttons if buttons is not None else [("OK", lambda: Pop(None))]
        self.back = back
        self.secret = secret
        self.secret_fingerprint = secret_fingerprint
        self.selected = 0
        self.scroll = 0
        self._size, self._lines = self._layout()

    # -- layout -----------------------------------------------------------------------------
    def _text_box(self) -> tuple[int, int]:
        top = theme.TITLE_H + 6
        bottom = footer_top() - (BUTTON_H + 6 if self.buttons else 0)
        return top, bottom

    def _layout(self) -> tuple[int, list[str]]:
        top, bottom = self._text_box()
        for size in (theme.BODY, theme.SMALL):
            lines = text.wrap(self.body, theme.CONTENT_W, size)
            if len(lines) * text.line_height(size) <= bottom - top:
                return size, lines
        return theme.SMALL, text.wrap(self.body, theme.CONTENT_W - 6, theme.SMALL)  # room for a scroll bar

    def visible_lines(self) -> int:
        top, bottom = self._text_box()
        return max(1, (bottom - top) // text.line_height(self._size))

    # -- behaviour --------------------------------------------------------------------------
    def content(self) -> Content:
        warnings = [(self.severity, self.body)] if self.severity in (Severity.WARN, Severity.DANGER) else []
        return Content(
            self.title,
            lines=list(self._lines),
            warnings=warnings,
            items=[label for label, _ in self.buttons],
            selected=self.selected,
            secret=self.secret,
            extra={"severity": self.severity, "body": self.body},
        )

    def on_input(self, event: Input) -> Action | None:
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        overflow = max(0, len(self._lines) - self.visible_lines())
        if event.key == Key.UP and self.scroll > 0:
            self.scroll -= 1
        elif event.key == Key.DOWN and self.scroll < overflow:
            self.scroll += 1
        elif event.key == Key.LEFT and self.buttons:
            self.selected = (self.selected - 1) % len(self.buttons)
        elif event.key == Key.RIGHT and self.buttons:
            self.selected = (self.selected + 1) % len(self.buttons)
        elif event.key == Key.PRESS and event.kind == Kind.PRESS and self.buttons:
            return self.buttons[self.selected][1]() or Redraw()
        elif event.key == Key.KEY3 and event.kind == Kind.PRESS and self.back:
            return Pop(None)
        else:
            return None
        return Redraw()

    # -- drawing ----------------------------------------------------------------------------
    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        colour = severity_colour(self.severity)
        if self.severity in theme.SEVERITY:  # a coloured rule under the title says how serious it is
            draw.rectangle((0, theme.TITLE_H - 3, theme.WIDTH, theme.TITLE_H - 1), fill=colour)
        text_top, _ = self._text_box()
        rows = self.visible_lines()
        shown = self._lines[self.scroll : self.scroll + rows]
        lh = text.line_height(self._size)
        for i, line in enumerate(shown):
            draw.text((theme.MARGIN, text_top + i * lh), line, fill=theme.FG, font=theme.font(self._size))
        if len(self._lines) > rows:
            bar_h = rows * lh
            knob = max(10, bar_h * rows // len(self._lines))
            y = text_top + (bar_h - knob) * self.scroll // max(1, len(self._lines) - rows)
            draw.rectangle((theme.WIDTH - 4, y, theme.WIDTH - 2, y + knob), fill=theme.DIM)
        if self.buttons:
            draw_buttons(
                draw, [label for label, _ in self.buttons], self.selected, footer_top() - BUTTON_H - 2
            )
        hints = []
        if len(self._lines) > rows:
            hints.append("UP/DOWN scroll")
        if len(self.buttons) > 1:
            hints.append("LEFT/RIGHT")
        if self.back:
            hints.append("KEY3 back")
        while len(hints) > 1 and not text.fits("   ".join(hints), theme.WIDTH - 8, theme.SMALL):
            hints.pop()  # the least important hint goes first
        draw_footer(draw, "   ".join(hints) if hints else "PRESS ok")


def draw_buttons(draw: ImageDraw.ImageDraw, labels: list[str], selected: int, y: int) -> None:
    """A row of equal buttons across the screen; the selected one is outlined in the accent colour."""
    gap = 6
    width = (theme.WIDTH - 2 * theme.MARGIN - gap * (len(labels) - 1)) / len(labels)
    for i, label in enumerate(labels):
        x0 = theme.MARGIN + i * (width + gap)
        box = (int(x0), y, int(x0 + width), y + BUTTON_H - 4)
        chosen = i == selected
        draw.rounded_rectangle(
            box,
            6,
            fill=theme.SELECT_BG if chosen else theme.BUTTON_BG,
            outline=theme.ACCENT if chosen else theme.BUTTON_BG,
        )
        size = text.fit_size(label, width - 8, (theme.BODY, theme.SMALL))
        shown = text.ellipsize(label, width - 8, size)
        draw.text(
            ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
            shown,
            fill=theme.FG,
            font=theme.font(size),
            anchor="mm",
        )


def error(title: str, message: str, then: Callable[[], Action | None] | None = None) -> Message:
    """A danger-coloured message; OK runs ``then`` (default: back)."""
    return Message(title, message, severity=Severity.DANGER, buttons=[("OK", then or (lambda: Pop(None)))])


def info(title: str, message: str, then: Callable[[], Action | None] | None = None) -> Message:
    return Message(title, message, buttons=[("OK", then or (lambda: Pop(None)))])


def confirm(
    title: str,
    message: str,
    yes: Callable[[], Action | None],
    *,
    yes_label: str = "Yes",
    no_label: str = "No",
    severity: str | None = None,
    no: Callable[[], Action | None] | None = None,
) -> Message:
    """A question with two answers; the safe answer (``no``) is selected first."""
    screen = Message(
        title, message, severity=severity, buttons=[(yes_label, yes), (no_label, no or (lambda: Pop(None)))]
    )
    screen.selected = 1
    return screen
