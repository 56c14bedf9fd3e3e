"""Display and camera costs: RGB565 conversion, SPI frame push, frames-camera read latency.

The wire time is computed from the byte count at the SPI clock; the driver's own per-frame cost
(slicing into 4096-byte writes, D/C toggles) is measured here against a transport that only counts,
and against the simulated panel that also decodes. A Pi Zero 2 W is assumed ten times slower.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.timing import best_ms, pi_estimate

if TYPE_CHECKING:
    from PIL import Image

SPI_HZ = 62_500_000


class _CountingTransport:
    max_transfer = 4096

    def __init__(self) -> None:
        self.bytes = 0
        self.writes = 0

    def write(self, data: bytes | memoryview) -> None:
        self.bytes += len(data)
        self.writes += 1

    def close(self) -> None:
        pass


class _Pin:
    def on(self) -> None:
        pass

    def off(self) -> None:
        pass

    def close(self) -> None:
        pass


def _frames(count: int) -> list[Image.Image]:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 256, (240, 240, 3), dtype=np.uint8), "RGB") for _ in range(count)]


def _display_figures() -> None:
    from hardware.display.rgb565 import to_rgb565, to_wire
    from hardware.display.sim_panel import SimPanel
    from hardware.display.st7789 import ST7789Display

    frames = _frames(4)
    convert = best_ms(lambda: to_wire(to_rgb565(frames[0])), repeat=100, warm_up=True)
    print(
        f"RGB565 conversion (240x240, numpy): {convert:.2f} ms here, "
        f"{pi_estimate(convert)}"
    )

    counting = _CountingTransport()
    display = ST7789Display(counting, _Pin(), partial=False, sleep=lambda s: None)
    counting.bytes = counting.writes = 0
    display.show(frames[0])
    frame_bytes, writes = counting.bytes, counting.writes
    wire_ms = frame_bytes * 8 / SPI_HZ * 1000
    print(
        f"SPI push of a full frame: {frame_bytes} bytes in {writes} writes = {wire_ms:.2f} ms on the wire "
        f"at {SPI_HZ / 1e6:.1f} MHz (at most {1000 / wire_ms:.0f} frames/s)"
    )
    i = iter(range(10**9))
    driver = best_ms(lambda: display.show(frames[next(i) % 4]), repeat=100, warm_up=True)
    print(
        f"driver per full frame (conversion + {writes} chunked writes, counting transport): "
        f"{driver:.2f} ms here, "
        f"{pi_estimate(driver)}, plus {wire_ms:.2f} ms on the wire"
    )
    panel = SimPanel()
    sim_display = ST7789Display(
        panel.transport, panel.dc, panel.rst, panel.backlight, partial=False, sleep=panel.sleep
    )
    def show_and_decode() -> None:
        sim_display.show(frames[next(i) % 4])
        panel.native()

    simulated = best_ms(show_and_decode, repeat=10, warm_up=True)
    print(f"same into the simulated panel (with its decoding): {simulated:.2f} ms here")


def _camera_figures() -> None:
    import numpy as np
    from PIL import Image

    from hardware.camera.frames import FramesCamera

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rng = np.random.default_rng(1)
        count = 20
        for n in range(count):
            noise = rng.integers(0, 256, (480, 640), dtype=np.uint8)
            Image.fromarray(noise, "L").convert("RGB").save(folder / f"frame-{n:03d}.png")
        paths = sorted(folder.glob("*.png"))
        for label, make in (
            ("files, RGB", lambda: FramesCamera.from_files(paths)),
            ("files, grayscale", lambda: FramesCamera.from_files(paths, grayscale=True)),
            ("directory watch, RGB", lambda: FramesCamera.from_directory(folder)),
        ):
            with make() as camera:
                start = time.perf_counter()
                got = 0
                while camera.read() is not None:
                    got += 1
                per = (time.perf_counter() - start) / got * 1000
            print(f"frames camera read, 640x480 PNG ({label}): {per:.2f} ms per frame over {got} frames")


def run() -> None:
    _display_figures()
    _camera_figures()
