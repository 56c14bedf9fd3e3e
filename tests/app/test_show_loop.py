"""The device loop shows an animated QR code on its deadlines, even when pushing a frame takes time.

Time is virtual (hardware/display/sim_panel.VirtualClock): it moves when the loop waits for input
and while the simulated panel receives a frame, never while the test runs, so nothing sleeps.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from app.wiring import Devices, Runner
from hardware.display.rgb565 import to_rgb565
from hardware.display.sim_panel import SimPanel, VirtualClock
from hardware.display.st7789 import ST7789Display
from signer.transport.frames import encode_frames
from ui.app import App
from ui.screens.message import error
from ui.screens.qr import QrDisplay
from ui.session import Session

PUSH_S = 0.03  # what one frame takes to reach the panel (SPI at 62.5 MHz carries 115 KB in 15 ms)


class IdleButtons:
    """Buttons nobody presses: a poll waits its whole timeout on the virtual clock."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    def poll(self, timeout: float | None = 0.0) -> None:
        self.waits.append(timeout or 0.0)
        self.clock.sleep(timeout or 0.0)

    def close(self) -> None:
        pass


class SlowPanelDisplay(ST7789Display):
    """The ST7789 driver on a simulated panel whose frames take PUSH_S to arrive."""

    def __init__(self, panel: SimPanel) -> None:
        super().__init__(panel.transport, panel.dc, panel.rst, panel.backlight, sleep=panel.sleep)  # type: ignore[arg-type]
        self.panel = panel

    def show(self, image: Any, *, secret: bool = False) -> None:
        super().show(image, secret=secret)
        self.panel.clock.sleep(PUSH_S)


def test_frames_reach_the_panel_every_frame_time_despite_a_slow_push(tmp_path: Path) -> None:
    clock = VirtualClock()
    panel = SimPanel(clock=clock)
    display = SlowPanelDisplay(panel)
    payload = bytes(range(256)) * 4
    screen = QrDisplay(
        "Signed PSBT",
        [("UR", lambda d: encode_frames(payload, format="ur", ur_type="crypto-psbt", density=d))],
        frame_ms=100,
    )
    app = App(screen)
    shown: list[tuple[float, int]] = []

    def on_frame(_app: Any, frame: Any) -> None:
        if not shown or shown[-1][1] != screen.index:
            shown.append((clock.now(), screen.index))

    devices = Devices(display, IdleButtons(clock))
    runner = Runner(app, Session(tmp_path / "vault"), devices, clock.now, on_frame)
    runner.draw()
    while len(shown) < 25:
        runner.step()
    starts = [t for t, _ in shown[1:]]
    intervals = [b - a for a, b in itertools.pairwise(starts)]
    assert intervals == pytest.approx([0.1] * len(intervals))  # not 0.1 + the push after a fixed wait
    assert [i for _, i in shown] == list(range(25))  # no frame skipped
    assert panel.violations == []
    assert (panel.viewed_rgb565() == to_rgb565(app.frame())).all()  # the panel shows the frame due


def test_a_screen_without_deadlines_keeps_the_usual_wait(tmp_path: Path) -> None:
    clock = VirtualClock()
    panel = SimPanel(clock=clock)
    buttons = IdleButtons(clock)
    devices = Devices(SlowPanelDisplay(panel), buttons)
    runner = Runner(App(error("Oops", "Something")), Session(tmp_path / "vault"), devices, clock.now)
    runner.draw()
    for _ in range(3):
        runner.step(0.05)
    assert buttons.waits == [0.05, 0.05, 0.05]
