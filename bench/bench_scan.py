"""Camera to decoded QR: the frames camera plays an animated PSBT (as a phone screen would show
it, placed in a 640x480 camera picture), each frame is decoded with pyzbar and fed to the
assembler, until the message is complete."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.timing import PI_FACTOR


def run() -> None:
    from PIL import Image

    from hardware.camera.frames import FramesCamera
    from signer.chains.scanning import new_assembler
    from signer.transport.frames import decode_qr_image, encode_frames

    psbt = b"psbt\xff" + os.urandom(1200)  # the size of a typical 2-in, 2-out PSBT
    frames = encode_frames(psbt, format="ur", ur_type="crypto-psbt", screen_px=480, density=1)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(len(frames)):
            picture = Image.new("L", (640, 480), 40)
            qr = frames.image(i).convert("L").resize((360, 360))
            picture.paste(qr, (140, 60))
            path = Path(tmp) / f"{i:04d}.png"
            picture.save(path)
            paths.append(path)
        camera = FramesCamera.from_files(paths, loop=True, grayscale=True)
        camera.start()
        assembler = new_assembler()
        reads = decodes = 0
        read_s = decode_s = 0.0
        started = time.perf_counter()
        while not assembler.is_complete and reads < 10 * len(paths):
            t0 = time.perf_counter()
            image = camera.read()
            t1 = time.perf_counter()
            found = decode_qr_image(image, retry=False) if image is not None else []
            t2 = time.perf_counter()
            reads += 1
            read_s += t1 - t0
            decode_s += t2 - t1
            for content in found:
                decodes += 1
                assembler.add(content)
        total = time.perf_counter() - started
        camera.stop()
        fed_ms = _through_the_feed(paths, decode_qr_image)
    per_frame = (read_s + decode_s) / reads * 1000
    print(
        f"camera to decoded QR (frames source, 640x480): {per_frame:.1f} ms per frame "
        f"(read {read_s / reads * 1000:.1f} + decode {decode_s / reads * 1000:.1f}), "
        f"~{per_frame * PI_FACTOR:.0f} ms on a Pi Zero 2 W"
    )
    print(
        f"animated PSBT of {len(psbt)} bytes in {len(paths)} frames: complete after {reads} frames, "
        f"{total * 1000:.0f} ms here ({'complete' if assembler.is_complete else 'INCOMPLETE'})"
    )
    print(
        f"the same through the camera feed (reading on its thread while the last frame decodes): "
        f"{fed_ms:.1f} ms per frame, ~{fed_ms * PI_FACTOR:.0f} ms on a Pi Zero 2 W"
    )


def _through_the_feed(paths: list[Path], decode: Callable[..., list[bytes]], frames: int = 30) -> float:
    """Milliseconds per decoded frame when the frames come through a CameraFeed, polled as the UI does."""
    from hardware.camera.feed import CameraFeed
    from hardware.camera.frames import FramesCamera

    feed = CameraFeed(FramesCamera.from_files(paths, loop=True, grayscale=True))
    feed.start()
    try:
        done = 0
        started = time.perf_counter()
        while done < frames:
            image = feed.read()
            if image is None:
                time.sleep(0.0005)
                continue
            decode(image, retry=False)
            done += 1
        return (time.perf_counter() - started) / frames * 1000
    finally:
        feed.stop()
