"""The start-up bench's probe still reaches the moments it times: it runs the real `airlock device`
and patches what the device calls, so a change to the device's camera path can leave it waiting
for a camera frame that never comes (it did: the scan screen moved to gray frames)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench import bench_startup


def test_the_probe_sees_the_first_frame_and_the_scan_screens_first_camera_frame() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        vault, qr = bench_startup._vault_and_qr(tmp)
        args = bench_startup._device_args(tmp, vault, qr)
        run = subprocess.run(
            [sys.executable, "-m", "bench.device_probe", str(vault), bench_startup.PASSWORD, "--", *args],
            capture_output=True,
            text=True,
            timeout=120,  # a hang guard, not a performance figure
            cwd=Path(__file__).resolve().parent.parent,
        )
    assert run.returncode == 0, run.stderr[-800:]
    marks = [line.split()[0] for line in run.stdout.splitlines() if line.strip()]
    assert marks.index("first-frame") < marks.index("camera-ready")
    assert "unlock-s" in marks
