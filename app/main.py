"""The ``airlock`` command: the signer's commands plus ``airlock device``, which runs the device app.

``signer.cli`` holds every offline command and must not import ``ui`` or ``hardware``; this module
adds the one command that needs them, and imports the device app when that command runs (every other
command, and ``airlock --help``, starts without the UI and the drivers).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from signer.cli import build_parser, run
from signer.commands._common import read_text_file
from signer.errors import AirlockError


def register_device(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("device", help="run the device app (Pi hardware, or --emulator)")
    parser.add_argument("--vault", type=Path, help="vault file (default $AIRLOCK_VAULT, else ~/.airlock/)")
    parser.add_argument("--emulator", action="store_true", help="run in a window on a laptop")
    parser.add_argument("--display", choices=("st7789", "emulator", "headless"))
    parser.add_argument("--input", choices=("gpio", "keyboard", "scripted"))
    parser.add_argument("--camera", choices=("picamera2", "opencv", "frames", "none"))
    parser.add_argument(
        "--frames",
        type=Path,
        help="the frames camera (implied): one QR picture shown again and again, or a folder whose "
        "new pictures are shown once each, in name order",
    )
    parser.add_argument("--printer", choices=("escpos-serial", "escpos-usb", "pdf", "none"))
    parser.add_argument(
        "--printer-path",
        help="escpos-serial: the serial port (default /dev/serial0); escpos-usb: the printer device "
        "(default /dev/usb/lp0); pdf: a .pdf file, or a folder for the PDF and a PNG per card "
        "(default share-cards/)",
    )
    parser.add_argument(
        "--capture-dir",
        type=Path,
        help="the headless display (implied): write every screen here (secrets blanked)",
    )
    parser.add_argument(
        "--script", type=Path, help="scripted input: one step a line ('press DOWN', 'hold KEY1 for 3 s')"
    )
    parser.set_defaults(func=cmd_device)


def cmd_device(args: argparse.Namespace) -> int:
    from app.device import run_device

    overrides = {k: v for k in ("display", "input", "camera", "printer") if (v := getattr(args, k))}
    script = None
    if args.script:
        script = [line.strip() for line in read_text_file(str(args.script)).splitlines() if line.strip()]
    # What each option implies, unless chosen otherwise: --emulator the window (played by a --script
    # when there is one), --script and --capture-dir the headless display, --frames the frames camera.
    # A combination that cannot work (--capture-dir with a window) is refused when the devices open.
    if args.emulator:
        overrides.setdefault("display", "emulator")
    if script is not None:
        overrides.setdefault("input", "scripted")
    if script is not None or args.capture_dir:
        overrides.setdefault("display", "headless")
    if args.emulator:
        overrides.setdefault("input", "keyboard")
    if args.frames:
        overrides.setdefault("camera", "frames")
    from hardware.errors import HardwareError
    try:
        return run_device(
            args.vault,
            overrides,
            frames=args.frames,
            capture_dir=args.capture_dir,
            printer_path=args.printer_path,
            script=script,
        )
    except HardwareError as exc:  # a missing or failing device: say which, no traceback
        raise AirlockError(f"device: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    return run(build_parser(extra=[register_device]), argv)


if __name__ == "__main__":
    sys.exit(main())
