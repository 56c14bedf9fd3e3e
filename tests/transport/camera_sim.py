"""Camera-like views of rendered QR frames, for decode tests and the QR bench.

A rendered screen image (the device's 240x240 frame) is placed in a 640x480 grayscale camera
frame the way a camera would see a screen: at some size and position, on a dark bezel in a grey
room, and then degraded by one named condition. Everything is driven by a seeded numpy Generator,
so a given seed always gives the same frames.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

CAMERA_W, CAMERA_H = 640, 480

CONDITIONS = (
    "clean",
    "small",
    "large",
    "perspective",
    "blur",
    "noise",
    "low-contrast",
    "moire",
    "occlusion",
    "combined",
)


def _place(screen: np.ndarray, rng: np.random.Generator, size: int, skew: float = 0.0) -> np.ndarray:
    """The screen scaled to ``size`` px, with a bezel, somewhere near the centre of the frame."""
    frame = np.full((CAMERA_H, CAMERA_W), 110, dtype=np.uint8)  # the room
    bezel = int(size * 0.08)
    cx = CAMERA_W // 2 + int(rng.integers(-40, 41))
    cy = CAMERA_H // 2 + int(rng.integers(-25, 26))
    half = size // 2
    src = np.float32([[0, 0], [screen.shape[1], 0], [screen.shape[1], screen.shape[0]], [0, screen.shape[0]]])
    dst = np.float32(
        [[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half], [cx - half, cy + half]]
    )
    if skew:
        dst += rng.uniform(-skew * size, skew * size, size=(4, 2)).astype(np.float32)
    outer = dst.copy()
    centre = dst.mean(axis=0)
    outer += (outer - centre) * (2 * bezel / size)
    cv2.fillConvexPoly(frame, outer.astype(np.int32), 25)
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(screen, matrix, (CAMERA_W, CAMERA_H), flags=cv2.INTER_LINEAR, borderValue=0)
    mask = cv2.warpPerspective(
        np.full(screen.shape, 255, np.uint8), matrix, (CAMERA_W, CAMERA_H), flags=cv2.INTER_NEAREST
    )
    frame[mask > 0] = warped[mask > 0]
    return frame


def _screen_pixels(screen: np.ndarray, factor: int = 4) -> np.ndarray:
    """The screen as a camera close up sees it: every pixel a lit cell with a dark gap around it."""
    big = np.repeat(np.repeat(screen, factor, axis=0), factor, axis=1).astype(np.float32)
    cell = np.ones((factor, factor), np.float32)
    cell[-1, :] = 0.45
    cell[:, -1] = 0.45
    grid = np.tile(cell, (screen.shape[0], screen.shape[1]))
    return np.clip(big * grid + 20, 0, 255).astype(np.uint8)


def _noise(frame: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    noisy = frame.astype(np.float32) + rng.normal(0, sigma, frame.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _low_contrast(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dim, washed-out screen (black 95, white 165) under an uneven light."""
    out = 95 + frame.astype(np.float32) * (70 / 255)
    ramp = np.linspace(-18, 18, CAMERA_W, dtype=np.float32)[None, :] * rng.choice([-1, 1])
    return np.clip(out + ramp, 0, 255).astype(np.uint8)


def _occlude(screen: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A dark thumb tip over about 3% of the code, below its centre (away from the finder patterns)."""
    out = screen.copy()
    h, w = out.shape
    radius = int(w * 0.085)
    centre = (int(w * rng.uniform(0.45, 0.60)), int(h * rng.uniform(0.60, 0.68)))
    axes = (radius, radius + int(rng.integers(0, 5)))
    cv2.ellipse(out, centre, axes, float(rng.uniform(0, 180)), 0, 360, 40, -1)
    return out


def camera_view(screen: Any, condition: str, rng: np.random.Generator) -> np.ndarray:
    """A 640x480 grayscale camera frame of ``screen`` (PIL or numpy, grayscale) under ``condition``."""
    screen = np.asarray(screen.convert("L") if hasattr(screen, "convert") else screen, dtype=np.uint8)
    base = int(rng.integers(300, 340))
    views: dict[str, Callable[[], np.ndarray]] = {
        "clean": lambda: _place(screen, rng, base),
        "small": lambda: _place(screen, rng, int(rng.integers(170, 190))),
        "large": lambda: _place(screen, rng, int(rng.integers(440, 470))),
        "perspective": lambda: _place(screen, rng, base, skew=0.09),
        "blur": lambda: cv2.GaussianBlur(_place(screen, rng, base), (0, 0), float(rng.uniform(1.2, 1.6))),
        "noise": lambda: _noise(_place(screen, rng, base), rng, 22.0),
        "low-contrast": lambda: _low_contrast(_place(screen, rng, base), rng),
        "moire": lambda: _place(_screen_pixels(screen), rng, base + int(rng.integers(0, 7))),
        "occlusion": lambda: _place(_occlude(screen, rng), rng, base),
        "combined": lambda: _noise(
            _low_contrast(
                cv2.GaussianBlur(_place(screen, rng, base, skew=0.05), (0, 0), float(rng.uniform(0.8, 1.1))),
                rng,
            ),
            rng,
            10.0,
        ),
    }
    if condition not in views:
        raise ValueError(f"unknown condition {condition!r}")
    return views[condition]()


def decode_rates(
    screens: list[Any], texts: list[bytes], conditions: tuple[str, ...] = CONDITIONS, seed: int = 7
) -> dict[str, tuple[float, float]]:
    """Per condition: (rate with the fallback passes, rate of the plain pass alone)."""
    from signer.transport.frames import decode_qr_image

    rates: dict[str, tuple[float, float]] = {}
    for condition in conditions:
        rng = np.random.default_rng(seed)
        full = plain = 0
        for screen, text in zip(screens, texts, strict=True):
            frame = camera_view(screen, condition, rng)
            plain += decode_qr_image(frame, retry=False) == [text]
            full += text in decode_qr_image(frame)
        rates[condition] = (full / len(screens), plain / len(screens))
    return rates
