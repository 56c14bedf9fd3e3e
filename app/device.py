"""``airlock device``: the device app on the Pi's hardware, or in the emulator window."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.wiring import Runner, camera_reader, open_devices, printer_writer
from hardware.errors import BackendUnavailable
from hardware.platform import detect
from signer import netcheck
from signer.chains.warm_up import ETHEREUM_MODULES, WarmUp
from signer.keys.vault_storage import OWN_PARTITION, storage_problem
from ui.device import REVIEW_MODULES, build_app
from ui.session import Session

if TYPE_CHECKING:
    from signer.update import VerifiedUpdate

DEFAULT_VAULT = Path(os.environ.get("AIRLOCK_VAULT", Path.home() / ".airlock" / "vault.airlock"))
NO_SCREEN_ADVICE = (
    "on a desktop run 'airlock device --emulator'; without one, "
    "'airlock device --display headless --capture-dir DIR' (add --script FILE to press buttons)"
)
PI_CAMERA_HELP = (
    "Check that the camera's ribbon cable is seated firmly at both ends (contacts facing the board), "
    "then restart Airlock."
)
DESKTOP_CAMERA_HELP = (
    "Connect a webcam and start Airlock with --camera opencv, or show it QR pictures with "
    "--camera frames --frames DIR."
)


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
    """Run the device app until its window closes (or its script ends). A device that cannot show
    anything fails at once with one line saying what is missing: it never runs unseen."""
    platform = detect(dict(overrides))
    if platform.no_screen:
        raise BackendUnavailable(
            f"no screen to show Airlock on: {', '.join(platform.no_screen)}; {NO_SCREEN_ADVICE}"
        )
    vault_path = vault or DEFAULT_VAULT
    storage_problem = vault_storage_problem(vault_path.parent)
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
            camera=camera_reader(devices.camera) if devices.camera is not None else None,
            camera_problem=platform.no_camera,
            camera_help=PI_CAMERA_HELP if platform.is_pi else DESKTOP_CAMERA_HELP,
            # a screen people look at reads QR codes off the drawing path; a headless script, frame by
            # frame (the same run gives the same screens)
            read_qr_in_background=platform.display != "headless",
            printer=printer_writer(devices.printer) if devices.printer is not None else None,
            interfaces=netcheck.interfaces(),
            capture_allowed=platform.display != "st7789",  # never on the device itself
            apply_settings=lambda s: devices.display.set_backlight(s["brightness"] / 100),
            warm_up=WarmUp(ETHEREUM_MODULES + REVIEW_MODULES),
            vault_storage_problem=storage_problem or "",
            find_update=update_finder(os.environ),
        )
        runner = Runner(build_app(session), session, devices)
        runner.run(until_script_ends=platform.input == "scripted")
    finally:
        devices.close()
    if platform.display == "headless":
        print(headless_summary(runner.frames, devices.display))
    return 0


def vault_storage_problem(folder: Path, env: Mapping[str, str] | None = None) -> str | None:
    """Why ``folder`` cannot keep a vault, or None. A folder of one's own is created (a laptop's
    ~/.airlock); the image's unit asks (AIRLOCK_VAULT_STORAGE=partition) for the vault partition itself,
    which is never created here: a missing partition is reported, not papered over."""
    environ = os.environ if env is None else env
    own_partition = environ.get("AIRLOCK_VAULT_STORAGE", "").strip().lower() == OWN_PARTITION
    if not own_partition and not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            return f"cannot create the vault folder {folder} ({exc.strerror})"
    return storage_problem(folder, own_partition=own_partition)


UPDATE_KEY = Path("/usr/lib/airlock/update-key.pub")  # the release key the image carries


def update_finder(env: Mapping[str, str], key_path: Path = UPDATE_KEY) -> Callable[[], VerifiedUpdate] | None:
    """Settings > Update Airlock's source: the one ``*.update`` file in $AIRLOCK_UPDATE_DIR, checked with
    the image's release key against the running version. None (no menu item) without both. The key is
    only ever the file the image carries (no setting points elsewhere)."""
    folder = env.get("AIRLOCK_UPDATE_DIR", "")
    if not folder or not key_path.is_file():
        return None

    def find() -> VerifiedUpdate:
        from importlib.metadata import version

        from signer.update import UpdateError, load_public_key, verify_update

        found = sorted(Path(folder).glob("*.update"))
        if not found:
            raise UpdateError(f"no update file in {folder}: copy the airlock-VERSION.update file there")
        if len(found) > 1:
            raise UpdateError(f"{len(found)} update files in {folder}: keep only the one to install")
        return verify_update(found[0], load_public_key(key_path.read_bytes()), version("airlock"))

    return find


def headless_summary(frames: int, display: Any) -> str:
    """What a headless run did, so it never ends in silence."""
    done = "airlock device: headless run done"
    if display.directory is None:
        return f"{done}, {plural(frames, 'screen')} drawn (--capture-dir DIR keeps them)"
    return f"{done}, {plural(len(display.written), 'screen')} in {display.directory}/"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
