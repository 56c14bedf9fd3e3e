"""Chromium's fake camera in the tests: a Y4M video of a device's QR frames, as its screen shows them."""

from __future__ import annotations

from pathlib import Path

from signer.transport.frames import FrameSet, render_qr
from signer.transport.qrcapacity import modules

WIDTH, HEIGHT, FPS, VIDEO_FRAMES_PER_QR = 640, 480, 10, 3


def qr_video(path: Path, frames: FrameSet) -> int:
    """``frames`` as a Y4M video, each QR frame shown for 0.3 s, black on white; the QR count.

    Chromium plays the file in a loop, as a device's animated QR code loops on its screen."""
    import numpy as np

    module_px = HEIGHT // (modules(frames.version) + 8)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        chroma = bytes([128]) * (WIDTH // 2) * (HEIGHT // 2) * 2
        for text in frames.texts:
            code = np.asarray(render_qr(text, ecc=frames.ecc, version=frames.version, module_px=module_px,
                                        quiet_zone=4, canvas_px=HEIGHT))  # fmt: skip
            luma = np.full((HEIGHT, WIDTH), 255, dtype=np.uint8)
            left = (WIDTH - HEIGHT) // 2
            luma[:, left : left + HEIGHT] = code
            for _ in range(VIDEO_FRAMES_PER_QR):
                out.write(b"FRAME\n" + luma.tobytes() + chroma)
    return len(frames.texts)


def camera_args(video: Path) -> list[str]:
    """Chromium's flags for a fake camera playing ``video``, allowed without asking."""
    return [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
