"""Photo-like camera frames of the device's animated QR, for the scan bench (and the scan tests).

A frame is what a 640x480 camera sees when it is held at a screen showing one QR frame: the screen
at some size and place, tilted (perspective), slightly out of focus (blur), with a reflection of a
lamp on it (glare), washed out under uneven light (low contrast), and with sensor noise. Every
frame gets all five at strengths drawn from a seeded generator, so a given seed always gives the
same frames, and the strengths stay inside what a well-kept decoder (zxing-cpp) reads: a camera a
person holds still enough to read anything.

The payload is a PSBT of about 1.9 KB (three inputs with their previous transactions, two outputs),
split at the device's default fragment length, i.e. the frames ``encode_frames`` makes for the
240x240 screen at the default density.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

CAMERA_W, CAMERA_H = 640, 480


def psbt_bytes(inputs: int = 3) -> bytes:
    """A valid PSBT (parsed by the signer) of about 0.63 KB per input: 3 inputs make about 1.9 KB."""
    from embit.psbt import PSBT
    from embit.script import Script
    from embit.transaction import Transaction, TransactionInput, TransactionOutput

    spk = bytes.fromhex("0014") + bytes(range(20))
    funding = [
        Transaction(
            vin=[TransactionInput(bytes([n + 1]) * 32, k, Script(bytes(120))) for k in range(2)],
            vout=[TransactionOutput(50_000 + k, Script(spk)) for k in range(6)],
        )
        for n in range(inputs)
    ]
    tx = Transaction(
        vin=[TransactionInput(f.txid(), 0, sequence=0xFFFFFFFD) for f in funding],
        vout=[TransactionOutput(60_000, Script(spk)), TransactionOutput(80_000, Script(spk))],
    )
    psbt = PSBT(tx)
    for n, f in enumerate(funding):
        psbt.inputs[n].non_witness_utxo = f
        psbt.inputs[n].witness_utxo = f.vout[0]
    return psbt.serialize()


def _light(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uneven light: a gentle ramp across the frame and a soft bright spot (a lamp's glare)."""
    ys, xs = np.mgrid[0:CAMERA_H, 0:CAMERA_W].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * (xs - CAMERA_W / 2) + np.sin(angle) * (ys - CAMERA_H / 2)) / (CAMERA_W / 2)
    cx, cy = rng.uniform(200, 440), rng.uniform(140, 340)
    radius = rng.uniform(45, 80)
    glare = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2))
    return ramp * rng.uniform(8, 18), glare * rng.uniform(45, 75)


def photo_frame(screen: Any, rng: np.random.Generator) -> np.ndarray:
    """A 640x480 grayscale camera picture of ``screen`` (the device's QR frame, PIL or numpy)."""
    screen = np.asarray(screen.convert("L") if hasattr(screen, "convert") else screen, dtype=np.uint8)
    h, w = screen.shape
    size = float(rng.uniform(300, 360))
    cx = CAMERA_W / 2 + rng.uniform(-40, 40)
    cy = CAMERA_H / 2 + rng.uniform(-20, 20)
    half = size / 2
    dst = np.array(
        [[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half], [cx - half, cy + half]],
        dtype=np.float32,
    )
    dst += rng.uniform(-0.06 * size, 0.06 * size, size=(4, 2)).astype(np.float32)  # perspective
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    room = np.full((CAMERA_H, CAMERA_W), 70, np.uint8)
    bezel = (dst - dst.mean(axis=0)) * 1.12 + dst.mean(axis=0)
    cv2.fillConvexPoly(room, bezel.astype(np.int32), 20)
    warped = cv2.warpPerspective(screen, matrix, (CAMERA_W, CAMERA_H), flags=cv2.INTER_LINEAR, borderValue=0)
    mask = cv2.warpPerspective(
        np.full_like(screen, 255), matrix, (CAMERA_W, CAMERA_H), flags=cv2.INTER_NEAREST
    )
    frame = np.where(mask > 0, warped, room)
    frame = cv2.GaussianBlur(frame, (0, 0), float(rng.uniform(0.7, 1.3)))  # focus
    black, white = rng.uniform(45, 85), rng.uniform(175, 215)  # a dim, washed-out screen
    out = black + frame.astype(np.float32) * ((white - black) / 255)
    ramp, glare = _light(rng)
    out += ramp + glare
    out += rng.normal(0, rng.uniform(5, 10), out.shape)  # sensor noise
    return np.clip(out, 0, 255).astype(np.uint8)


def clean_frame(screen: Any, rng: np.random.Generator) -> np.ndarray:
    """The same screen squarely in view, in focus, evenly lit: the easy case."""
    screen = np.asarray(screen.convert("L") if hasattr(screen, "convert") else screen, dtype=np.uint8)
    size = int(rng.integers(320, 341))
    frame = np.full((CAMERA_H, CAMERA_W), 70, np.uint8)
    small = cv2.resize(screen, (size, size), interpolation=cv2.INTER_AREA)
    top, left = (CAMERA_H - size) // 2, (CAMERA_W - size) // 2
    frame[top : top + size, left : left + size] = small
    return frame
