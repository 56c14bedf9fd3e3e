"""A scrolling list of choices: joystick UP/DOWN to move, PRESS or RIGHT to choose, KEY3/LEFT back.

Optional extras: a few dim header lines under the title (a seed's fingerprint and kind), a coloured
banner (network interfaces: red when one is up, amber when only present; up to two lines), and a
``rebuild`` callback that refreshes the items when a pushed screen returns (after adding an account,
renaming a seed...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from signer.review import Severity
from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, Screen, draw_footer, footer_top

ROW_H = 30
BANNER_H = 20  # one line; each further line adds a SMALL line height
BANNER_LINES = 2


@dataclass
class MenuItem:
    label: str
    action: Callable[[], Action | None]
    detail: str = ""  # a dim second column (e.g. a fingerprint)
    colour: tuple[int, int, int] | None = None


class Menu(Screen):
    def __init__(
        self,
        title: str,
        items: list[MenuItem],
        back: bool = True,
        hint: str | None = None,
        *,
        header: list[str] | None = None,
        banner: str | None = None,
        banner_severity: str = Severity.DANGER,
        rebuild: Callable[[Menu], None] | None = None,
    ) -> None:
        self.title = title
        self.items = items
        self.back = back
        self.selected = 0
        self.hint = hint or ("PRESS select   KEY3 back" if back else "PRESS select")
        self.header = header or []
        self.banner = banner
        self.banner_severity = banner_severity
        self.rebuild = rebuild

    def content(self) -> Content:
        warnings = [(self.banner_severity, self.banner)] if self.banner else []
        return Content(
            self.title,
            lines=list(self.header),
            items=[i.label for i in self.items],
            selected=self.selected,
            warnings=warnings,
            secret=self.secret,
            extra={"details": [i.detail for i in self.items]},
        )

    def refresh(self) -> None:
        if self.rebuild is not None:
            self.rebuild(self)
        self.selected = min(self.selected, max(0, len(self.items) - 1))

    def on_result(self, result: Any) -> Action | None:
        self.refresh()
        return Redraw()

    def on_input(self, event: Input) -> Action | None:
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        if event.key == Key.UP and self.items:
            self.selected = (self.selected - 1) % len(self.items)
        elif event.key == Key.DOWN and self.items:
            self.selected = (self.selected + 1) % len(self.items)
        elif event.key in (Key.PRESS, Key.RIGHT) and self.items and event.kind == Kind.PRESS:
            return self.items[self.selected].action() or Redraw()
        elif event.key in (Key.KEY3, Key.LEFT) and self.back and event.kind == Kind.PRESS:
            return Pop(None)
        else:
            return None
        return Redraw()

    def _list_top(self, top: int) -> int:
        y = top
        if self.banner:
            y += self.banner_height() + 2
        if self.header:
            y += len(self.header_lines()) * text.line_height(theme.SMALL) + 2
        return y

    def banner_lines(self) -> list[str]:
        """The banner wrapped to the screen (at most two lines; a longer one is cut with an ellipsis)."""
        lines = text.wrap(self.banner or "", theme.WIDTH - 8, theme.SMALL)
        if len(lines) > BANNER_LINES:
            rest = " ".join(lines[BANNER_LINES - 1 :])
            lines = [*lines[: BANNER_LINES - 1], text.ellipsize(rest, theme.WIDTH - 8, theme.SMALL)]
        return lines

    def banner_height(self) -> int:
        return BANNER_H + (len(self.banner_lines()) - 1) * text.line_height(theme.SMALL)

    def header_lines(self) -> list[str]:
        """The header wrapped to the screen (at most four lines; a longer one is cut with an ellipsis)."""
        lines = [part for line in self.header for part in text.wrap(line, theme.CONTENT_W, theme.SMALL)]
        if len(lines) > 4:
            lines = [*lines[:3], text.ellipsize(lines[3] + " …", theme.CONTENT_W, theme.SMALL)]
        return lines

    def visible_rows(self, top: int = theme.TITLE_H) -> int:
        return max(1, (footer_top() - 4 - self._list_top(top)) // ROW_H)

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        y = top
        if self.banner:
            height, line_h = self.banner_height(), text.line_height(theme.SMALL)
            draw.rectangle((0, y, theme.WIDTH, y + height), fill=theme.SEVERITY[self.banner_severity])
            ink = theme.FG if self.banner_severity == Severity.DANGER else theme.BG  # dark text on amber
            for i, line in enumerate(self.banner_lines()):
                centre = y + BANNER_H / 2 + i * line_h
                draw.text(
                    (theme.WIDTH / 2, centre), line, fill=ink, font=theme.font(theme.SMALL), anchor="mm"
                )
            y += height + 2
        for line in self.header_lines():
            draw.text((theme.MARGIN, y), line, fill=theme.DIM, font=theme.font(theme.SMALL))
            y += text.line_height(theme.SMALL)
        list_top = self._list_top(top)
        rows = self.visible_rows(top)
        first = min(max(0, self.selected - rows // 2), max(0, len(self.items) - rows))
        width = theme.SIZE[0] - 2 * theme.MARGIN
        for row, item in enumerate(self.items[first : first + rows]):
            index = first + row
            y = list_top + 4 + row * ROW_H
            if index == self.selected:
                draw.rounded_rectangle(
                    (4, y, theme.SIZE[0] - 4, y + ROW_H - 4), 6, fill=theme.SELECT_BG, outline=theme.ACCENT
                )
            detail = text.ellipsize(item.detail, width / 2, theme.SMALL) if item.detail else ""
            detail_w = text.width(detail, theme.SMALL) + 6 if detail else 0
            label = text.ellipsize(item.label, width - detail_w - 8)
            draw.text(
                (theme.MARGIN + 4, y + (ROW_H - 4) / 2),
                label,
                fill=item.colour or theme.FG,
                font=theme.font(theme.BODY),
                anchor="lm",
            )
            if detail:
                draw.text(
                    (theme.SIZE[0] - theme.MARGIN - 4, y + (ROW_H - 4) / 2),
                    detail,
                    fill=theme.DIM,
                    font=theme.font(theme.SMALL),
                    anchor="rm",
                )
        if len(self.items) > rows:  # scroll indicator
            bar_top, bar_h = list_top + 4, rows * ROW_H
            knob = max(12, bar_h * rows // len(self.items))
            y = bar_top + (bar_h - knob) * first // max(1, len(self.items) - rows)
            draw.rectangle((theme.SIZE[0] - 3, y, theme.SIZE[0] - 1, y + knob), fill=theme.DIM)
        draw_footer(draw, self.hint)
