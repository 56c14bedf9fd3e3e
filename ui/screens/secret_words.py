"""Show mnemonic words or share words one page at a time, only while a key is held.

Hold PRESS (or KEY1) to show the page; releasing hides it again. LEFT/RIGHT (or UP/DOWN) turn
pages. After every page has been shown once, RIGHT on the last page continues.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw

from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, Screen, draw_footer

PAGE = 6
REVEAL_MAX_S = 30.0  # hide again even if no key release arrives (a backend that misses it)
REVEAL_KEYS = (Key.PRESS, Key.KEY1)



class HeldSecret(Screen):
    """A screen whose secret shows only while a reveal key is held, and never longer than
    ``REVEAL_MAX_S`` at a time (a backend that misses the release must not leave it on screen)."""

    secret = True

    def __init__(self) -> None:
        self.revealed = False
        self.now = 0.0
        self._revealed_at = 0.0

    def reveal_key(self, event: Input) -> Action | None:
        """The answer to an event of one of ``REVEAL_KEYS``: show while held, hide on release."""
        if event.kind in (Kind.PRESS, Kind.HOLD):
            if not self.revealed or event.kind == Kind.PRESS:
                self._revealed_at = self.now
            self.revealed = True
            self.on_reveal()
            return Redraw()
        if event.kind == Kind.RELEASE:
            self.revealed = False
            return Redraw()
        return None

    def on_reveal(self) -> None:
        """Called each time the secret is shown (e.g. to note which page was seen)."""

    def on_tick(self, now: float) -> Action | None:
        self.now = now
        if self.revealed and now - self._revealed_at > REVEAL_MAX_S:
            self.revealed = False
            return Redraw()
        return None


def draw_hold_to_show(draw: ImageDraw.ImageDraw, top: int, what: str) -> None:
    """The box a secret screen shows while nothing is revealed: "Hold PRESS" and what it shows."""
    box = (24, top + 40, theme.WIDTH - 24, top + 130)
    draw.rounded_rectangle(box, 10, fill=theme.SELECT_BG, outline=theme.ACCENT, width=2)
    centre = theme.WIDTH / 2
    draw.text((centre, top + 70), "Hold PRESS", fill=theme.FG, font=theme.font(theme.TITLE), anchor="mm")
    draw.text((centre, top + 100), what, fill=theme.DIM, font=theme.font(theme.SMALL), anchor="mm")

class SecretWords(HeldSecret):

    def __init__(
        self,
        heading: str,
        words: Sequence[str],
        on_done: Callable[[], Action | None],
        *,
        secret_fingerprint: str | None = None,
        done_label: str = "continue",
    ) -> None:
        super().__init__()
        self.heading = heading
        self.words = list(words)
        self.on_done = on_done
        self.secret_fingerprint = secret_fingerprint
        self.done_label = done_label
        self.page = 0
        self.seen: set[int] = set()
        self.note: str | None = None

    @property
    def pages(self) -> int:
        return (len(self.words) + PAGE - 1) // PAGE

    @property
    def title(self) -> str:  # type: ignore[override]  # read-only: the title follows the screen's state
        first = self.page * PAGE + 1
        last = min(len(self.words), first + PAGE - 1)
        return f"{self.heading} {first}-{last} of {len(self.words)}"

    def page_words(self) -> list[tuple[int, str]]:
        start = self.page * PAGE
        return list(enumerate(self.words[start : start + PAGE], start=start + 1))

    def on_input(self, event: Input) -> Action | None:
        if event.key in REVEAL_KEYS:
            return self.reveal_key(event)
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        self.revealed = False
        if event.key in (Key.RIGHT, Key.DOWN):
            if self.page < self.pages - 1:
                self.page += 1
            elif event.kind == Kind.PRESS:
                missing = [p + 1 for p in range(self.pages) if p not in self.seen]
                if missing:
                    self.note = f"hold PRESS to see page {missing[0]} first"
                    return Redraw()
                return self.on_done() or Redraw()
        elif event.key in (Key.LEFT, Key.UP):
            self.page = max(0, self.page - 1)
        elif event.key == Key.KEY3 and event.kind == Kind.PRESS:
            return Pop(None)
        else:
            return None
        self.note = None
        return Redraw()

    def go_to_word(self, number: int) -> None:
        """Turn to the page holding word ``number`` (1-based), hidden, and say it is there."""
        self.page = min(max(0, (number - 1) // PAGE), self.pages - 1)
        self.revealed = False
        self.note = f"word {number} is on this page"

    def on_reveal(self) -> None:
        self.seen.add(self.page)
        self.note = None

    def wipe(self) -> None:
        self.words = ["" for _ in self.words]
        self.revealed = False

    def content(self) -> Content:
        lines = [f"{n}. {w}" for n, w in self.page_words()] if self.revealed else []
        return Content(
            self.title,
            lines=lines,
            secret=True,
            extra={
                "page": self.page,
                "pages": self.pages,
                "revealed": self.revealed,
                "seen": sorted(self.seen),
                "note": self.note,
            },
        )

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        if not self.revealed:
            first = self.page * PAGE + 1
            last = min(len(self.words), first + PAGE - 1)
            draw_hold_to_show(draw, top, f"to show words {first}-{last}")
            seen = "seen" if self.page in self.seen else "not seen yet"
            draw.text(
                (theme.WIDTH / 2, top + 150),
                f"page {self.page + 1} of {self.pages}, {seen}",
                fill=theme.DIM,
                font=theme.font(theme.SMALL),
                anchor="mm",
            )
        else:
            row_h = 29
            for i, (number, word) in enumerate(self.page_words()):
                y = top + 6 + i * row_h
                draw.text(
                    (theme.MARGIN + 34, y + row_h / 2),
                    f"{number}.",
                    fill=theme.DIM,
                    font=theme.font(theme.BODY),
                    anchor="rm",
                )
                size = text.fit_size(
                    word, theme.WIDTH - theme.MARGIN - 44, (theme.LARGE, theme.TITLE, theme.BODY)
                )
                draw.text(
                    (theme.MARGIN + 42, y + row_h / 2),
                    word,
                    fill=theme.FG,
                    font=theme.font(size),
                    anchor="lm",
                )
        last = self.page == self.pages - 1
        hint = self.note or (
            f"LEFT page {self.page + 1}/{self.pages}  RIGHT {self.done_label}"
            if last
            else f"LEFT/RIGHT page {self.page + 1}/{self.pages}  KEY3 back"
        )
        draw_footer(draw, hint)
