"""The animated QR screen keeps a steady rate: frames are due on deadlines, drawn ahead, drawn once.

The screen is driven synchronously with explicit clock values (no sleeping).
"""

from __future__ import annotations

import numpy as np
import pytest
from transport.qr_encoder_calls import count_qr_encoding

from signer.transport import frames
from ui.screen import Redraw
from ui.screens.qr import QrDisplay
from ui.settings import spec

PAYLOAD = bytes(range(256)) * 6  # 1.5 KB: dozens of frames at the default density


def screen(frame_ms: int = 100) -> QrDisplay:
    return QrDisplay(
        "Signed PSBT",
        [("UR", lambda d: frames.encode_frames(PAYLOAD, format="ur", ur_type="crypto-psbt", density=d))],
        frame_ms=frame_ms,
    )


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the QR encoder was asked to encode (the real encoder runs)."""
    return count_qr_encoding(monkeypatch)


def test_the_device_default_shows_at_least_8_frames_a_second() -> None:
    assert 1000 / spec("qr_frame_ms").default >= 8
    default = QrDisplay("x", [("UR", lambda d: frames.encode_frames(b"x"))])
    assert default.frame_ms == spec("qr_frame_ms").default


def test_a_frame_is_due_a_frame_time_after_the_last_one_was_due_not_after_it_was_drawn() -> None:
    display = screen(frame_ms=100)
    assert display.next_tick() == 0.0  # not started: due at once
    assert display.on_tick(0.0) is None  # the schedule starts: frame 1 due at 0.1
    assert display.next_tick() == pytest.approx(0.1)
    assert isinstance(display.on_tick(0.13), Redraw) and display.index == 1  # a tick came 30 ms late
    assert display.next_tick() == pytest.approx(0.2)  # frame 2 is still due at 0.2, not 0.23
    assert display.on_tick(0.19) is None
    assert isinstance(display.on_tick(0.2), Redraw) and display.index == 2


def test_a_loop_that_fell_behind_goes_on_from_now_without_a_burst_of_frames() -> None:
    display = screen(frame_ms=100)
    display.on_tick(0.0)
    assert isinstance(display.on_tick(0.35), Redraw) and display.index == 1  # 2.5 frames late: one step
    assert display.on_tick(0.36) is None and display.index == 1
    assert display.next_tick() == pytest.approx(0.45)


def test_the_next_frame_is_drawn_ahead_so_showing_it_encodes_nothing(encoded: list[str]) -> None:
    display = screen()
    display.on_tick(0.0)
    display.render()
    assert display.frames is not None
    assert display.on_idle() is True  # frame 1 drawn while the loop would wait
    assert display.on_idle() is False  # nothing more to do until frame 1 is shown
    before = len(encoded)
    display.on_tick(0.1)
    assert display.index == 1
    display.render()
    assert len(encoded) == before


def test_every_frame_is_encoded_once_over_cycles(encoded: list[str]) -> None:
    display = screen()
    assert display.frames is not None
    count = len(display.frames)
    for tick in range(3 * count):
        display.on_tick(tick * 0.1)
        display.render()
        display.on_idle()
    assert sorted(encoded) == sorted(display.frames.texts)


def test_kept_screens_stay_within_their_bound_and_no_frame_is_encoded_twice(encoded: list[str]) -> None:
    bound = 3 * 240 * 240

    def bounded(density: int) -> frames.FrameSet:
        frame_set = frames.encode_frames(PAYLOAD, format="ur", ur_type="crypto-psbt", density=density)
        frame_set.image_cache_bytes = bound
        return frame_set

    display = QrDisplay("Signed PSBT", [("UR", bounded)], frame_ms=100)
    assert display.frames is not None
    count = len(display.frames)
    assert count > 3
    shown = []
    for tick in range(2 * count + 1):
        display.on_tick(tick * 0.1)
        display.show_caption = False  # the bare QR code, to compare pixels
        shown.append((display.index, np.asarray(display.render())))
        display.on_idle()
        assert display.frames.cached_image_bytes <= bound
    assert display.frames.cached_image_bytes == bound
    assert sorted(encoded) == sorted(display.frames.texts)  # past the bound: drawn again, not encoded
    for index, pixels in shown:
        assert np.array_equal(pixels, np.asarray(display.frames.render(index).convert("RGB")))


def test_the_caption_is_drawn_on_a_copy_never_on_the_kept_screen() -> None:
    display = screen()
    display.on_tick(0.0)
    assert display.show_caption
    with_caption = np.asarray(display.render())
    display.show_caption = False
    plain = np.asarray(display.render())
    assert display.frames is not None
    assert not np.array_equal(with_caption, plain)
    assert np.array_equal(plain, np.asarray(display.frames.render(0).convert("RGB")))
