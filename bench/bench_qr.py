"""QR transport figures: frame render time on the device screen, decode time per 640x480
camera frame, and decode rates under camera-like conditions (shared with tests/transport)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

_TESTS = Path(__file__).resolve().parent.parent / "tests"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f} ms"


def run() -> None:
    import numpy as np

    from signer.transport import frames

    if str(_TESTS) not in sys.path:
        sys.path.insert(0, str(_TESTS))
    from transport.camera_sim import CONDITIONS, camera_view, decode_rates

    payload = b"psbt\xff" + np.random.default_rng(1).bytes(1200)

    print("render, 1.2 KB PSBT on the 240x240 screen (plan + every frame of one cycle):")
    for fmt in ("ur", "bbqr"):
        for density in range(len(frames.DENSITY_MODULE_PX)):
            started = time.perf_counter()
            frame_set = frames.encode_frames(
                payload, format=fmt, ur_type="crypto-psbt", bbqr_type="P", density=density
            )
            planned = time.perf_counter()
            frame_set.prerender()
            done = time.perf_counter()
            per_frame = (done - planned) / len(frame_set)
            shape = f"{frame_set.module_px} px, v{frame_set.version:<2d} ECC {frame_set.ecc}"
            print(
                f"  {fmt:4s} density {density} ({shape}): {len(frame_set):3d} frames,"
                f" plan {_ms(planned - started)}, render {_ms(per_frame)}/frame"
            )

    frame_set = frames.encode_frames(payload, density=frames.DEFAULT_DENSITY)
    rng = np.random.default_rng(2)
    clean = [camera_view(frame_set.image(n), "clean", rng) for n in range(10)]
    hard = [camera_view(frame_set.image(n), "combined", rng) for n in range(10)]
    empty = [np.clip(rng.normal(110, 20, (480, 640)), 0, 255).astype(np.uint8) for _ in range(5)]
    print("decode, one 640x480 camera frame (zxing-cpp):")
    for label, batch, retry in (
        ("QR in view, plain pass", clean, False),
        ("hard frame, with fallbacks", hard, True),
        ("no QR at all, every fallback", empty, True),
    ):
        started = time.perf_counter()
        for image in batch:
            frames.decode_qr_image(image, retry=retry)
        print(f"  {label:30s} {_ms((time.perf_counter() - started) / len(batch))}")

    print("decode rate per condition (with fallbacks / plain pass alone), 12 frames each:")
    for density in (frames.DEFAULT_DENSITY, 2, 3):
        frame_set = frames.encode_frames(payload, density=density)
        count = min(12, len(frame_set))
        rates = decode_rates(
            [frame_set.image(n) for n in range(count)], [frame_set.texts[n].encode() for n in range(count)]
        )
        print(f"  density {density} (v{frame_set.version}, {frame_set.module_px} px modules):")
        print("    " + "  ".join(f"{c} {rates[c][0]:.0%}/{rates[c][1]:.0%}" for c in CONDITIONS))


if __name__ == "__main__":
    run()
