"""SPI transports for the display: the interface and the spidev backend (Linux ``/dev/spidevB.D``).

spidev (installed only on a Pi, the pi extra) is imported when the bus is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from hardware.errors import BackendUnavailable, ConfigError, DeviceError

SPIDEV_DEFAULT_BUFSIZ = 4096
SPIDEV_BUFSIZ_PARAM = Path("/sys/module/spidev/parameters/bufsiz")


@runtime_checkable
class SpiTransport(Protocol):
    """Write-only SPI link. ``max_transfer`` is the most bytes one ``write`` may carry."""

    max_transfer: int

    def write(self, data: bytes | memoryview) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class OutputPin(Protocol):
    """A digital output (gpiozero ``DigitalOutputDevice`` fits)."""

    def on(self) -> None: ...

    def off(self) -> None: ...

    def close(self) -> None: ...


class Backlight(Protocol):
    """A settable ``value`` in [0, 1] (gpiozero ``PWMOutputDevice``), or 0/1 for a digital output."""

    value: float


def spidev_bufsiz(param: Path = SPIDEV_BUFSIZ_PARAM) -> int:
    """The kernel's per-transfer limit for spidev (module parameter ``bufsiz``), 4096 if unknown."""
    try:
        value = int(param.read_text().strip())
    except (OSError, ValueError):
        return SPIDEV_DEFAULT_BUFSIZ
    return value if value > 0 else SPIDEV_DEFAULT_BUFSIZ


class SpidevTransport:
    """SPI over the ``spidev`` module: bus 0 device 0 (CE0), 62.5 MHz, mode 0 by default.

    62.5 MHz is 250 MHz core clock / 4; the kernel rounds the request down to what the divider allows.
    """

    def __init__(
        self,
        bus: int = 0,
        device: int = 0,
        speed_hz: int = 62_500_000,
        mode: int = 0,
        max_transfer: int | None = None,
    ) -> None:
        if mode not in (0, 1, 2, 3):
            raise ConfigError(f"SPI mode must be 0-3, not {mode}")
        if speed_hz <= 0:
            raise ConfigError(f"SPI speed must be positive, not {speed_hz} Hz")
        try:
            import spidev
        except ImportError as exc:
            raise BackendUnavailable(
                "the spidev module is not installed (it exists only on Linux with SPI): "
                "install the [pi] extra on the Pi, or use the emulator or headless display"
            ) from exc
        path = f"/dev/spidev{bus}.{device}"
        spi = spidev.SpiDev()
        try:
            spi.open(bus, device)
            spi.max_speed_hz = speed_hz
            spi.mode = mode
        except OSError as exc:
            spi.close()
            raise DeviceError(
                f"cannot open {path} ({exc.strerror or exc}): enable SPI (dtparam=spi=on in config.txt)"
            ) from exc
        self._spi = spi
        self.max_transfer = max_transfer or spidev_bufsiz()

    def write(self, data: bytes | memoryview) -> None:
        if len(data) > self.max_transfer:
            raise ConfigError(f"one SPI write may carry {self.max_transfer} bytes, not {len(data)}")
        try:
            self._spi.writebytes2(data)
        except OSError as exc:
            raise DeviceError(f"SPI write failed: {exc.strerror or exc}") from exc

    def close(self) -> None:
        self._spi.close()
