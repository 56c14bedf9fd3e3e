"""Per-frame render time of typical device screens (menu, keyboard, review, animated QR, scan).

The device redraws at most ~20 times a second; a Pi Zero 2 W is assumed about ten times slower
than the machine running this (as in bench_keys).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.timing import PI_FACTOR


def _per_frame_ms(render: Callable[[], object], frames: int = 60) -> float:
    render()  # warm caches (fonts, glyphs)
    start = time.perf_counter()
    for _ in range(frames):
        render()
    return (time.perf_counter() - start) * 1000 / frames


def _screens() -> dict[str, Callable[[], object]]:
    from signer.keys import bip39
    from signer.review import ReviewWarning, Severity
    from signer.transport.frames import encode_frames
    from ui.screens.keyboard import Keyboard
    from ui.screens.menu import Menu, MenuItem
    from ui.screens.qr import QrDisplay
    from ui.screens.review import ReviewModel, ReviewScreen
    from ui.screens.words import WordEntry

    menu = Menu(
        "Airlock",
        [MenuItem(label, lambda: None) for label in ("Scan", "Seeds", "Backups", "Settings", "Lock")],
    )
    keyboard = Keyboard("Vault password", lambda v: None, mask=True, initial="secret")
    words = WordEntry(lambda i: f"Word {i + 1} of 24", bip39.wordlist(), 24, lambda w: None)
    words.prefix = "ab"
    review = ReviewScreen(
        ReviewModel(
            "Bitcoin",
            [
                ("To (output 0)", "bc1q cr8t e4kr 609g cawu tmrz a0j4 xv80 jy8z 306f yu\n0.01000000 BTC"),
                ("Fee", "0.00001410 BTC (5.1 sat/vB)"),
            ],
            lambda accepted: None,
            warnings=[ReviewWarning("fee", Severity.DANGER, "The fee is 30% of the amount sent")],
            headline="Send 0.01000000 BTC",
        )
    )
    payload = bytes(range(256)) * 4  # a 1 KiB PSBT-sized payload
    qr = QrDisplay(
        "Signed PSBT",
        [("UR", lambda d: encode_frames(payload, format="ur", ur_type="crypto-psbt", density=d))],
    )
    qr.show_caption = False
    frames = qr.frames
    assert frames is not None, "the payload fits a QR"
    step = iter(range(10**9))

    def next_qr_frame() -> object:
        qr.index = next(step) % len(frames)
        return qr.render()

    return {
        "menu": menu.render,
        "keyboard": keyboard.render,
        "word entry": words.render,
        "review": review.render,
        "animated QR (cached frames)": next_qr_frame,
    }


def _scan_tick_ms() -> float:
    """Camera frame (640x480) -> preview + QR decode, as ScanScreen does every tick."""
    import numpy as np
    from PIL import Image

    from signer.transport.frames import encode_frames
    from ui.screens.scan import ScanScreen
    from ui.session import Session

    frames = encode_frames(bytes(range(256)) * 4, format="ur", ur_type="crypto-psbt", density=1)
    images = []
    for i in range(len(frames)):
        canvas = Image.new("L", (640, 480), 200)
        canvas.paste(frames.image(i), (200, 120))
        images.append(np.stack([np.asarray(canvas)] * 3, axis=2))
    counter = iter(range(10**9))
    session = Session(
        vault_path=__import__("pathlib").Path("/nonexistent"),
        camera=lambda: images[next(counter) % len(images)],
    )
    screen = ScanScreen(session, "Scan", lambda p: None)
    start = time.perf_counter()
    ticks = 0
    while not screen.assembler.is_complete and ticks < 200:
        screen.on_tick(0.0)
        ticks += 1
        if screen.status.complete:
            break
    return (time.perf_counter() - start) * 1000 / max(ticks, 1)


def run() -> None:
    for name, render in _screens().items():
        ms = _per_frame_ms(render)
        print(f"render {name:28s} {ms:6.2f} ms/frame here, ~{ms * PI_FACTOR:5.0f} ms on a Pi Zero 2 W")
    ms = _scan_tick_ms()
    print(
        f"scan tick (640x480 preview + decode) {ms:6.2f} ms here, ~{ms * PI_FACTOR:5.0f} ms on a Pi Zero 2 W"
    )
