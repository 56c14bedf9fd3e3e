"""Fountain-code efficiency and speed for the sizes the signer moves over animated QR.

Fragment length 100 bytes: the device's 240x240 screen shows version 6-10 QR codes that a
640x480 camera reads reliably, which carry about 70-150 fragment bytes per frame
(signer/transport/frames.py picks the exact figure). Figures are means over a few seeded runs.

  shown/pure    frames the device displayed until the receiver finished / pure fragments
  used/pure     frames the receiver actually got / pure fragments (1.00 = no overhead)
"""

from __future__ import annotations

import random
import statistics
import time

from signer.transport.fountain import FountainDecoder, FountainEncoder

FRAGMENT_LEN = 100
SIZES = (1024, 10 * 1024, 100 * 1024)
LOSSES = (0.0, 0.2, 0.4)


def _run(message: bytes, loss: float, seed: int) -> tuple[int, int, int, float]:
    """(pure fragments, frames shown, frames received, decode seconds) for one transfer."""
    rng = random.Random(seed)
    encoder = FountainEncoder(message, FRAGMENT_LEN)
    decoder = FountainDecoder()
    shown = used = 0
    spent = 0.0
    while not decoder.is_complete:
        part = encoder.next_part()
        shown += 1
        if rng.random() < loss:
            continue
        used += 1
        started = time.perf_counter()
        decoder.receive(part)
        spent += time.perf_counter() - started
    assert decoder.result == message
    return encoder.seq_len, shown, used, spent


def _encode_ms(message: bytes) -> float:
    """Milliseconds to emit two full cycles of parts (pure then mixed)."""
    encoder = FountainEncoder(message, FRAGMENT_LEN)
    started = time.perf_counter()
    for _ in range(2 * encoder.seq_len):
        encoder.next_part().to_cbor()
    return (time.perf_counter() - started) * 1000


def run() -> None:
    print(f"fountain codes, fragment length {FRAGMENT_LEN} bytes, mean of seeded runs")
    print(f"{'size':>7} {'loss':>5} {'pure':>5} {'shown/pure':>10} {'used/pure':>9} {'decode ms':>9}")
    for size in SIZES:
        message = random.Random(size).randbytes(size)
        trials = 5 if size <= 10 * 1024 else 2
        for loss in LOSSES:
            runs = [_run(message, loss, seed) for seed in range(trials)]
            pure = runs[0][0]
            shown = statistics.mean(r[1] for r in runs) / pure
            used = statistics.mean(r[2] for r in runs) / pure
            decode_ms = statistics.mean(r[3] for r in runs) * 1000
            print(f"{size // 1024:>5}KB {loss:>5.0%} {pure:>5} {shown:>10.2f} {used:>9.2f} {decode_ms:>9.1f}")
        print(f"{'':>7} encode 2 cycles ({2 * pure} parts): {_encode_ms(message):.1f} ms")


if __name__ == "__main__":
    run()
