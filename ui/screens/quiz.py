"""A short check that the words were written down: pick the right word for a few positions."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw

from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, Screen, draw_footer

ROW_H = 34
CHOICES = 4


def pick_positions(count: int, questions: int, rng: secrets.SystemRandom | None = None) -> list[int]:
    """``questions`` distinct 0-based positions, in ascending order."""
    rng = rng or secrets.SystemRandom()
    return sorted(rng.sample(range(count), min(questions, count)))


class WordQuiz(Screen):
    secret = True

    def __init__(
        self,
        words: Sequence[str],
        wordlist: Sequence[str],
        on_done: Callable[[], Action | None],
        on_wrong: Callable[[int], Action | None],
        *,
        questions: int = 3,
        secret_fingerprint: str | None = None,
    ) -> None:
        self.words = list(words)
        self.wordlist = tuple(wordlist)
        self.on_done = on_done
        self.on_wrong = on_wrong
        self.secret_fingerprint = secret_fingerprint
        self._rng = secrets.SystemRandom()
        self.positions = pick_positions(len(self.words), questions, self._rng)
        self.question = 0
        self.selected = 0
        self.choices = self._choices()

    def _choices(self) -> list[str]:
        answer = self.words[self.positions[self.question]]
        others = sorted({w for w in self.wordlist if w != answer})
        options = [answer, *self._rng.sample(others, min(CHOICES - 1, len(others)))]
        self._rng.shuffle(options)
        return options

    @property
    def title(self) -> str:  # type: ignore[override]  # read-only: the title follows the screen's state
        return f"Check {self.question + 1} of {len(self.positions)}"

    @property
    def position(self) -> int:
        """1-based number of the word asked for."""
        return self.positions[self.question] + 1

    def content(self) -> Content:
        return Content(
            self.title,
            lines=[f"Which is word {self.position}?"],
            items=list(self.choices),
            selected=self.selected,
            secret=True,
            extra={"position": self.position},
        )

    def on_input(self, event: Input) -> Action | None:
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        if event.key == Key.UP:
            self.selected = (self.selected - 1) % len(self.choices)
        elif event.key == Key.DOWN:
            self.selected = (self.selected + 1) % len(self.choices)
        elif event.kind != Kind.PRESS:
            return None
        elif event.key in (Key.PRESS, Key.RIGHT):
            if self.choices[self.selected] != self.words[self.positions[self.question]]:
                return self.on_wrong(self.position) or Pop(None)
            self.question += 1
            self.selected = 0
            if self.question == len(self.positions):
                return self.on_done() or Pop(True)
            self.choices = self._choices()
        elif event.key in (Key.KEY3, Key.LEFT):
            return Pop(None)
        else:
            return None
        return Redraw()

    def wipe(self) -> None:
        self.words = ["" for _ in self.words]
        self.choices = []

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        draw.text(
            (theme.WIDTH / 2, top + 8),
            f"Which is word {self.position}?",
            fill=theme.FG,
            font=theme.font(theme.TITLE),
            anchor="mt",
        )
        y0 = top + 40
        for i, word in enumerate(self.choices):
            y = y0 + i * ROW_H
            chosen = i == self.selected
            draw.rounded_rectangle(
                (20, y, theme.WIDTH - 20, y + ROW_H - 6),
                6,
                fill=theme.SELECT_BG if chosen else theme.BUTTON_BG,
                outline=theme.ACCENT if chosen else theme.BUTTON_BG,
            )
            size = text.fit_size(word, theme.WIDTH - 56, (theme.TITLE, theme.BODY))
            draw.text(
                (theme.WIDTH / 2, y + (ROW_H - 6) / 2),
                word,
                fill=theme.FG,
                font=theme.font(size),
                anchor="mm",
            )
        draw_footer(draw, "UP/DOWN choose  PRESS answer")
