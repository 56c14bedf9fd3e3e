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
    """The machine and the backend picked for each kind of device."""

    model: str | None
    display: str
    input: str
    camera: str
    printer: str

    @property
    def is_pi(self) -> bool:
        return self.model is not None


def detect(
    overrides: Mapping[str, str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    model_path: Path = DEVICE_TREE_MODEL,
    dev: Path = DEV,
) -> Platform:
    """Defaults: on a Pi with SPI, the HAT (st7789 + gpio); elsewhere the emulator when pygame and a
    desktop are there, else headless + scripted. Camera: picamera2 on a Pi that has it, else OpenCV
    when a video device exists, else none. Printer: none unless asked for."""
    environ = os.environ if env is None else env
    model = pi_model(model_path)
    desktop = sys.platform in ("darwin", "win32") or any(
        environ.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY")
    )
    if model is not None and has_spi_display(dev):
        display, buttons = "st7789", "gpio"
    elif module_available("pygame") and desktop:
        display, buttons = "emulator", "keyboard"
    else:
        display, buttons = "headless", "scripted"
    if model is not None and module_available("picamera2"):
        camera = "picamera2"
    elif video_devices(dev) and module_available("cv2"):
        camera = "opencv"
    else:
        camera = "none"
    chosen = {"display": display, "input": buttons, "camera": camera, "printer": "none"}

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
    return Platform(model=model, **chosen)
