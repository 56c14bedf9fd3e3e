"""Review what is about to be signed: warnings first (coloured by severity), then the facts, paged.

DOWN/RIGHT turn to the next page, UP/LEFT back. KEY1 approves once every page has been shown:
a press when there is no danger; when any warning is a danger, only holding KEY1 for
``HOLD_SECONDS`` accepts. A short press never accepts. The hold counts only from a KEY1 press this
screen saw after every page was read (a key already down when the review appeared, or pressed
before the last page was read, does not count), and ends on its release, on any other key, or
when another screen comes on top. It is timed by the screen's clock ticks, not by the input
layer's HOLD events (whose thresholds are the backend's, e.g. 1 s and 2.5 s), but at least one
HOLD event of the press must have arrived as proof that the key stayed down. KEY2 runs the
optional edit action (e.g. lower an unlimited token approval). KEY3 rejects. Refusals (things that
must never be signed) disable approval altogether.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from signer.review import ReviewWarning, Severity
from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, Redraw, Screen, draw_footer, draw_progress, footer_top

HOLD_SECONDS = 3.0
SEVERITY_ORDER = {Severity.DANGER: 0, Severity.WARN: 1, Severity.INFO: 2}
SEVERITY_LABEL = {Severity.DANGER: "DANGER", Severity.WARN: "WARNING", Severity.INFO: "NOTE"}


@dataclass
class ReviewModel:
    """What a review screen shows and what approval does. ``facts`` are (label, value) pairs."""

    title: str
    facts: list[tuple[str, str]]
    approve: Callable[[bool], Action | None]  # called with True when a danger was accepted
    warnings: Sequence[ReviewWarning] = ()
    refusals: Sequence[ReviewWarning] = ()
    headline: str = ""  # one big line on the first page ("Send 0.0100 BTC")
    approve_label: str = "sign"
    edit: tuple[str, Callable[[], Action | None]] | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def danger(self) -> bool:
        return any(w.severity == Severity.DANGER for w in self.warnings)

    def sorted_warnings(self) -> list[ReviewWarning]:
        return sorted(self.warnings, key=lambda w: SEVERITY_ORDER.get(Severity(w.severity), 3))


@dataclass(frozen=True)
class Line:
    text: str
    colour: tuple[int, int, int]
    size: int
    stripe: tuple[int, int, int] | None = None  # a coloured bar on the left (warnings)
    gap_before: int = 0


def build_blocks(model: ReviewModel) -> list[list[Line]]:
    """Blocks of lines that belong together (a heading and its text), in display order."""
    width = theme.CONTENT_W - 8
    blocks: list[list[Line]] = []
    if model.headline:
        blocks.append(
            [
                Line(part, theme.FG, theme.TITLE, gap_before=2 if i == 0 else 0)
                for i, part in enumerate(text.wrap(model.headline, theme.CONTENT_W, theme.TITLE))
            ]
        )
    for refusal in model.refusals:
        colour = theme.DANGER
        blocks.append(
            [Line("CANNOT SIGN", colour, theme.SMALL, colour, gap_before=4)]
            + [Line(part, theme.FG, theme.BODY, colour) for part in text.wrap(refusal.message, width)]
        )
    for warning in model.sorted_warnings():
        severity = Severity(warning.severity)
        colour = theme.SEVERITY[str(severity)]
        blocks.append(
            [Line(SEVERITY_LABEL[severity], colour, theme.SMALL, colour, gap_before=4)]
            + [Line(part, theme.FG, theme.BODY, colour) for part in text.wrap(warning.message, width)]
        )
    for label, value in model.facts:
        blocks.append(
            [Line(label, theme.DIM, theme.SMALL, gap_before=4)]
            + [Line(part, theme.FG, theme.BODY) for part in text.wrap(value, theme.CONTENT_W)]
        )
    return blocks


def _height(line: Line) -> int:
    return text.line_height(line.size) + line.gap_before


def paginate(blocks: list[list[Line]], height: int) -> list[list[Line]]:
    """Fill pages block by block; a block that does not fit starts a new page (and is split only
    when it is longer than a whole page)."""
    pages: list[list[Line]] = [[]]
    used = 0
    for block in blocks:
        need = sum(_height(line) for line in block)
        if pages[-1] and used + need > height:
            pages.append([])
            used = 0
        for line in block:
            if pages[-1] and used + _height(line) > height:
                pages.append([])
                used = 0
            pages[-1].append(line)
            used += _height(line)
    return pages


class ReviewScreen(Screen):
    def __init__(self, model: ReviewModel) -> None:
        self.model = model
        self.page = 0
        self.seen = {0}
        self.note: str | None = None
        self.hold = 0.0  # progress of the long hold, 0..1 (drawn as a bar)
        self.now: float | None = None  # the latest tick's clock
        self._armed = False  # KEY1 went down on this screen after everything was read
        self._armed_at: float | None = None  # the first tick after that press
        self._held_seen = False  # a HOLD event of that press arrived (the key stayed down)
        self._rebuild()

    def _disarm(self) -> None:
        self._armed = False
        self._armed_at = None
        self._held_seen = False
        self.hold = 0.0

    def _rebuild(self) -> None:
        top = theme.TITLE_H + 2
        self.pages = paginate(build_blocks(self.model), footer_top() - top - 8)
        self.page = min(self.page, len(self.pages) - 1)
        if len(self.pages) == 1:
            self.seen = {0}

    def update(self, model: ReviewModel) -> None:
        """Show a changed request (after an edit): everything must be read again."""
        self.model = model
        self.page = 0
        self.seen = {0}
        self.note = None
        self._disarm()
        self._rebuild()

    def on_result(self, result: object) -> Action | None:
        self._disarm()  # another screen was on top: a hold in progress does not carry over
        return Redraw()

    def wipe(self) -> None:
        self._disarm()

    @property
    def title(self) -> str:  # type: ignore[override]  # read-only: the title follows the screen's state
        suffix = f" {self.page + 1}/{len(self.pages)}" if len(self.pages) > 1 else ""
        return self.model.title + suffix

    @property
    def seen_all(self) -> bool:
        return len(self.seen) == len(self.pages)

    @property
    def can_approve(self) -> bool:
        return not self.model.refusals

    def content(self) -> Content:
        refused = [f"cannot sign: {r.message}" for r in self.model.refusals]
        warnings: list[tuple[str, str]] = [(Severity.DANGER, message) for message in refused]
        warnings += [(w.severity, w.message) for w in self.model.sorted_warnings()]
        return Content(
            self.title,
            lines=[line.text for page in self.pages for line in page],
            warnings=warnings,
            extra={
                "page": self.page,
                "pages": len(self.pages),
                "seen_all": self.seen_all,
                "can_approve": self.can_approve,
                "needs_hold": self.model.danger,
                "note": self.note,
                "hold": self.hold,
                "facts": list(self.model.facts),
                "headline": self.model.headline,
                "edit": self.model.edit[0] if self.model.edit else None,
                **self.model.extra,
            },
        )

    def on_input(self, event: Input) -> Action | None:
        if event.key == Key.KEY1:
            return self._approve_key(event)
        if event.kind not in (Kind.PRESS, Kind.REPEAT):
            return None
        if self._armed:  # any other key ends a hold in progress
            self._disarm()
        if event.key in (Key.DOWN, Key.RIGHT):
            self.page = min(self.page + 1, len(self.pages) - 1)
        elif event.key in (Key.UP, Key.LEFT):
            self.page = max(self.page - 1, 0)
        elif event.kind != Kind.PRESS:
            return None
        elif event.key == Key.KEY2 and self.model.edit is not None:
            return self.model.edit[1]() or Redraw()
        elif event.key == Key.KEY3:
            return Pop(None)
        elif event.key == Key.PRESS:
            self.page = min(self.page + 1, len(self.pages) - 1)
        else:
            return None
        self.seen.add(self.page)
        self.note = None
        return Redraw()

    def _approve_key(self, event: Input) -> Action | None:
        if event.kind == Kind.RELEASE:
            if self._armed or self.hold:
                self._disarm()
                return Redraw()
            return None
        if event.kind == Kind.HOLD:
            if not self._armed:
                if self.can_approve and self.seen_all and self.model.danger:
                    self.note = f"release KEY1, then hold it {HOLD_SECONDS:.0f} s"
                    return Redraw()
                return None
            self._held_seen = True
            return self._hold_progress(event.held)
        if event.kind != Kind.PRESS:
            return None
        self._disarm()
        if not self.can_approve:
            self.note = "this cannot be signed"
            return Redraw()
        if not self.seen_all:
            missing = min(set(range(len(self.pages))) - self.seen) + 1
            self.note = f"read page {missing} first"
            return Redraw()
        if not self.model.danger:
            return self.model.approve(False) or Redraw()
        self.note = f"hold KEY1 {HOLD_SECONDS:.0f} s to accept the risk"
        self._armed = True  # timed from the next tick (the wiring ticks right after each event)
        return Redraw()

    def on_tick(self, now: float) -> Action | None:
        self.now = now
        if not self._armed:
            return None
        if self._armed_at is None:
            self._armed_at = now
        return self._hold_progress(0.0)

    def _hold_progress(self, reported: float) -> Action | None:
        """Advance the long hold; accept once it has lasted ``HOLD_SECONDS``."""
        elapsed = 0.0 if self.now is None or self._armed_at is None else self.now - self._armed_at
        held = max(elapsed, reported)
        if held >= HOLD_SECONDS and self._held_seen:
            self._disarm()
            return self.model.approve(True) or Redraw()
        progress = min(1.0, held / HOLD_SECONDS)
        if progress == self.hold:
            return None
        self.hold = progress
        return Redraw()

    # -- drawing ----------------------------------------------------------------------------
    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        y = top + 4
        for line in self.pages[self.page]:
            y += line.gap_before
            x = theme.MARGIN
            if line.stripe is not None:
                draw.rectangle((x, y, x + 3, y + text.line_height(line.size) - 1), fill=line.stripe)
                x += 8
            draw.text((x, y), line.text, fill=line.colour, font=theme.font(line.size))
            y += text.line_height(line.size)
        if len(self.pages) > 1:  # page dots on the right edge
            for i in range(len(self.pages)):
                cy = top + 10 + i * 9
                if cy > footer_top() - 10:
                    break
                colour = theme.ACCENT if i == self.page else theme.DISABLED
                draw.ellipse((theme.WIDTH - 5, cy - 2, theme.WIDTH - 1, cy + 2), fill=colour)
        if self.hold > 0:
            draw_progress(
                draw,
                (theme.MARGIN, footer_top() - 10, theme.WIDTH - theme.MARGIN, footer_top() - 3),
                self.hold,
                theme.DANGER,
            )
        draw_footer(draw, self.footer())

    def footer(self) -> str:
        if self.note:
            return self.note
        if not self.can_approve:
            return "cannot sign   KEY3 back"
        if not self.seen_all:
            return f"DOWN more ({self.page + 1}/{len(self.pages)})  KEY3 reject"
        edit = f"KEY2 {self.model.edit[0]}   " if self.model.edit else ""
        if self.model.danger:
            return f"{edit}hold KEY1 {self.model.approve_label}  KEY3 no"
        return f"{edit}KEY1 {self.model.approve_label}   KEY3 reject"
