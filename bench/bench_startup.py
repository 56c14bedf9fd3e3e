"""Process start-up: the CLI, and the device app from power-on to its first frame on the screen.

Measured as whole processes (what a person waits for), best of a few runs; a Pi Zero 2 W is
assumed ten times slower than this machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.timing import PI_FACTOR, best_ms


def _best(cmd: list[str], repeat: int = 3) -> float:
    """Seconds for the fastest of ``repeat`` runs of the whole process."""
    return best_ms(lambda: subprocess.run(cmd, check=True, capture_output=True, timeout=120), repeat) / 1000


def run() -> None:
    python = sys.executable
    cli = _best([python, "-m", "app.main", "--help"])
    print(f"airlock --help: {cli * 1000:.0f} ms here, ~{cli * PI_FACTOR:.1f} s on a Pi Zero 2 W")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "empty-script.txt"
        script.write_text("")
        device = [
            python,
            "-m",
            "app.main",
            "device",
            "--vault",
            str(Path(tmp) / "v.airlock"),
            "--script",
            str(script),
            "--camera",
            "none",
            "--capture-dir",
            str(Path(tmp) / "frames"),
        ]
        first = _best(device)
    print(
        f"airlock device to its first frame (headless): {first * 1000:.0f} ms here, "
        f"~{first * PI_FACTOR:.1f} s on a Pi Zero 2 W"
    )
    for module in ("signer.eth.sign", "cv2", "signer.transport.frames", "ui.device"):
        t = _best([python, "-c", f"import {module}"], repeat=2)
        print(f"  import {module}: {t * 1000:.0f} ms (whole process)")
