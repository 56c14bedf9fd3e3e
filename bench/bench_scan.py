"""Camera to complete PSBT: photo-like frames through the device's scan path, against zxing-cpp and a
perfect reader, in one table (figure, ours, anchor, ratio).

The frames: an animated UR of a 1.9 KB PSBT at the device's default fragment length (the frames
``encode_frames`` makes for the 240x240 screen at the default density), each seen by a 640x480
camera with perspective, blur, glare, noise and low contrast (bench/photo_frames.py), plus clean
views of the same frames.

- ``device scan path``: the scan screen (ui/screens/scan.py) given each frame by its session's
  camera, decoding in the tick (as the tests do) so each frame is timed. ``decode`` is the read the
  device's worker thread runs on the camera's gray frame; ``scan tick`` the whole tick (frame in,
  preview, read, parts taken). The camera loop figures run the worker thread as the device does.
- ``zxing-cpp``: ``zxingcpp.read_barcodes`` called directly on the same gray frames (QR only).
- ``perfect reader``: every frame the camera took is read; the same fountain decoder and assembler.
- Loss: the share of the sender's frames the camera never got (motion, a frame between two shown);
  frames to complete are the sender's frames shown until the message was complete, the mean over
  seeded runs.
- Seconds at 10 fps: the camera delivers a frame every 0.1 s; the decoder takes the newest frame
  whenever it is free (older ones are dropped), each decode taking the time measured for that frame
  here (and ten times that for the Pi estimate, see PI_FACTOR).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import Table
from bench.timing import PI_FACTOR

PHOTOS = 400  # photo-like frames generated: enough for a weak reader at 40% loss
CLEAN = 40
LOSSES = (0.0, 0.2, 0.4)
SEEDS = 12
CAMERA_FPS = 10.0
LOOP_S = 1.5  # wall time the camera loop runs for the frames-per-second figures
CLI_FRAMES = 60
ZX = "zxing-cpp"


def run() -> None:
    import numpy as np

    from bench.photo_frames import clean_frame, photo_frame, psbt_bytes
    from signer.transport.frames import encode_frames

    payload = psbt_bytes()
    frames = encode_frames(payload, format="ur", ur_type="crypto-psbt", rateless_parts=PHOTOS)
    texts = [t.encode() for t in frames.texts[:PHOTOS]]
    rng = np.random.default_rng(12)
    photos = [photo_frame(frames.image(i), rng) for i in range(PHOTOS)]
    cleans = [clean_frame(frames.image(i), rng) for i in range(CLEAN)]
    pure = len(frames) - PHOTOS

    photo = _measure(photos)
    clean = _measure(cleans)
    mean = statistics.mean

    table = Table(
        f"scan: {len(payload)} byte PSBT, {pure} fragments at the device default (QR v{frames.version}), "
        f"{PHOTOS} photo-like 640x480 frames"
    )
    table.add(
        "read rate, photo-like frames", _rate(photo.reads, texts), _rate(photo.zxing_reads, texts), "%", ZX
    )
    table.add("decode ms per photo-like frame", mean(photo.decode_ms), mean(photo.zxing_ms), "ms", ZX)
    table.add("decode ms per clean frame", mean(clean.decode_ms), mean(clean.zxing_ms), "ms", ZX)
    table.add("scan tick ms per photo-like frame", mean(photo.tick_ms), mean(photo.zxing_ms), "ms", ZX)
    perfect = [[t] for t in texts]
    for loss in LOSSES:
        table.add(
            f"frames to complete PSBT, {loss:.0%} loss",
            _frames_to_complete(photo.reads, loss),
            _frames_to_complete(perfect, loss),
            "frames",
            "perfect reader",
        )
    for factor, where in ((1, "here"), (PI_FACTOR, "Pi Zero 2 W est.")):
        table.add(
            f"s to complete PSBT at {CAMERA_FPS:g} fps, {where}",
            _seconds_at_fps(photo.reads, [ms * factor for ms in photo.decode_ms]),
            _seconds_at_fps(perfect, [0.0] * len(perfect)),
            "s",
            "perfect reader",
        )
    preview_fps, decoded_fps = _loop_rates(photos)
    table.add("camera loop: preview frames/s", preview_fps, None, "fps")
    table.add("camera loop: frames decoded/s", decoded_fps, None, "fps")
    cli = _cli_ms_per_frame(photos[:CLI_FRAMES])
    if isinstance(cli, str):
        print(f"airlock qr decode on a folder of {CLI_FRAMES} camera frames: {cli}")
    else:
        total, opening = cli
        table.add("`airlock qr decode` ms per PNG frame", total, None, "ms")
        table.add(
            "  of it decoding (less opening the PNG)", total - opening, mean(photo.decode_ms), "ms", "device"
        )
    table.print()
    print(
        f"(Pi Zero 2 W estimate: {PI_FACTOR}x the time here, an assumption of bench/timing.py; on a Pi,"
        " `make bench` runs the same script and prints the real figures)"
    )


def _rate(reads: Sequence[Sequence[bytes]], texts: Sequence[bytes]) -> float:
    return 100.0 * sum(t in r for r, t in zip(reads, texts, strict=True)) / len(texts)


def _zxing(frame: Any) -> tuple[list[bytes], float]:
    """zxing-cpp called directly on one frame: what it read and the milliseconds it took."""
    import zxingcpp

    started = time.perf_counter()
    found = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [bytes(b.bytes) for b in found], (time.perf_counter() - started) * 1000


def _scan_screen(camera: Callable[[], Any], on_raw: Callable[[bytes], None], background: bool = False) -> Any:
    from ui.screens.scan import ScanScreen
    from ui.session import Session

    session = Session(
        vault_path=Path("/nonexistent/airlock.vault"), camera=camera, read_qr_in_background=background
    )
    return ScanScreen(session, "Scan", lambda payload: None, on_raw=lambda content: on_raw(content))


@dataclass
class Measured:
    reads: list[list[bytes]]  # what the device path read in each frame
    decode_ms: list[float]  # the device's decode of each frame (what its worker thread runs)
    tick_ms: list[float]  # the scan screen's whole tick: camera frame, preview, decode, parts taken
    zxing_reads: list[list[bytes]]
    zxing_ms: list[float]


def _measure(frames: Sequence[Any]) -> Measured:
    """Each frame through the device's scan screen, and through zxing-cpp alone just before it (the
    two timed side by side, so a moment of load elsewhere on the machine hits both)."""
    from signer.transport.frame_reader import FrameReader
    from signer.transport.frames import decode_qr_image

    out = Measured([[] for _ in frames], [], [], [], [])
    position = [0]

    def timed_decode(image: Any) -> list[bytes]:
        started = time.perf_counter()
        found = decode_qr_image(image)
        out.decode_ms.append((time.perf_counter() - started) * 1000)
        return found

    screen = _scan_screen(lambda: frames[position[0]], lambda content: out.reads[position[0]].append(content))
    screen.reader = FrameReader(timed_decode, threaded=False)  # the device's decode, timed in the tick
    screen.on_tick(0.0)  # warm up (imports)
    _zxing(frames[0])
    out.reads[0].clear()
    out.decode_ms.clear()
    for index, frame in enumerate(frames):
        position[0] = index
        found, ms = _zxing(frame)
        out.zxing_reads.append(found)
        out.zxing_ms.append(ms)
        started = time.perf_counter()
        screen.on_tick(float(index))
        out.tick_ms.append((time.perf_counter() - started) * 1000)
    return out


def _frames_to_complete(reads: Sequence[Sequence[bytes]], loss: float) -> float:
    """Mean sender frames shown until the assembler completes, the camera missing ``loss`` of them."""
    import random

    from signer.chains.scanning import new_assembler

    counts = []
    for seed in range(SEEDS):
        rng = random.Random(seed)
        assembler = new_assembler()
        for shown, found in enumerate(reads, 1):
            if rng.random() < loss:
                continue
            for content in found:
                assembler.add(content)
            if assembler.is_complete:
                counts.append(shown)
                break
        else:
            counts.append(len(reads))  # never completed within the frames made: a floor, said below
            print(f"  (incomplete after {len(reads)} frames at {loss:.0%} loss, seed {seed})")
    return round(statistics.mean(counts), 1)


def _seconds_at_fps(reads: Sequence[Sequence[bytes]], decode_ms: Sequence[float]) -> float:
    """Seconds from the first camera frame to a complete message at CAMERA_FPS, the decoder taking the
    newest frame whenever it is free (a frame it cannot keep up with is dropped)."""
    from signer.chains.scanning import new_assembler

    period = 1.0 / CAMERA_FPS
    assembler = new_assembler()
    free_at = 0.0
    index = 0
    while index < len(reads):
        arrived = index * period
        start = max(free_at, arrived)
        newest = min(len(reads) - 1, int(start / period + 1e-9))  # frames that arrived meanwhile: newest
        index = max(index, newest)
        free_at = start + decode_ms[index] / 1000
        for content in reads[index]:
            assembler.add(content)
        if assembler.is_complete:
            return free_at
        index += 1
    return float("nan")


def _loop_rates(frames: Sequence[Any]) -> tuple[float, float]:
    """(preview frames drawn per second, frames decoded per second) of the scan screen's loop as the
    device runs it (QR codes read on the worker thread), the camera always having a new frame ready
    and the loop not waiting for input (the device caps it at 20 frames a second)."""
    counter = [0]

    def camera() -> Any:
        counter[0] += 1
        return frames[counter[0] % len(frames)]

    screen = _scan_screen(camera, lambda content: None, background=True)
    screen.on_tick(0.0)
    screen.render()
    drawn = 0
    decoded_before = screen.reader.decoded
    started = time.perf_counter()
    while time.perf_counter() - started < LOOP_S:
        screen.on_tick(time.perf_counter())
        screen.render()
        drawn += 1
    elapsed = time.perf_counter() - started
    decoded = screen.reader.decoded - decoded_before
    screen.reader.close()
    return round(drawn / elapsed, 1), round(decoded / elapsed, 1)


def _cli_ms_per_frame(frames: Sequence[Any]) -> tuple[float, float] | str:
    """``airlock qr decode`` on a folder of PNG camera frames: (ms per frame, of which ms opening the
    PNG files), or why it failed."""
    from PIL import Image

    from signer.commands.qr import decode_inputs
    from signer.errors import UsageError
    from signer.transport.errors import TransportError
    from signer.transport.images import open_gray

    with tempfile.TemporaryDirectory() as tmp:
        for i, frame in enumerate(frames):
            Image.fromarray(frame).save(Path(tmp) / f"frame-{i:04d}.png")
        total = float("inf")
        for _ in range(2):  # the better of two runs (the first may pay for imports)
            started = time.perf_counter()
            try:
                decode_inputs([tmp])
            except (TransportError, UsageError) as exc:
                return f"fails: {exc}"
            total = min(total, (time.perf_counter() - started) * 1000 / len(frames))
        started = time.perf_counter()
        for path in sorted(Path(tmp).iterdir()):
            open_gray(path.read_bytes(), path.name)
        opening = (time.perf_counter() - started) * 1000 / len(frames)
    return total, opening


if __name__ == "__main__":
    run()
