"""Mnemonic word entry with prefix completion (BIP-39 or SLIP-39 word list).

Type two to four letters on the letter grid; letters that cannot continue any word are dimmed.
Matching words appear on the right: RIGHT (from the grid's last column) or KEY2 moves there,
PRESS picks one. When only one word matches it is taken at once. KEY1 deletes a letter; KEY3
clears the letters, then steps back a word, then leaves.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw

from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, Screen, draw_footer

COLS, ROWS = 6, 5
CELL = 25
GRID_X, GRID_Y = 6, 64
LIST_X = GRID_X + COLS * CELL + 6
LIST_ROWS = 5


class WordEntry(Screen):
    secret = True

    def __init__(
        self,
        title: Callable[[int], str],
        wordlist: Sequence[str],
        count: int,
        on_done: Callable[[list[str]], Action | None],
        *,
        initial: Sequence[str] = (),
        secret_fingerprint: str | None = None,
    ) -> None:
        self.title_for = title
        self.wordlist = tuple(wordlist)
        self.count = count
        self.on_done = on_done
        self.words: list[str] = list(initial)
        self.prefix = ""
        self.focus = "grid"
        self.row, self.col = 0, 0
        self.pick = 0
        self.secret_fingerprint = secret_fingerprint
        self.letters = string.ascii_lowercase
        self._letters_cache: dict[str, frozenset[str]] = {}

    @property
    def title(self) -> str:  # type: ignore[override]  # read-only: the title follows the screen's state
        return self.title_for(min(len(self.words), self.count - 1))

    # -- state ------------------------------------------------------------------------------
    def matches(self) -> list[str]:
        return [w for w in self.wordlist if w.startswith(self.prefix)] if self.prefix else []

    def enabled(self, letter: str) -> bool:
        return letter in self._next_letters(self.prefix)

    def _next_letters(self, prefix: str) -> frozenset[str]:
        """Letters that continue ``prefix`` into some word (cached: the grid asks 26 times a frame)."""
        cached = self._letters_cache.get(prefix)
        if cached is None:
            n = len(prefix)
            cached = frozenset(w[n] for w in self.wordlist if len(w) > n and w.startswith(prefix))
            self._letters_cache = {prefix: cached}
        return cached

    def letter_at(self, row: int, col: int) -> str | None:
        index = row * COLS + col
        return self.letters[index] if index < len(self.letters) else None

    def _accept(self, word: str) -> Action | None:
        self.words.append(word)
        self.prefix = ""
        self.focus, self.pick = "grid", 0
        if len(self.words) == self.count:
            words, self.words = self.words, []
            action = self.on_done(words)
            return action or Redraw()
        return Redraw()

    def _type(self, letter: str) -> Action | None:
        if not self.enabled(letter):
            return None
        self.prefix += letter
        found = self.matches()
        if len(found) == 1:
            return self._accept(found[0])
        return Redraw()

    def on_input(self, event: Input) -> Action | None:
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        found = self.matches()
        if self.focus == "list" and found:
            if event.key == Key.UP:
                self.pick = (self.pick - 1) % len(found)
            elif event.key == Key.DOWN:
                self.pick = (self.pick + 1) % len(found)
            elif event.key == Key.LEFT:
                self.focus = "grid"
            elif event.key == Key.PRESS and event.kind == Kind.PRESS:
                return self._accept(found[self.pick])
            elif event.kind == Kind.PRESS and event.key in (Key.KEY1, Key.KEY2, Key.KEY3):
                self.focus = "grid"
                return self._keys(event.key)
            else:
                return None
            return Redraw()
        if event.key == Key.UP:
            self.row = (self.row - 1) % ROWS
        elif event.key == Key.DOWN:
            self.row = (self.row + 1) % ROWS
        elif event.key == Key.LEFT:
            self.col = (self.col - 1) % COLS
        elif event.key == Key.RIGHT:
            if self.col == COLS - 1 and found:
                self.focus, self.pick = "list", 0
            else:
                self.col = (self.col + 1) % COLS
        elif event.kind != Kind.PRESS:
            return None
        elif event.key == Key.PRESS:
            letter = self.letter_at(self.row, self.col)
            return self._type(letter) if letter else None
        else:
            return self._keys(event.key)
        return Redraw()

    def _keys(self, key: Key) -> Action | None:
        if key == Key.KEY1:
            self.prefix = self.prefix[:-1]
        elif key == Key.KEY2 and self.matches():
            self.focus, self.pick = "list", 0
        elif key == Key.KEY3:
            if self.prefix:
                self.prefix = ""
            elif self.words:
                self.words.pop()
            else:
                return Pop(None)
        else:
            return None
        return Redraw()

    def wipe(self) -> None:
        self.words = []
        self.prefix = ""

    def content(self) -> Content:
        found = self.matches()
        grid = [[self.letter_at(r, c) or "" for c in range(COLS)] for r in range(ROWS)]
        return Content(
            self.title,
            lines=[self.prefix, f"{len(found)} matching words" if self.prefix else ""],
            items=found,
            selected=self.pick if self.focus == "list" else None,
            secret=True,
            extra={
                "grid": grid,
                "cursor": (self.row, self.col),
                "focus": self.focus,
                "entered": len(self.words),
                "count": self.count,
                "enabled": sorted(letter for letter in self.letters if self.enabled(letter)),
            },
        )

    # -- drawing ----------------------------------------------------------------------------
    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        found = self.matches()
        draw.text(
            (theme.MARGIN, top + 16),
            (self.prefix or "") + "_",
            fill=theme.FG,
            font=theme.font(theme.LARGE),
            anchor="lm",
        )
        if self.prefix:
            count = f"{len(found)} words" if len(found) != 1 else "1 word"
            draw.text(
                (theme.WIDTH - theme.MARGIN, top + 16),
                count,
                fill=theme.DIM,
                font=theme.font(theme.SMALL),
                anchor="rm",
            )
        for r in range(ROWS):
            for c in range(COLS):
                letter = self.letter_at(r, c)
                if letter is None:
                    continue
                box = (
                    GRID_X + c * CELL,
                    GRID_Y + r * CELL,
                    GRID_X + (c + 1) * CELL - 3,
                    GRID_Y + (r + 1) * CELL - 3,
                )
                chosen = self.focus == "grid" and (r, c) == (self.row, self.col)
                usable = self.enabled(letter)
                fill = theme.ACCENT if chosen else theme.BUTTON_BG
                draw.rounded_rectangle(box, 4, fill=fill)
                colour = theme.BG if chosen else (theme.FG if usable else theme.DISABLED)
                draw.text(
                    ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
                    letter,
                    fill=colour,
                    font=theme.font(),
                    anchor="mm",
                )
        if found:
            first = min(max(0, self.pick - LIST_ROWS // 2), max(0, len(found) - LIST_ROWS))
            width = theme.WIDTH - LIST_X - 4
            for i, word in enumerate(found[first : first + LIST_ROWS]):
                index = first + i
                y = GRID_Y + i * CELL
                chosen = self.focus == "list" and index == self.pick
                if chosen:
                    draw.rounded_rectangle(
                        (LIST_X - 2, y, theme.WIDTH - 2, y + CELL - 3), 4, fill=theme.ACCENT
                    )
                size = text.fit_size(word, width, (theme.BODY, theme.SMALL))
                draw.text(
                    (LIST_X + 2, y + (CELL - 3) / 2),
                    word,
                    fill=theme.BG if chosen else theme.FG,
                    font=theme.font(size),
                    anchor="lm",
                )
            if len(found) > LIST_ROWS:
                more = f"+{len(found) - LIST_ROWS}" if first + LIST_ROWS < len(found) else ""
                if more:
                    draw.text(
                        (LIST_X + 2, GRID_Y + LIST_ROWS * CELL + 2),
                        more,
                        fill=theme.DIM,
                        font=theme.font(theme.SMALL),
                    )
        draw_footer(draw, "KEY1 del  KEY2 words  KEY3 back")
