"""On-screen keyboard for passwords, labels, passphrases, dice rolls and amounts.

The joystick moves over the keys (wrapping at the edges), PRESS types the key under the cursor.
KEY1 deletes the last character, KEY2 switches letters / capitals / digits / symbols, KEY3 cancels.
The bottom row holds the mode switch, space, delete and OK.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from signer.review import Severity
from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, Screen, draw_footer, footer_top

TEXT_PAGES: dict[str, tuple[str, ...]] = {
    "abc": ("abcdefghij", "klmnopqrst", "uvwxyz.-_@"),
    "ABC": ("ABCDEFGHIJ", "KLMNOPQRST", "UVWXYZ.-_@"),
    "123": ("1234567890", "!?#$%&*()+", "=/:;,'\"~^|"),
    "#+=": ("<>[]{}\\`",),
}
LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "text": TEXT_PAGES,
    "dice": {"dice": ("123", "456")},
    "digits": {"digits": ("123", "456", "789", ".0")},
    "number": {"number": ("123", "456", "789", "0")},
}
MODE_KEY, SPACE_KEY, DELETE_KEY, OK_KEY = "mode", "space", "del", "OK"
KEYS_TOP = 84


class Keyboard(Screen):
    def __init__(
        self,
        title: str,
        on_done: Callable[[str], Action | None],
        *,
        layout: str = "text",
        initial: str = "",
        mask: bool = False,
        secret: bool | None = None,
        max_len: int = 64,
        validate: Callable[[str], str | None] | None = None,
        status: Callable[[str], str] | None = None,
        on_cancel: Callable[[], Action | None] | None = None,
    ) -> None:
        self.title = title
        self.on_done = on_done
        self.layout = layout
        self.pages = LAYOUTS[layout]
        self.modes = list(self.pages)
        self.mode = self.modes[0]
        self.value = initial
        self.mask = mask
        self.secret = mask if secret is None else secret
        self.max_len = max_len
        self.validate = validate
        self.status = status
        self.on_cancel = on_cancel
        self.error: str | None = None
        self.row, self.col = 0, 0

    # -- keys -------------------------------------------------------------------------------
    def specials(self) -> list[str]:
        if self.layout == "text":
            return [MODE_KEY, SPACE_KEY, DELETE_KEY, OK_KEY]
        return [DELETE_KEY, OK_KEY]

    def rows(self) -> list[list[str]]:
        return [list(r) for r in self.pages[self.mode]] + [self.specials()]

    def next_mode(self) -> str:
        return self.modes[(self.modes.index(self.mode) + 1) % len(self.modes)]

    def _key_boxes(self) -> list[list[tuple[int, int, int, int]]]:
        rows = self.rows()
        avail = footer_top() - 2 - KEYS_TOP
        row_h = min(40, avail // len(rows))
        boxes = []
        for r, keys in enumerate(rows):
            special = r == len(rows) - 1
            y0 = KEYS_TOP + r * row_h
            if special:
                weights = [2, 3, 2, 2] if self.layout == "text" else [1, 1]
                total, x = sum(weights), float(theme.MARGIN)
                unit = (theme.WIDTH - 2 * theme.MARGIN) / total
                row_boxes = []
                for w in weights:
                    row_boxes.append((int(x), y0, int(x + w * unit) - 3, y0 + row_h - 3))
                    x += w * unit
            else:
                cols = max(len(k) for k in rows[:-1])
                cell = (theme.WIDTH - 2 * theme.MARGIN) / cols
                row_boxes = [
                    (int(theme.MARGIN + c * cell), y0, int(theme.MARGIN + (c + 1) * cell) - 3, y0 + row_h - 3)
                    for c in range(len(keys))
                ]
            boxes.append(row_boxes)
        return boxes

    def _move_row(self, delta: int) -> None:
        rows, boxes = self.rows(), self._key_boxes()
        centre = (boxes[self.row][self.col][0] + boxes[self.row][self.col][2]) / 2
        self.row = (self.row + delta) % len(rows)
        target = boxes[self.row]
        self.col = min(range(len(target)), key=lambda c: abs((target[c][0] + target[c][2]) / 2 - centre))

    def _type(self, key: str) -> Action | None:
        if key == MODE_KEY:
            self.mode = self.next_mode()
            self.row = min(self.row, len(self.rows()) - 1)
            self.col = min(self.col, len(self.rows()[self.row]) - 1)
        elif key == DELETE_KEY:
            self.value = self.value[:-1]
        elif key == OK_KEY:
            problem = self.validate(self.value) if self.validate else None
            if problem:
                self.error = problem
                return Redraw()
            return self.on_done(self.value) or Redraw()
        elif len(self.value) < self.max_len:
            self.value += " " if key == SPACE_KEY else key
        self.error = None
        return Redraw()

    def on_input(self, event: Input) -> Action | None:
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        rows = self.rows()
        if event.key == Key.UP:
            self._move_row(-1)
        elif event.key == Key.DOWN:
            self._move_row(1)
        elif event.key == Key.LEFT:
            self.col = (self.col - 1) % len(rows[self.row])
        elif event.key == Key.RIGHT:
            self.col = (self.col + 1) % len(rows[self.row])
        elif event.kind != Kind.PRESS:
            return None
        elif event.key == Key.PRESS:
            return self._type(rows[self.row][self.col])
        elif event.key == Key.KEY1:
            return self._type(DELETE_KEY)
        elif event.key == Key.KEY2 and len(self.modes) > 1:
            return self._type(MODE_KEY)
        elif event.key == Key.KEY3:
            return (self.on_cancel() if self.on_cancel else None) or Pop(None)
        else:
            return None
        return Redraw()

    def wipe(self) -> None:
        self.value = ""

    def content(self) -> Content:
        shown = "*" * len(self.value) if self.mask else self.value
        lines = [shown]
        if self.status:
            lines.append(self.status(self.value))
        warnings = [(Severity.DANGER, self.error)] if self.error else []
        return Content(
            self.title,
            lines=lines,
            warnings=warnings,
            secret=self.secret,
            extra={
                "keys": self.rows(),
                "cursor": (self.row, self.col),
                "mode": self.mode,
                "modes": list(self.modes),
                "length": len(self.value),
            },
        )

    # -- drawing ----------------------------------------------------------------------------
    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        field = (theme.MARGIN, top + 4, theme.WIDTH - theme.MARGIN, top + 32)
        draw.rounded_rectangle(field, 5, outline=theme.DIM)
        shown = "*" * len(self.value) if self.mask else self.value
        inner = field[2] - field[0] - 16
        if not text.fits(shown + "_", inner):
            while shown and not text.fits("…" + shown + "_", inner):
                shown = shown[1:]
            shown = "…" + shown
        draw.text(
            (field[0] + 6, (field[1] + field[3]) / 2),
            shown + "_",
            fill=theme.FG,
            font=theme.font(),
            anchor="lm",
        )
        line = self.error or (self.status(self.value) if self.status else "")
        if line:
            colour = theme.DANGER if self.error else theme.DIM
            draw.text(
                (theme.MARGIN, top + 36),
                text.ellipsize(line, theme.CONTENT_W, theme.SMALL),
                fill=colour,
                font=theme.font(theme.SMALL),
            )
        rows, boxes = self.rows(), self._key_boxes()
        for r, keys in enumerate(rows):
            for c, key in enumerate(keys):
                box = boxes[r][c]
                chosen = (r, c) == (self.row, self.col)
                draw.rounded_rectangle(box, 4, fill=theme.ACCENT if chosen else theme.BUTTON_BG)
                label = {MODE_KEY: self.next_mode(), SPACE_KEY: "space", DELETE_KEY: "del"}.get(key, key)
                size = theme.LARGE if self.layout != "text" and r < len(rows) - 1 else theme.BODY
                size = text.fit_size(label, box[2] - box[0] - 2, (size, theme.BODY, theme.SMALL))
                draw.text(
                    ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
                    label,
                    fill=theme.BG if chosen else theme.FG,
                    font=theme.font(size),
                    anchor="mm",
                )
        hint = "KEY1 del  KEY2 abc/123  KEY3 back" if len(self.modes) > 1 else "KEY1 del   KEY3 back"
        draw_footer(draw, hint)
