"""Runs ``airlock device`` (app.main) as it is, and prints when its first frame was drawn and when
its scan screen received its first camera frame: the bench's window into a whole process.

``python -m bench.device_probe VAULT PASSWORD -- device ARGS...``: the vault is opened with the
password as the device's Unlock screen would open it, and the time that takes (the KDF, the
person's typing) is printed apart so start-up figures leave it out. The app runs on after its
script until the scan screen has its first camera frame, then the process ends. Times are
CLOCK_MONOTONIC, which the parent process shares.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    vault_path, password = Path(argv[0]), argv[1]
    args = argv[argv.index("--") + 1 :]

    import app.wiring
    import ui.session

    unlock_s = [0.0]

    drawn = app.wiring.Runner.draw

    def draw(self: Any) -> None:
        drawn(self)
        if self.frames == 1:
            print(f"first-frame {time.monotonic()}", flush=True)
            # the person's part: a moment passes (the idle clock starts), then they unlock
            self.app.tick(self.clock())
            from signer.keys.vault import Vault

            started = time.monotonic()
            self.session.unlocked(Vault.open(vault_path, password))
            unlock_s[0] = time.monotonic() - started

    read = ui.session.Session._camera_read  # under camera_gray and camera_frame alike

    def camera_read(self: Any) -> Any:
        frame = read(self)
        if frame is not None:
            print(f"unlock-s {unlock_s[0]}", flush=True)
            print(f"camera-ready {time.monotonic()}", flush=True)
            os._exit(0)
        return frame

    run = app.wiring.Runner.run

    def run_until_camera_ready(self: Any, until_script_ends: bool = False) -> None:
        run(self, until_script_ends=False)  # the scan screen keeps ticking after the script's last press

    app.wiring.Runner.run = run_until_camera_ready  # type: ignore[method-assign]
    app.wiring.Runner.draw = draw  # type: ignore[method-assign]
    ui.session.Session._camera_read = camera_read  # type: ignore[method-assign]
    from app.main import main as airlock

    return airlock(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
