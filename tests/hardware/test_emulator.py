"""The emulator window under SDL's dummy video driver: frames drawn, keys and clicks become events."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

pygame = pytest.importorskip("pygame", reason="pygame is the [emulator] extra")

from hardware.display.emulator import EmulatorWindow  # noqa: E402
from hardware.input import Button, ButtonEvent, InputPolicy  # noqa: E402


@pytest.fixture
def window(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorWindow]:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    win = EmulatorWindow(scale=2, policy=InputPolicy(debounce=0.0, hold_times=(0.1,), repeat_delay=0.05))
    yield win
    win.close()


def next_event(win: EmulatorWindow, timeout: float = 2.0) -> ButtonEvent:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        win.pump()
        event = win.input.poll(0.01)
        if event is not None:
            return event
    raise AssertionError("no event")


def centre(box: tuple[int, int, int, int]) -> tuple[int, int]:
    return ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)


def test_frame_is_drawn_scaled_in_the_window(window: EmulatorWindow) -> None:
    rng = np.random.default_rng(3)
    image = Image.fromarray(rng.integers(0, 256, (240, 240, 3), dtype=np.uint8), "RGB")
    window.show(image)
    x0, y0, x1, y1 = window.layout.screen_box
    shot = np.asarray(window.screenshot())[y0:y1, x0:x1]
    assert shot.shape == (480, 480, 3)
    np.testing.assert_array_equal(shot[::2, ::2], np.asarray(image))
    np.testing.assert_array_equal(shot[1::2, 1::2], np.asarray(image))


def test_backlight_dims_the_screen(window: EmulatorWindow) -> None:
    window.show(Image.new("RGB", (240, 240), (200, 200, 200)))
    window.set_backlight(0.5)
    x0, y0, _, _ = window.layout.screen_box
    assert window.screenshot().getpixel((x0 + 5, y0 + 5)) == (100, 100, 100)


def test_keys_become_button_events(window: EmulatorWindow) -> None:
    window.show(Image.new("RGB", (240, 240)))
    for key, button in ((pygame.K_UP, Button.UP), (pygame.K_RETURN, Button.PRESS), (pygame.K_3, Button.KEY3)):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key))
        press, release = next_event(window), next_event(window)
        assert (press.button, press.kind) == (button, "press")
        assert (release.button, release.kind) == (button, "release")
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a))  # unmapped: ignored
    window.pump()
    assert window.input.poll(0.05) is None


def test_key_press_then_release_in_order(window: EmulatorWindow) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1))
    press = next_event(window)
    assert (press.button, press.kind) == (Button.KEY1, "press")
    hold = next_event(window)
    assert (hold.kind, hold.held_for) == ("hold", 0.1)
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_1))
    release = next_event(window)
    assert (release.button, release.kind) == (Button.KEY1, "release")


def test_clicking_the_drawn_buttons(window: EmulatorWindow) -> None:
    boxes = window.layout.buttons()
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=centre(boxes[Button.KEY2])))
    event = next_event(window)
    assert (event.button, event.kind) == (Button.KEY2, "press")

    def face(button: Button) -> tuple[int, int, int]:  # a pixel of the button, clear of its label
        x0, y0, x1, _ = boxes[button]
        return window.screenshot().getpixel(((x0 + x1) // 2, y0 + 4))

    assert face(Button.KEY2) != face(Button.KEY1)  # the pressed button is lit
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(0, 0)))
    event = next_event(window)
    assert (event.button, event.kind) == (Button.KEY2, "release")
    window.pump()
    assert face(Button.KEY2) == face(Button.KEY1)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(5, 5)))  # empty space
    window.pump()
    assert window.input.poll(0.05) is None


def test_closing_the_window_is_reported(window: EmulatorWindow) -> None:
    assert window.pump()
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert not window.pump()
    assert window.quit_requested
