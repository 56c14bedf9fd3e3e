"""Small choosers: a number picker (UP/DOWN) and a checklist (PRESS toggles, KEY1 done)."""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from signer.review import Severity
from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, Screen, draw_footer, footer_top

ROW_H = 30


class NumberPicker(Screen):
    """Pick an integer in ``[low, high]``: UP/DOWN step by one, LEFT/RIGHT by ``big_step``."""

    def __init__(
        self,
        title: str,
        label: str,
        value: int,
        low: int,
        high: int,
        on_done: Callable[[int], Action | None],
        *,
        big_step: int = 10,
        describe: Callable[[int], str] | None = None,
    ) -> None:
        self.title = title
        self.label = label
        self.value = min(max(value, low), high)
        self.low, self.high = low, high
        self.on_done = on_done
        self.big_step = big_step
        self.describe = describe

    def content(self) -> Content:
        lines = [self.label, str(self.value)]
        if self.describe:
            lines.append(self.describe(self.value))
        return Content(
            self.title, lines=lines, extra={"value": self.value, "low": self.low, "high": self.high}
        )

    def on_input(self, event: Input) -> Action | None:
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        step = {Key.UP: 1, Key.DOWN: -1, Key.RIGHT: self.big_step, Key.LEFT: -self.big_step}.get(event.key)
        if step is not None:
            self.value = min(max(self.value + step, self.low), self.high)
            return Redraw()
        if event.kind != Kind.PRESS:
            return None
        if event.key in (Key.PRESS, Key.KEY1):
            return self.on_done(self.value) or Pop(self.value)
        if event.key == Key.KEY3:
            return Pop(None)
        return None

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        cx = theme.WIDTH / 2
        for i, line in enumerate(text.wrap(self.label, theme.CONTENT_W, theme.BODY)[:2]):
            draw.text(
                (cx, top + 8 + i * text.line_height()), line, fill=theme.DIM, font=theme.font(), anchor="mt"
            )
        mid = top + 96
        draw.polygon(
            [(cx, mid - 52), (cx - 12, mid - 38), (cx + 12, mid - 38)],
            fill=theme.ACCENT if self.value < self.high else theme.DISABLED,
        )
        draw.text((cx, mid), str(self.value), fill=theme.FG, font=theme.font(44), anchor="mm")
        draw.polygon(
            [(cx, mid + 52), (cx - 12, mid + 38), (cx + 12, mid + 38)],
            fill=theme.ACCENT if self.value > self.low else theme.DISABLED,
        )
        if self.describe:
            line = text.ellipsize(self.describe(self.value), theme.CONTENT_W, theme.SMALL)
            draw.text((cx, mid + 62), line, fill=theme.DIM, font=theme.font(theme.SMALL), anchor="mt")
        draw_footer(draw, "UP/DOWN change   PRESS ok")


class Checklist(Screen):
    """Choose several items: PRESS toggles the one under the cursor, KEY1 confirms. An optional
    header (dim, wrapped to the screen) says what the choice is for."""

    def __init__(
        self,
        title: str,
        labels: list[str],
        checked: set[int],
        on_done: Callable[[set[int]], Action | None],
        *,
        minimum: int = 1,
        header: list[str] | None = None,
    ) -> None:
        self.title = title
        self.labels = labels
        self.checked = set(checked)
        self.on_done = on_done
        self.minimum = minimum
        self.header = header or []
        self.selected = 0
        self.error: str | None = None

    def content(self) -> Content:
        items = [f"[{'x' if i in self.checked else ' '}] {label}" for i, label in enumerate(self.labels)]
        warnings = [(Severity.WARN, self.error)] if self.error else []
        return Content(
            self.title,
            lines=list(self.header),
            items=items,
            selected=self.selected,
            warnings=warnings,
            extra={"checked": sorted(self.checked)},
        )

    def on_input(self, event: Input) -> Action | None:
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        if event.key == Key.UP:
            self.selected = (self.selected - 1) % len(self.labels)
        elif event.key == Key.DOWN:
            self.selected = (self.selected + 1) % len(self.labels)
        elif event.kind != Kind.PRESS:
            return None
        elif event.key in (Key.PRESS, Key.RIGHT):
            self.checked ^= {self.selected}
            self.error = None
        elif event.key == Key.KEY1:
            if len(self.checked) < self.minimum:
                self.error = f"choose at least {self.minimum}"
                return Redraw()
            return self.on_done(set(self.checked)) or Pop(set(self.checked))
        elif event.key in (Key.KEY3, Key.LEFT):
            return Pop(None)
        else:
            return None
        return Redraw()

    def header_lines(self) -> list[str]:
        return [part for line in self.header for part in text.wrap(line, theme.CONTENT_W, theme.SMALL)]

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        for line in self.header_lines():
            draw.text((theme.MARGIN, top), line, fill=theme.DIM, font=theme.font(theme.SMALL))
            top += text.line_height(theme.SMALL)
        if self.header:
            top += 2
        rows = (footer_top() - top - 8) // ROW_H
        first = min(max(0, self.selected - rows // 2), max(0, len(self.labels) - rows))
        for row, label in enumerate(self.labels[first : first + rows]):
            index = first + row
            y = top + 4 + row * ROW_H
            if index == self.selected:
                draw.rounded_rectangle(
                    (4, y, theme.WIDTH - 4, y + ROW_H - 4), 6, fill=theme.SELECT_BG, outline=theme.ACCENT
                )
            box = (theme.MARGIN + 4, y + 6, theme.MARGIN + 18, y + 20)
            draw.rectangle(box, outline=theme.FG)
            if index in self.checked:
                draw.line(
                    (box[0] + 3, box[1] + 7, box[0] + 6, box[3] - 3, box[2] - 2, box[1] + 3),
                    fill=theme.OK,
                    width=2,
                )
            shown = text.ellipsize(label, theme.CONTENT_W - 34)
            draw.text(
                (theme.MARGIN + 26, y + (ROW_H - 4) / 2), shown, fill=theme.FG, font=theme.font(), anchor="lm"
            )
        draw_footer(draw, self.error or "PRESS tick  KEY1 done  KEY3 back")
