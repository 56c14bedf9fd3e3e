"""Animated QR output on the device path, at the device's default density and speed.

Every time here is the CPU time of the bench's thread (time.thread_time), so other programs' load
on this machine does not inflate the figures, nor does it get multiplied by the Pi factor below.

Payloads: a 1.9 KB PSBT (8 P2WPKH inputs, built by tests/btc/builders.py) as crypto-psbt, and a short
one that fits one frame. Per animated frame, measured here:

  first render   QR encode + rasterise + compose the screen (ui/screens/qr.py), on a fresh screen
  cached frame   the same frame drawn again once every frame was drawn once; the bench checks it is a
                 cache hit by counting QR encoder calls during that pass (there must be none)
  captioned      the same frame with the caption and status bars (the first 2 s, or after a key): the
                 code drawn smaller between them from its kept matrix, again with no QR encoding
  display push   the ST7789 driver (hardware/display/st7789.py) turning the frame into the RGB565
                 stream it writes to SPI; the bytes it sends are timed on the wire at 62.5 MHz

Then the show loop itself (app/wiring.py's Runner, the app, the QR screen, the ST7789 driver) runs on
a Pi clock: every stretch of CPU time here counts FACTOR times, a wait (input poll, SPI wire) counts
once. FACTOR is bench.timing.PI_FACTOR (10), an assumption, not a measurement; on a Raspberry Pi
(/proc/device-tree/model says so) it is 1, so ``make bench`` (or ``python -m bench anim``) run on the
Pi measures the real figures with this same script. The intervals between frames on that clock give
the rate the loop sustains, in the first cycle (frames drawn on the way) and once every frame is kept.

Last, the memory the QR screen's frames hold after one cycle (kept screen images and QR matrices) for
the 1.9 KB PSBT and for a 10 KB payload (300+ frames): the image cache is bounded, so the second
stays at the bound (8 MiB) instead of growing with the payload.

The anchor is SeedSigner's about 6 frames/s on a Pi Zero, a figure quoted in issue 12 (not measured
here), and the issue's target of 8 frames/s.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.report import Table
from bench.timing import PI_FACTOR
from hardware.platform import pi_model

SPI_HZ = 62_500_000  # the Waveshare HAT's SPI clock (hardware/display/st7789.py open_waveshare_hat)
SEEDSIGNER_FPS = 6.0  # quoted in issue 12 for a Pi Zero; not measured here
TARGET_FPS = 8.0  # issue 12
LOOP_CYCLES = 2  # cycles of the show loop after the first one
FACTOR = 1 if pi_model() else PI_FACTOR  # on a Pi its own time is measured; elsewhere estimated


def psbt_1900() -> bytes:
    """A 1.9 KB PSBT: 8 P2WPKH inputs with their UTXOs and derivations, a payment and change."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "btc"))
    from builders import Wallet, build_psbt, external, root_from

    wallet = Wallet(root_from(), "p2wpkh")
    inputs = [wallet.utxo(10_000 + i, 0, i, salt=i) for i in range(8)]
    total = sum(10_000 + i for i in range(8))
    return build_psbt(inputs, [external(total // 2), wallet.change(total // 2 - 1600, 8)])


class PiClock:
    """Time as a Pi Zero 2 W would see it: this thread's CPU time here times FACTOR, waits at face
    value (they are not spent here: the clock just moves on)."""

    def __init__(self) -> None:
        self._base = 0.0
        self._mark = time.thread_time()

    def __call__(self) -> float:
        return self._base + FACTOR * (time.thread_time() - self._mark)

    def wait(self, seconds: float) -> None:
        self._base = self() + max(0.0, seconds)
        self._mark = time.thread_time()


class WireTransport:
    """An SPI link that takes the bytes as spidev would and charges their time on the wire."""

    def __init__(self, clock: PiClock | None = None, max_transfer: int = 4096) -> None:
        self.clock = clock
        self.max_transfer = max_transfer
        self.bytes = 0

    def write(self, data: bytes | memoryview) -> None:
        self.bytes += len(data)
        if self.clock is not None:
            self.clock.wait(len(data) * 8 / SPI_HZ)

    def close(self) -> None:
        pass


class IdleInput:
    """Buttons nobody presses: a poll waits its whole timeout (on the Pi clock)."""

    def __init__(self, clock: PiClock) -> None:
        self.clock = clock

    def poll(self, timeout: float | None = 0.0) -> None:
        self.clock.wait(timeout or 0.0)

    def close(self) -> None:
        pass


def _display(transport: WireTransport) -> Any:
    from hardware.display.sim_panel import SimPin
    from hardware.display.st7789 import ST7789Display

    return ST7789Display(transport, SimPin(), sleep=lambda s: None)


def _counting_encoder() -> list[int]:
    """Count calls of the QR encoder (signer.transport.frames.qr_matrix) from now on."""
    import signer.transport.frames as frames_module

    calls = [0]
    original = frames_module.qr_matrix

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    frames_module.qr_matrix = counted
    return calls


def _screen(payload: bytes) -> Any:
    from signer.transport.frames import encode_frames
    from ui.screens.qr import QrDisplay
    from ui.settings import spec

    return QrDisplay(
        "Signed PSBT",
        [("UR", lambda d: encode_frames(payload, format="ur", ur_type="crypto-psbt", density=d))],
        density=spec("qr_density").default,
        frame_ms=spec("qr_frame_ms").default,
    )


def _per_frame(screen: Any, calls: list[int]) -> tuple[float, float, float, float, float, int]:
    """(first render ms, cached frame ms, captioned frame ms, display push ms here, wire ms) per frame,
    and the frame count."""
    screen.show_caption = False
    count = len(screen.frames)
    first: list[float] = []
    for i in range(count):
        screen.index = i
        start = time.thread_time()
        screen.render()
        first.append(time.thread_time() - start)
    before = calls[0]
    cached: list[float] = []
    frames = []
    for _ in range(3):
        for i in range(count):
            screen.index = i
            start = time.thread_time()
            frames.append(screen.render())
            cached.append(time.thread_time() - start)
    assert calls[0] == before, f"the cached pass encoded {calls[0] - before} QR codes: not a cache hit"
    screen.show_caption = True
    captioned: list[float] = []
    for i in range(count):
        screen.index = i
        start = time.thread_time()
        screen.render()
        captioned.append(time.thread_time() - start)
    assert calls[0] == before, f"the captioned pass encoded {calls[0] - before} QR codes"
    transport = WireTransport()
    display = _display(transport)
    display.show(frames[-1])
    transport.bytes = 0
    push: list[float] = []
    for frame in frames:
        start = time.thread_time()
        display.show(frame)
        push.append(time.thread_time() - start)
    wire_ms = transport.bytes / len(frames) * 8 / SPI_HZ * 1000
    mean_ms = [statistics.mean(values) * 1000 for values in (first, cached, captioned, push)]
    return mean_ms[0], mean_ms[1], mean_ms[2], mean_ms[3], wire_ms, count


def _show_loop(payload: bytes) -> tuple[list[float], list[float], int]:
    """Run the device's show loop on the Pi clock: frame intervals (s) of the first cycle and of the next."""
    from app.wiring import Devices, Runner
    from ui.app import App
    from ui.session import Session

    clock = PiClock()
    transport = WireTransport(clock)
    display = _display(transport)
    screen = _screen(payload)
    app = App(screen)
    session = Session(vault_path=Path("/nonexistent"))
    runner = Runner(app, session, Devices(display, IdleInput(clock)), clock=clock)
    count = len(screen.frames)
    shown: list[tuple[float, int]] = []
    show = display.show

    def recording_show(image: Any, *, secret: bool = False) -> None:
        show(image, secret=secret)
        if not shown or shown[-1][1] != screen.index:  # a new frame (not the caption going away)
            shown.append((clock(), screen.index))

    display.show = recording_show
    app.tick(clock())  # as on the device, where a step pushes the screen: its first tick, then its drawing
    runner.draw()
    while len(shown) < count * (1 + LOOP_CYCLES) + 1 and clock() < 600:
        runner.step()
    times = [t for t, _ in shown]
    intervals = [b - a for a, b in itertools.pairwise(times)]
    return intervals[:count], intervals[count:], count


def _memory(payload: bytes) -> tuple[int, float]:
    """(frames, MiB held by the QR screen's frames) after one full cycle of ``payload``: kept screen
    images and QR matrices (before the bound, the images alone, kept without limit)."""
    screen = _screen(payload)
    screen.show_caption = False
    frames = screen.frames
    for i in range(len(frames)):
        screen.index = i
        screen.render()
    held = getattr(frames, "kept_matrix_bytes", 0)
    held += getattr(frames, "cached_image_bytes", sum(im.width * im.height for im in frames._cache.values()))
    return len(frames), held / 2**20


def _fps(intervals: list[float]) -> float:
    return 1 / statistics.mean(intervals) if intervals else 0.0


def run(print_table: Callable[[Table], None] = Table.print) -> None:
    from ui.settings import spec

    calls = _counting_encoder()
    psbt = psbt_1900()
    short = bytes(range(64))
    density, frame_ms = spec("qr_density").default, spec("qr_frame_ms").default
    basis = "measured on this Pi" if FACTOR == 1 else f"Pi = {FACTOR}x here, assumed"
    print(f"device default: density {density}, {frame_ms} ms a frame; {basis}")
    table = Table(f"animated QR output ({basis}; anchors: issue 12's figures)")
    for name, payload in ((f"{len(psbt)} B PSBT", psbt), (f"{len(short)} B", short)):
        first, cached, captioned, push, wire, count = _per_frame(_screen(payload), calls)
        print(
            f"{name}: {count} frame(s); per frame here: first render {first:.2f} ms, cached {cached:.3f} ms, "
            f"captioned {captioned:.2f} ms, display push {push:.2f} ms + {wire:.1f} ms on the wire"
        )
        if count > 1:
            table.add(f"{name}: first render, Pi ms/frame", first * FACTOR, None, "ms")
            table.add(f"{name}: cached frame, Pi ms/frame", cached * FACTOR, None, "ms")
            table.add(f"{name}: captioned frame, Pi ms/frame", captioned * FACTOR, None, "ms")
            table.add(f"{name}: display push, Pi ms/frame", push * FACTOR + wire, None, "ms")
    first_cycle, steady, count = _show_loop(psbt)
    for label, intervals in (("first cycle", first_cycle), ("cached cycles", steady)):
        worst = max(intervals) * 1000
        fps = round(_fps(intervals), 2)
        print(f"show loop, {label}: {fps:.2f} frames/s on the Pi clock, slowest frame {worst:.0f} ms")
        anchor = "SeedSigner, quoted"
        table.add(f"PSBT loop, {label}: Pi fps vs SeedSigner", fps, SEEDSIGNER_FPS, "fps", anchor)
        table.add(f"PSBT loop, {label}: Pi fps vs target", fps, TARGET_FPS, "fps", "issue 12 target")
        table.add(f"PSBT loop, {label}: slowest frame, Pi", worst, None, "ms")
    for name, payload in (("1.9 KB PSBT", psbt), ("10 KB payload", bytes(range(256)) * 40)):
        count, mib = _memory(payload)
        print(f"memory held by the QR screen, {name} ({count} frames): {mib:.1f} MiB")
        table.add(f"{name}: memory held, {count} frames", round(mib, 1), None, "MiB")
    print_table(table)


if __name__ == "__main__":
    run()
