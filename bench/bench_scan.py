"""Camera to complete PSBT: photo-like frames through the device's scan path, against zxing-cpp and a
perfect reader, in one table (figure, ours, anchor, ratio).

The frames: an animated UR of a 1.9 KB PSBT at the device's default fragment length (the frames
``encode_frames`` makes for the 240x240 screen at the default density), each seen by a 640x480
camera with perspective, blur, glare, noise and low contrast (bench/photo_frames.py), plus clean
views of the same frames.

- ``device scan path``: the scan screen (ui/screens/scan.py) given each frame by its session's
  camera, exactly as on the device; the time is its whole tick (frame in, QR read, parts taken).
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

    zx_photo, zx_photo_ms = _zxing(photos)
    ours_photo, ours_photo_ms = _device_path(photos)
    _, zx_clean_ms = _zxing(cleans)
    _, ours_clean_ms = _device_path(cleans)

    table = Table(
        f"scan: {len(payload)} byte PSBT, {pure} fragments at the device default (QR v{frames.version}), "
        f"{PHOTOS} photo-like 640x480 frames"
    )
    table.add(
        "read rate, photo-like frames", _rate(ours_photo, texts), _rate(zx_photo, texts), "%", "zxing-cpp"
    )
    table.add(
        "decode ms per photo-like frame",
        statistics.mean(ours_photo_ms),
        statistics.mean(zx_photo_ms),
        "ms",
        "zxing-cpp",
    )
    table.add(
        "decode ms per clean frame",
        statistics.mean(ours_clean_ms),
        statistics.mean(zx_clean_ms),
        "ms",
        "zxing-cpp",
    )
    perfect = [[t] for t in texts]
    for loss in LOSSES:
        table.add(
            f"frames to complete PSBT, {loss:.0%} loss",
            _frames_to_complete(ours_photo, loss),
            _frames_to_complete(perfect, loss),
            "frames",
            "perfect reader",
        )
    for factor, where in ((1, "here"), (PI_FACTOR, "Pi Zero 2 W est.")):
        table.add(
            f"s to complete PSBT at {CAMERA_FPS:g} fps, {where}",
            _seconds_at_fps(ours_photo, [ms * factor for ms in ours_photo_ms]),
            _seconds_at_fps(perfect, [0.0] * len(perfect)),
            "s",
            "perfect reader",
        )
    preview_fps, decoded_fps = _loop_rates(photos)
    table.add("camera loop: preview frames/s", preview_fps, None, "fps")
    table.add("camera loop: frames decoded/s", decoded_fps, None, "fps")
    cli = _cli_ms_per_frame(photos[:CLI_FRAMES])
    if isinstance(cli, str):
        print(f"airlock qr decode on {CLI_FRAMES} camera frames: {cli}")
    else:
        table.add(
            "`airlock qr decode` ms per frame", cli, statistics.mean(ours_photo_ms), "ms", "device path"
        )
    table.print()
    print(
        f"(Pi Zero 2 W estimate: {PI_FACTOR}x the time here, an assumption of bench/timing.py; on a Pi,"
        " `make bench` runs the same script and prints the real figures)"
    )


def _rate(reads: Sequence[Sequence[bytes]], texts: Sequence[bytes]) -> float:
    return 100.0 * sum(t in r for r, t in zip(reads, texts, strict=True)) / len(texts)


def _zxing(frames: Sequence[Any]) -> tuple[list[list[bytes]], list[float]]:
    """zxing-cpp called directly on each frame: what it read and the milliseconds it took."""
    import zxingcpp

    reads, times = [], []
    zxingcpp.read_barcodes(frames[0], formats=zxingcpp.BarcodeFormat.QRCode)  # warm up
    for frame in frames:
        started = time.perf_counter()
        found = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode)
        times.append((time.perf_counter() - started) * 1000)
        reads.append([bytes(b.bytes) for b in found])
    return reads, times


def _scan_screen(camera: Callable[[], Any], on_raw: Callable[[bytes], None]) -> Any:
    from ui.screens.scan import ScanScreen
    from ui.session import Session

    session = Session(vault_path=Path("/nonexistent/airlock.vault"), camera=camera)
    return ScanScreen(session, "Scan", lambda payload: None, on_raw=lambda content: on_raw(content))


def _device_path(frames: Sequence[Any]) -> tuple[list[list[bytes]], list[float]]:
    """Each frame through the device's scan screen: what it read and the milliseconds each tick took."""
    reads: list[list[bytes]] = [[] for _ in frames]
    position = [0]

    def camera() -> Any:
        return frames[position[0]]

    screen = _scan_screen(camera, lambda content: reads[position[0]].append(content))
    screen.on_tick(0.0)  # warm up (imports)
    reads[0].clear()
    times = []
    for index in range(len(frames)):
        position[0] = index
        started = time.perf_counter()
        screen.on_tick(float(index))
        times.append((time.perf_counter() - started) * 1000)
    return reads, times


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
    """(preview frames drawn per second, frames decoded per second) of the scan screen's loop, the
    camera always having a new frame ready."""
    counter = [0]
    decoded = [0]

    def camera() -> Any:
        counter[0] += 1
        return frames[counter[0] % len(frames)]

    screen = _scan_screen(camera, lambda content: None)
    screen.on_tick(0.0)
    screen.render()
    drawn = 0
    started = time.perf_counter()
    while time.perf_counter() - started < LOOP_S:
        screen.on_tick(time.perf_counter())
        screen.render()
        drawn += 1
    elapsed = time.perf_counter() - started
    decoded[0] = getattr(screen, "frames_decoded", screen.frames_seen)
    worker = getattr(screen, "close", None)
    if worker is not None:
        worker()
    return round(drawn / elapsed, 1), round(decoded[0] / elapsed, 1)


def _cli_ms_per_frame(frames: Sequence[Any]) -> float | str:
    """``airlock qr decode`` on a folder of PNG camera frames, in ms per frame (or why it failed)."""
    from PIL import Image

    from signer.commands.qr import decode_inputs
    from signer.errors import UsageError
    from signer.transport.errors import TransportError

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, frame in enumerate(frames):
            path = Path(tmp) / f"frame-{i:04d}.png"
            Image.fromarray(frame).save(path)
            paths.append(str(path))
        started = time.perf_counter()
        try:
            decode_inputs(paths)
        except (TransportError, UsageError) as exc:
            return f"fails: {exc}"
        return (time.perf_counter() - started) * 1000 / len(paths)


if __name__ == "__main__":
    run()
