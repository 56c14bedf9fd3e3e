"""``airlock device``: the device app on the Pi's hardware, or in the emulator window."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_VAULT = Path(os.environ.get("AIRLOCK_VAULT", Path.home() / ".airlock" / "vault.airlock"))


def run_device(
    vault: Path | None,
    overrides: Mapping[str, str],
    *,
    frames: Path | None = None,
    frames_loop: bool = False,
    capture_dir: Path | None = None,
    printer_path: str | None = None,
    script: list[str] | None = None,
) -> int:
    from app.wiring import Runner, open_devices, printer_writer
    from hardware.platform import detect
    from signer import netcheck
    from ui.device import build_app
    from ui.session import Session

    platform = detect(dict(overrides))
    vault_path = vault or DEFAULT_VAULT
    vault_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    devices = open_devices(
        platform,
        frames=frames,
        frames_loop=frames_loop,
        capture_dir=capture_dir,
        printer_path=printer_path,
        script=script,
    )
    try:
        session = Session(
            vault_path=vault_path,
            camera=devices.camera.read if devices.camera is not None else None,
            printer=printer_writer(devices.printer) if devices.printer is not None else None,
            interfaces=netcheck.interfaces(),
            capture_allowed=platform.display != "st7789",  # never on the device itself
            apply_settings=lambda s: devices.display.set_backlight(s["brightness"] / 100),
        )
        Runner(build_app(session), session, devices).run(until_script_ends=platform.input == "scripted")
    finally:
        devices.close()
    return 0
