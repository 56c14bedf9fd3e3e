"""The device in a desktop window (pygame): the screen scaled up, the joystick and keys beside it.

Click the on-screen joystick and keys, or use the keyboard: arrows = joystick, Enter = press,
1/2/3 = KEY1-KEY3 (the mapping is printed in the window). Button events come out of
:attr:`EmulatorWindow.input`, a :class:`~hardware.input.keyboard.KeyboardInput`. pygame must be pumped
from the thread that made the window: ``show`` does that, and a UI loop idling on input calls
:meth:`EmulatorWindow.pump` between polls. Runs headless with ``SDL_VIDEODRIVER=dummy``.

``python -m hardware.display.emulator`` opens a test card that echoes the buttons.

pygame (the emulator extra only) is imported when the window opens, PIL where a picture is made.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from hardware.display.base import Display, check_frame, check_level
from hardware.errors import BackendUnavailable, ConfigError, DeviceError
from hardware.input.events import Button
from hardware.input.keyboard import KEY_LEGEND, KeyboardInput
from hardware.input.tracker import InputPolicy

if TYPE_CHECKING:
    from PIL import Image

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)

BACKGROUND = (34, 36, 40)
BUTTON_UP = (86, 90, 98)
BUTTON_DOWN = (236, 176, 52)
LABEL = (230, 230, 230)
LEGEND_HEIGHT = 28
SIDE = 180


@dataclass(frozen=True)
class EmulatorLayout:
    """Where everything sits in the window, in window pixels."""

    screen_size: tuple[int, int] = (240, 240)
    scale: int = 2

    @property
    def screen_box(self) -> Box:
        w, h = self.screen_size
        top = (self.body_height - h * self.scale) // 2
        return (SIDE, top, SIDE + w * self.scale, top + h * self.scale)

    @property
    def body_height(self) -> int:
        return max(self.screen_size[1] * self.scale + 20, 300)

    @property
    def window_size(self) -> tuple[int, int]:
        return (2 * SIDE + self.screen_size[0] * self.scale, self.body_height + LEGEND_HEIGHT)

    def buttons(self) -> dict[Button, Box]:
        """Hit boxes: the joystick on the left of the screen, KEY1-KEY3 on the right, as on the HAT."""
        cx, cy, r, step = SIDE // 2, self.body_height // 2, 22, 50
        centres = {
            Button.UP: (cx, cy - step),
            Button.DOWN: (cx, cy + step),
            Button.LEFT: (cx - step, cy),
            Button.RIGHT: (cx + step, cy),
            Button.PRESS: (cx, cy),
        }
        boxes = {b: (x - r, y - r, x + r, y + r) for b, (x, y) in centres.items()}
        kx = self.screen_box[2] + SIDE // 2
        for i, key in enumerate((Button.KEY1, Button.KEY2, Button.KEY3)):
            y = cy + (i - 1) * 70
            boxes[key] = (kx - 40, y - 22, kx + 40, y + 22)
        return boxes

    def hit(self, x: int, y: int) -> Button | None:
        for button, (x0, y0, x1, y1) in self.buttons().items():
            if x0 <= x < x1 and y0 <= y < y1:
                return button
        return None


# arrow tips as unit vectors (x, y) for the joystick directions
_ARROWS = {Button.UP: (0, -1), Button.DOWN: (0, 1), Button.LEFT: (-1, 0), Button.RIGHT: (1, 0)}


def render_chrome(layout: EmulatorLayout, pressed: frozenset[Button] = frozenset()) -> Image.Image:
    """The window without the screen contents: buttons (pressed ones lit) and the key legend."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=14)
    image = Image.new("RGB", layout.window_size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    for button, box in layout.buttons().items():
        fill = BUTTON_DOWN if button in pressed else BUTTON_UP
        cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
        if button in _ARROWS:
            draw.ellipse(box, fill=fill)
            (dx, dy), r = _ARROWS[button], (box[2] - box[0]) // 4
            tip = (cx + dx * r, cy + dy * r)
            draw.polygon(
                [
                    tip,
                    (cx - dx * r + dy * r, cy - dy * r + dx * r),
                    (cx - dx * r - dy * r, cy - dy * r - dx * r),
                ],
                fill=LABEL,
            )
        elif button is Button.PRESS:
            draw.ellipse(box, fill=fill)
            draw.text((cx, cy), "OK", fill=LABEL, anchor="mm", font=font)
        else:
            draw.rounded_rectangle(box, radius=8, fill=fill)
            draw.text((cx, cy), button.name, fill=LABEL, anchor="mm", font=font)
    legend = "   ".join(f"{keys} = {what}" for keys, what in KEY_LEGEND) + "   or click the buttons"
    where = (layout.window_size[0] // 2, layout.body_height + LEGEND_HEIGHT // 2)
    draw.text(where, legend, fill=LABEL, anchor="mm", font=font)
    return image


NO_WINDOW_HINT = "; run it in a desktop session, or use --display headless --capture-dir DIR"
# SDL falls back to these when no desktop answers: the window would exist only in memory, and the
# device would run with nobody able to see it. Tests ask for "dummy" on purpose (SDL_VIDEODRIVER).
INVISIBLE_DRIVERS = frozenset({"offscreen", "dummy"})


def check_desktop(environ: Mapping[str, str]) -> None:
    """Fail at once when this is a Linux/BSD machine without a desktop session (no DISPLAY)."""
    if sys.platform in ("darwin", "win32") or environ.get("SDL_VIDEODRIVER"):
        return
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        raise BackendUnavailable(f"no desktop for the emulator window: DISPLAY is not set{NO_WINDOW_HINT}")


def check_video_driver(driver: str, environ: Mapping[str, str]) -> None:
    """Refuse the invisible drivers SDL picks when the desktop named by DISPLAY does not answer."""
    if driver in INVISIBLE_DRIVERS and environ.get("SDL_VIDEODRIVER") != driver:
        where = environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY") or "(none)"
        raise BackendUnavailable(
            f"no desktop answers on DISPLAY={where} for the emulator window{NO_WINDOW_HINT}"
        )


def _import_pygame() -> ModuleType:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        import pygame
    except ImportError as exc:
        raise BackendUnavailable("pygame is not installed: install the [emulator] extra") from exc
    return pygame


class EmulatorWindow(Display):
    """A pygame window showing frames at ``scale`` x, with clickable buttons."""

    def __init__(
        self,
        size: tuple[int, int] = (240, 240),
        *,
        scale: int = 2,
        title: str = "Airlock",
        policy: InputPolicy | None = None,
    ) -> None:
        if scale not in (1, 2, 3, 4):
            raise ConfigError(f"scale must be 1-4, not {scale!r}")
        check_desktop(os.environ)
        pygame = _import_pygame()
        self._pg = pygame
        self.layout = EmulatorLayout((int(size[0]), int(size[1])), scale)
        try:
            pygame.display.init()
            check_video_driver(pygame.display.get_driver(), os.environ)
            self._window = pygame.display.set_mode(self.layout.window_size)
        except BackendUnavailable:
            pygame.display.quit()
            raise
        except pygame.error as exc:
            pygame.display.quit()
            raise BackendUnavailable(f"cannot open the emulator window: {exc}{NO_WINDOW_HINT}") from exc
        pygame.display.set_caption(title)
        self.input = KeyboardInput(policy=policy)
        from PIL import Image

        self._frame = Image.new("RGB", self.layout.screen_size)
        self._backlight = 1.0
        self._mouse_button: Button | None = None
        self._drawn_pressed: frozenset[Button] | None = None
        self._chrome: dict[frozenset[Button], Image.Image] = {}
        self.quit_requested = False
        self._closed = False
        self._redraw()

    @property
    def size(self) -> tuple[int, int]:
        return self.layout.screen_size

    def show(self, image: Image.Image, *, secret: bool = False) -> None:
        if self._closed:
            raise DeviceError("the emulator window is closed")
        self._frame = check_frame(image, self.size).copy()
        self._redraw()
        self.pump()

    def set_backlight(self, level: float) -> None:
        self._backlight = check_level(level)
        if not self._closed:
            self._redraw()

    def pump(self) -> bool:
        """Handle pending window events (keys, clicks, close); False once the window was closed."""
        if self._closed:
            return False
        pg = self._pg
        for event in pg.event.get():
            if event.type == pg.QUIT:
                self.quit_requested = True
            elif event.type in (pg.KEYDOWN, pg.KEYUP):
                self.input.handle(event)
            elif event.type == pg.MOUSEBUTTONDOWN and event.button == 1:
                button = self.layout.hit(*event.pos)
                if button is not None:
                    self._mouse_button = button
                    self.input.button(button, True)
            elif event.type == pg.MOUSEBUTTONUP and event.button == 1 and self._mouse_button is not None:
                self.input.button(self._mouse_button, False)
                self._mouse_button = None
        if self.input.pressed != self._drawn_pressed:
            self._redraw()
        return not self.quit_requested

    def screenshot(self) -> Image.Image:
        """The whole window as it is drawn now."""
        from PIL import Image

        data = self._pg.image.tobytes(self._window, "RGB")
        return Image.frombytes("RGB", self.layout.window_size, data)

    def _redraw(self) -> None:
        from PIL import Image

        pressed = self.input.pressed
        if pressed not in self._chrome:
            self._chrome[pressed] = render_chrome(self.layout, pressed)
        canvas = self._chrome[pressed].copy()
        frame = self._frame
        if self._backlight < 1.0:
            frame = Image.blend(Image.new("RGB", frame.size), frame, self._backlight)
        scale = self.layout.scale
        frame = frame.resize((frame.width * scale, frame.height * scale), Image.Resampling.NEAREST)
        canvas.paste(frame, self.layout.screen_box[:2])
        surface = self._pg.image.frombuffer(canvas.tobytes(), canvas.size, "RGB")
        self._window.blit(surface, (0, 0))
        self._pg.display.flip()
        self._drawn_pressed = pressed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.input.close()
        self._pg.display.quit()


def main() -> None:  # pragma: no cover - interactive
    from PIL import Image, ImageDraw

    with EmulatorWindow() as window:
        lines: list[str] = ["press buttons or keys"]
        while window.pump():
            event = window.input.poll(0.02)
            if event is not None:
                lines = [*lines, f"{event.button.name} {event.kind} {event.held_for:.2f}s"][-12:]
            image = Image.new("RGB", window.size, (0, 0, 40))
            draw = ImageDraw.Draw(image)
            for i, line in enumerate(lines):
                draw.text((8, 8 + 18 * i), line, fill=(255, 255, 255))
            window.show(image)
            time.sleep(0.01)


if __name__ == "__main__":  # pragma: no cover
    main()
