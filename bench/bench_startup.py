"""Process start-up: the CLI, and the device app from launch to its first frame drawn and to its scan
screen's first camera frame, with the ten heaviest imports of the device's start-up.

Measured as whole processes (what a person waits for), best of a few runs. The Pi Zero 2 W figures
are this machine's times multiplied by an assumed factor (bench/timing.py); on a Pi, ``make bench``
measures them for real.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Table
from bench.timing import best_ms, pi_estimate

PASSWORD = "bench password 1"
RUNS = 3


def _best(cmd: list[str], repeat: int = RUNS) -> float:
    """Seconds for the fastest of ``repeat`` runs of the whole process."""
    return best_ms(lambda: subprocess.run(cmd, check=True, capture_output=True, timeout=120), repeat) / 1000


def _device_args(tmp: Path, vault: Path, qr: Path) -> list[str]:
    from signer.netcheck import interfaces

    # the network warning (when this machine has interfaces) is acknowledged, then Scan is chosen
    steps = ["press PRESS"] * (2 if interfaces() else 1)
    script = tmp / "script.txt"
    script.write_text("\n".join(steps) + "\n")
    return ["device", "--vault", str(vault), "--script", str(script), "--frames", str(qr)]


def _probe(python: str, vault: Path, args: list[str]) -> tuple[float, float, float]:
    """(first frame, camera ready, unlock) in seconds from launch, unlock left out of camera ready."""
    started = time.monotonic()
    out = subprocess.run(
        [python, "-m", "bench.device_probe", str(vault), PASSWORD, "--", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    marks = dict(line.split() for line in out.splitlines() if line.split()[:1] and line.count(" ") == 1)
    unlock = float(marks["unlock-s"])
    return float(marks["first-frame"]) - started, float(marks["camera-ready"]) - started - unlock, unlock


def _heaviest_imports(python: str, vault: Path, args: list[str], count: int = 10) -> list[tuple[float, str]]:
    """The ``count`` top-level imports (each with what it pulls in: python -X importtime's cumulative
    time) that cost most from launch to camera-ready."""
    probe = [python, "-X", "importtime", "-m", "bench.device_probe", str(vault), PASSWORD, "--", *args]
    err = subprocess.run(probe, capture_output=True, text=True, timeout=120).stderr
    found = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            _own, cumulative, name = line[len("import time:") :].split("|")
            if not name.startswith("  "):  # top level: not imported by another module of the list
                found.append((int(cumulative) / 1000, name.strip()))
    return sorted(found, reverse=True)[:count]


def _vault_and_qr(tmp: Path) -> tuple[Path, Path]:
    from signer.keys.accounts import AccountSpec
    from signer.keys.envelope import TEST_KDF
    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault
    from signer.transport.frames import encode_frames

    vault_path = tmp / "bench.vault"
    vault = Vault.create(vault_path, PASSWORD, TEST_KDF)  # a cheap KDF: unlocking is not start-up
    words = " ".join(["abandon"] * 11 + ["about"])
    vault.add_seed("bench", Bip39Seed.from_mnemonic(words), [AccountSpec("eth")])
    vault.lock()
    qr = tmp / "request.png"
    encode_frames(b"\x02" + bytes(40), format="ur", ur_type="bytes").image(0).save(qr)
    return vault_path, qr


def run() -> None:
    python = sys.executable
    cli = _best([python, "-m", "app.main", "--help"])
    table = Table("start-up, whole processes (best of 3)")
    table.add("airlock --help", cli * 1000, None, "ms")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        vault, qr = _vault_and_qr(tmp)
        args = _device_args(tmp, vault, qr)
        runs = [_probe(python, vault, args) for _ in range(RUNS)]
        first = min(r[0] for r in runs)
        ready = min(r[1] for r in runs)
        table.add("airlock device: launch to first frame drawn", first * 1000, None, "ms")
        table.add("airlock device: launch to camera-ready (scan)", ready * 1000, None, "ms")
        heaviest = _heaviest_imports(python, vault, args)
    table.print()
    for what, ms in (("--help", cli * 1000), ("first frame", first * 1000), ("camera-ready", ready * 1000)):
        print(f"   {what}: {pi_estimate(ms)}")
    print("   camera-ready: the scan screen receiving its first frame from the frames camera, with the")
    print("   vault unlocked ahead (its KDF and the typing are the person's time, not start-up)")
    print("   the ten heaviest imports of 'airlock device' to camera-ready (-X importtime, cumulative):")
    for ms, module in heaviest:
        print(f"   {ms:8.1f} ms  {module}")
