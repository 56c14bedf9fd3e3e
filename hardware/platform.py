"""What machine this is and which backends it can run, to pick defaults; every choice can be overridden.

Overrides come from the ``overrides`` argument or the environment: ``AIRLOCK_DISPLAY``
(st7789 | emulator | headless), ``AIRLOCK_INPUT`` (gpio | keyboard | scripted), ``AIRLOCK_CAMERA``
(picamera2 | opencv | frames | none), ``AIRLOCK_PRINTER`` (escpos-serial | escpos-usb | pdf | none).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hardware.errors import ConfigError

DEVICE_TREE_MODEL = Path("/proc/device-tree/model")
DEV = Path("/dev")

CHOICES: dict[str, tuple[str, ...]] = {
    "display": ("st7789", "emulator", "headless"),
    "input": ("gpio", "keyboard", "scripted"),
    "camera": ("picamera2", "opencv", "frames", "none"),
    "printer": ("escpos-serial", "escpos-usb", "pdf", "none"),
}
ENV_PREFIX = "AIRLOCK_"


def pi_model(path: Path = DEVICE_TREE_MODEL) -> str | None:
    """ "Raspberry Pi Zero 2 W Rev 1.0" and the like, or None when this is not a Raspberry Pi."""
    try:
        model = path.read_bytes().rstrip(b"\x00").decode("utf-8", "replace").strip()
    except OSError:
        return None
    return model if model.startswith("Raspberry Pi") else None


def module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def has_spi_display(dev: Path = DEV) -> bool:
    """spidev importable and SPI0 CE0 present (SPI enabled in config.txt)."""
    return module_available("spidev") and (dev / "spidev0.0").exists()


def video_devices(dev: Path = DEV) -> list[Path]:
    """V4L2 capture nodes (USB cameras; on a Pi also the ISP's nodes)."""
    return sorted(dev.glob("video*"), key=lambda p: (len(p.name), p.name))


@dataclass(frozen=True)
class Platform:
    """The machine and the backend picked for each kind of device.

    ``no_screen`` says why no screen was found when detection fell back to the headless display
    (empty when a screen was found or the display was chosen): a device without a screen must say so
    rather than run invisibly. ``no_camera`` says why the camera is "none", for the Scan screen.
    """

    model: str | None
    display: str
    input: str
    camera: str
    printer: str
    no_screen: tuple[str, ...] = ()
    no_camera: str = ""

    @property
    def is_pi(self) -> bool:
        return self.model is not None


# The input that goes with each display when the input is not chosen: the HAT's buttons with its
# screen, the window's keyboard with the emulator, a script with the headless display.
INPUT_FOR_DISPLAY = {"st7789": "gpio", "emulator": "keyboard", "headless": "scripted"}


def has_desktop(environ: Mapping[str, str]) -> bool:
    """A desktop session a window can open on (macOS and Windows always have one)."""
    return sys.platform in ("darwin", "win32") or any(environ.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY"))


def why_no_screen(model: str | None, dev: Path, environ: Mapping[str, str]) -> tuple[str, ...]:
    """Why neither the SPI screen nor the emulator window can be used here, one reason for each."""
    if model is None:
        spi = "no SPI screen (this is not a Raspberry Pi)"
    elif not module_available("spidev"):
        spi = "no SPI screen (the spidev module is missing: install the [pi] extra)"
    else:
        spi = f"no SPI screen ({dev / 'spidev0.0'} is missing: enable SPI with dtparam=spi=on in config.txt)"
    if not has_desktop(environ):
        window = "no desktop for the emulator window (DISPLAY is not set)"
    else:
        window = "no emulator window (pygame is missing: install the [emulator] extra)"
    return (spi, window)


def why_no_camera(model: str | None, dev: Path) -> str:
    """Why no camera backend was picked here."""
    if model is not None:
        return "picamera2 is not installed (on Raspberry Pi OS: sudo apt install python3-picamera2)"
    if not video_devices(dev):
        return f"no camera is connected (there is no {dev / 'video0'})"
    return "OpenCV is not installed, so the camera cannot be read"


def detect(
    overrides: Mapping[str, str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    model_path: Path = DEVICE_TREE_MODEL,
    dev: Path = DEV,
) -> Platform:
    """Defaults: on a Pi with SPI, the HAT (st7789 + gpio); elsewhere the emulator when pygame and a
    desktop are there, else headless + scripted (and ``no_screen`` says why). The input follows the
    display unless chosen. Camera: picamera2 on a Pi that has it, else OpenCV when a video device
    exists, else none. Printer: none unless asked for."""
    environ = os.environ if env is None else env
    model = pi_model(model_path)
    if model is not None and has_spi_display(dev):
        display = "st7789"
    elif module_available("pygame") and has_desktop(environ):
        display = "emulator"
    else:
        display = "headless"
    if model is not None and module_available("picamera2"):
        camera = "picamera2"
    elif video_devices(dev) and module_available("cv2"):
        camera = "opencv"
    else:
        camera = "none"
    chosen = {"display": display, "camera": camera, "printer": "none"}

    wanted: dict[str, str] = {}
    for kind in CHOICES:
        value = environ.get(f"{ENV_PREFIX}{kind.upper()}")
        if value:
            wanted[kind] = value
    for kind, value in (overrides or {}).items():
        if kind not in CHOICES:
            raise ConfigError(f"unknown device kind {kind!r}: choose from {', '.join(CHOICES)}")
        wanted[kind] = value
    for kind, value in wanted.items():
        value = value.strip().lower()
        if value not in CHOICES[kind]:
            raise ConfigError(f"unknown {kind} backend {value!r}: choose from {', '.join(CHOICES[kind])}")
        chosen[kind] = value
    chosen.setdefault("input", INPUT_FOR_DISPLAY[chosen["display"]])
    if chosen["input"] == "keyboard" and chosen["display"] != "emulator":
        raise ConfigError("the keyboard input is the emulator window's: use it with the emulator display")
    fell_back = "display" not in wanted and display == "headless"
    no_screen = why_no_screen(model, dev, environ) if fell_back else ()
    if chosen["camera"] != "none":
        no_camera = ""
    elif "camera" in wanted:
        no_camera = "the camera is switched off (camera: none)"
    else:
        no_camera = why_no_camera(model, dev)
    return Platform(model=model, no_screen=no_screen, no_camera=no_camera, **chosen)
