"""Waiting for a local server process the demo started (anvil, bitcoind) to answer its first call."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from companion.errors import CompanionError


def wait_until_answering(
    process: subprocess.Popen[bytes],
    name: str,
    *,
    probe: Callable[[], object],
    not_ready: tuple[type[Exception], ...],
    error: type[CompanionError],
    timeout: float,
) -> None:
    """Return once ``probe`` answers; ``error`` with the process's last words if it exits, or after
    ``timeout`` seconds. ``not_ready`` are what ``probe`` raises while the server is still starting."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise error(f"{name} exited with {process.returncode}: {err.strip()[-300:]}")
        try:
            probe()
            return
        except not_ready:
            if time.monotonic() > deadline:
                raise error(f"{name} did not answer within {timeout:.0f} s") from None
            time.sleep(0.05)
