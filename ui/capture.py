"""Frame capture (headless PNGs, emulator screenshots) without leaking secrets.

A screen that shows words, shares or a passphrase marks itself secret; its frames are blanked in
any capture unless the secret belongs to the clearly marked demo seed. Capture as a whole happens
only when the session allows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from ui import theme

if TYPE_CHECKING:
    from ui.app import App
    from ui.screen import Screen
    from ui.session import Session

BLANK_TEXT = ("Secret on screen", "not captured")


def should_blank(screen: Screen, session: Session) -> bool:
    """True when a capture of ``screen`` must not show what it draws."""
    secret = bool(screen.secret)
    if not secret:
        try:
            secret = bool(screen.content().secret)
        except Exception:  # a screen that cannot describe itself is treated as secret
            secret = True
    if not secret:
        return False
    return not session.is_demo(screen.secret_fingerprint)


def blank_image(size: tuple[int, int] = theme.SIZE) -> Image.Image:
    """What a capture shows in place of a secret screen."""
    image = Image.new("RGB", size, theme.BG)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(BLANK_TEXT):
        draw.text(
            (size[0] / 2, size[1] / 2 - 12 + i * 24),
            line,
            fill=theme.DIM,
            font=theme.font(theme.BODY),
            anchor="mm",
        )
    return image


def safe_frame(screen: Screen, session: Session, frame: Image.Image) -> Image.Image:
    """``frame`` as a capture may store it: blanked when the screen shows a secret."""
    return blank_image(frame.size) if should_blank(screen, session) else frame


def capture(app: App, session: Session) -> Image.Image | None:
    """The current frame for a capture, blanked if needed; None when captures are not allowed."""
    if not session.capture_allowed:
        return None
    frame = app.screen.render()
    return safe_frame(app.screen, session, frame)
