"""ST7789 TFT controller driven over a 4-wire SPI link (SCK, MOSI, CS, D/C) plus RST and backlight.

The controller holds a 240x320 frame memory (GRAM); a 240x240 panel shows part of it. The driver sets
the memory access order (MADCTL) for the chosen rotation, the window to write (CASET/RASET) and
streams RGB565 pixels after RAMWR, split into writes no larger than the transport allows.

Datasheet facts used (Sitronix ST7789V): after a hardware reset or SWRESET wait 5 ms before the next
command and 120 ms before SLPOUT; after SLPOUT wait 5 ms before the next command and 120 ms for the
supply to settle before showing anything; COLMOD 0x55 selects 16 bits per pixel; MADCTL bits MY 0x80,
MX 0x40, MV 0x20 (row/column exchange); IPS panels such as Waveshare's 1.3" need INVON.

numpy is imported where a frame is sent, gpiozero (the pi extra) when the HAT's pins are claimed.
"""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hardware.display.base import Display, check_frame, check_level
from hardware.display.rgb565 import to_rgb565, to_wire
from hardware.display.spi import Backlight, OutputPin, SpidevTransport, SpiTransport
from hardware.errors import BackendUnavailable, ConfigError, DeviceError

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

# Command set (MIPI DCS numbers shared by the ST7789 family).
SWRESET = 0x01
SLPIN = 0x10
SLPOUT = 0x11
NORON = 0x13
INVOFF = 0x20
INVON = 0x21
DISPOFF = 0x28
DISPON = 0x29
CASET = 0x2A
RASET = 0x2B
RAMWR = 0x2C
MADCTL = 0x36
COLMOD = 0x3A

MADCTL_MY = 0x80
MADCTL_MX = 0x40
MADCTL_MV = 0x20
COLMOD_RGB565 = 0x55  # 65K-colour RGB interface, 16 bits per pixel on the MCU interface

RESET_PULSE_S = 0.01  # RESX low: 10 us minimum
AFTER_RESET_S = 0.15  # >= 120 ms before SLPOUT
AFTER_SLPOUT_S = 0.12  # >= 5 ms before the next command; 120 ms for the booster to settle
AFTER_DISPLAY_CMD_S = 0.01

# rotation -> MADCTL; the window offsets follow from the panel geometry (see _orientation)
ROTATION_MADCTL = {0: 0x00, 90: MADCTL_MX | MADCTL_MV, 180: MADCTL_MX | MADCTL_MY, 270: MADCTL_MY | MADCTL_MV}


@dataclass(frozen=True)
class PanelGeometry:
    """Where the visible panel sits in the controller's frame memory, in the memory's native order."""

    width: int = 240
    height: int = 240
    gram_width: int = 240
    gram_height: int = 320
    col_start: int = 0
    row_start: int = 0
    needs_inversion: bool = True

    def __post_init__(self) -> None:
        if not (self.width > 0 and self.col_start >= 0 and self.col_start + self.width <= self.gram_width):
            raise ConfigError("panel columns must lie inside the controller's frame memory")
        if not (self.height > 0 and self.row_start >= 0 and self.row_start + self.height <= self.gram_height):
            raise ConfigError("panel rows must lie inside the controller's frame memory")


WAVESHARE_13_HAT = PanelGeometry()
"""Waveshare 1.3" LCD HAT: 240x240 IPS on GRAM rows 0-239, mounted so rotation 90 is upright.

Rotation 90 is MADCTL MX|MV, the order SeedSigner's driver uses for this HAT (it also sets ML, which
only changes the refresh direction).
"""
WAVESHARE_HAT_ROTATION = 90
WAVESHARE_HAT_PINS = {"dc": 25, "rst": 27, "bl": 24}


def _orientation(geometry: PanelGeometry, rotation: int) -> tuple[int, int, int, tuple[int, int]]:
    """(MADCTL, column offset, row offset, logical size) that make logical (x, y) appear upright when
    the panel's native image is seen turned counter-clockwise by ``rotation`` degrees."""
    g = geometry
    if rotation not in ROTATION_MADCTL:
        raise ConfigError(f"rotation must be one of 0, 90, 180, 270, not {rotation!r}")
    madctl = ROTATION_MADCTL[rotation]
    if rotation == 0:
        return madctl, g.col_start, g.row_start, (g.width, g.height)
    if rotation == 90:  # x addresses rows upward from row_start, y addresses mirrored columns
        return madctl, g.row_start, g.gram_width - g.col_start - g.width, (g.height, g.width)
    if rotation == 180:
        return (
            madctl,
            g.gram_width - g.col_start - g.width,
            g.gram_height - g.row_start - g.height,
            (g.width, g.height),
        )
    return madctl, g.gram_height - g.row_start - g.height, g.col_start, (g.height, g.width)


class ST7789Display(Display):
    """ST7789 over ``transport`` with D/C on ``dc`` (low = command, high = data).

    ``rst`` (optional) is the active-low reset line; ``backlight`` is anything with a settable
    ``value`` in [0, 1] (gpiozero ``PWMOutputDevice``) or a digital output. With ``partial`` on,
    ``show`` sends only the rectangle that changed since the last frame.
    """

    def __init__(
        self,
        transport: SpiTransport,
        dc: OutputPin,
        rst: OutputPin | None = None,
        backlight: Backlight | None = None,
        *,
        geometry: PanelGeometry = WAVESHARE_13_HAT,
        rotation: int = WAVESHARE_HAT_ROTATION,
        partial: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if transport.max_transfer < 2:
            raise ConfigError("the SPI transport must allow at least 2 bytes per write")
        self._madctl, self._x_off, self._y_off, self._size = _orientation(geometry, rotation)
        self._geometry = geometry
        self._transport = transport
        self._dc = dc
        self._rst = rst
        self._backlight = backlight
        self._partial = partial
        self._sleep = sleep
        self._dc_level: bool | None = None
        self._last: np.ndarray | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.bytes_sent = 0
        self._init_panel()
        self.set_backlight(1.0)

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    # -- low level -----------------------------------------------------------------------------

    def _set_dc(self, level: bool) -> None:
        if self._dc_level is not level:
            self._dc.on() if level else self._dc.off()
            self._dc_level = level

    def _write(self, data: bytes | memoryview) -> None:
        step = self._transport.max_transfer
        step -= step % 2  # keep pixels whole within a transfer (not required by the panel; tidier traces)
        view = memoryview(data)
        try:
            for start in range(0, len(view), step):
                self._transport.write(view[start : start + step])
        except OSError as exc:
            raise DeviceError(f"display write failed: {exc.strerror or exc}") from exc
        self.bytes_sent += len(view)

    def _command(self, cmd: int, params: bytes = b"") -> None:
        self._set_dc(False)
        self._write(bytes([cmd]))
        if params:
            self._set_dc(True)
            self._write(params)

    def _window(self, x0: int, y0: int, x1: int, y1: int) -> None:
        """Address the inclusive logical rectangle (x0, y0)-(x1, y1) and start a memory write."""
        self._command(CASET, struct.pack(">HH", x0 + self._x_off, x1 + self._x_off))
        self._command(RASET, struct.pack(">HH", y0 + self._y_off, y1 + self._y_off))
        self._command(RAMWR)

    def _pixels(self, x0: int, y0: int, block: np.ndarray) -> None:
        height, width = block.shape
        self._window(x0, y0, x0 + width - 1, y0 + height - 1)
        self._set_dc(True)
        self._write(to_wire(block))

    def _init_panel(self) -> None:
        import numpy as np

        if self._rst is not None:
            self._rst.on()
            self._sleep(RESET_PULSE_S)
            self._rst.off()
            self._sleep(RESET_PULSE_S)
            self._rst.on()
            self._sleep(AFTER_RESET_S)
        self._command(SWRESET)
        self._sleep(AFTER_RESET_S)
        self._command(SLPOUT)
        self._sleep(AFTER_SLPOUT_S)
        self._command(COLMOD, bytes([COLMOD_RGB565]))
        self._command(MADCTL, bytes([self._madctl]))
        self._command(INVON if self._geometry.needs_inversion else INVOFF)
        self._command(NORON)
        self._sleep(AFTER_DISPLAY_CMD_S)
        black = np.zeros((self._size[1], self._size[0]), dtype=np.uint16)
        self._pixels(0, 0, black)  # clear whatever the memory held before the panel lights up
        self._last = black
        self._command(DISPON)
        self._sleep(AFTER_DISPLAY_CMD_S)

    # -- Display -------------------------------------------------------------------------------

    def show(self, image: Image.Image, *, secret: bool = False) -> None:
        import numpy as np

        frame = to_rgb565(check_frame(image, self._size))
        with self._lock:
            if self._closed:
                raise DeviceError("the display is closed")
            last = self._last
            if not self._partial or last is None:
                self._pixels(0, 0, frame)
            else:
                changed = frame != last
                rows = np.flatnonzero(changed.any(axis=1))
                if rows.size == 0:
                    return
                cols = np.flatnonzero(changed.any(axis=0))
                y0, y1, x0, x1 = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
                self._pixels(x0, y0, frame[y0 : y1 + 1, x0 : x1 + 1])
            self._last = frame

    def set_backlight(self, level: float) -> None:
        level = check_level(level)
        if self._backlight is not None:
            # a PWM output dims; a plain digital output is on for any level above 0
            self._backlight.value = level

    def close(self) -> None:
        """Blank the memory (no frame lingers in GRAM), switch the panel off and release the pins."""
        import numpy as np

        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._pixels(0, 0, np.zeros((self._size[1], self._size[0]), dtype=np.uint16))
                self._command(DISPOFF)
                self._command(SLPIN)
            finally:
                self._last = None
                if self._backlight is not None:
                    self._backlight.value = 0
                for part in (self._backlight, self._dc, self._rst, self._transport):
                    close = getattr(part, "close", None)
                    if close is not None:
                        close()


def open_waveshare_hat(
    *,
    rotation: int = WAVESHARE_HAT_ROTATION,
    speed_hz: int = 62_500_000,
    pin_factory: object | None = None,
    backlight_hz: int = 500,
) -> ST7789Display:
    """The Waveshare 1.3" LCD HAT on SPI0 CE0 with D/C GPIO25, RST GPIO27, backlight PWM on GPIO24."""
    try:
        from gpiozero import DigitalOutputDevice, PWMOutputDevice
        from gpiozero.exc import GPIOZeroError
    except ImportError as exc:
        raise BackendUnavailable("gpiozero is not installed: install the [pi] extra") from exc
    transport = SpidevTransport(0, 0, speed_hz=speed_hz)
    pins = WAVESHARE_HAT_PINS
    claimed: list[SpidevTransport | OutputPin] = [transport]
    try:
        dc = DigitalOutputDevice(pins["dc"], pin_factory=pin_factory)
        claimed.append(dc)
        rst = DigitalOutputDevice(pins["rst"], initial_value=True, pin_factory=pin_factory)
        claimed.append(rst)
        bl = PWMOutputDevice(pins["bl"], frequency=backlight_hz, pin_factory=pin_factory)
        claimed.append(bl)
        return ST7789Display(transport, dc, rst, bl, rotation=rotation)
    except (GPIOZeroError, DeviceError) as exc:
        for part in reversed(claimed):
            part.close()
        if isinstance(exc, DeviceError):
            raise
        raise DeviceError(f"cannot claim the display's GPIO pins: {exc}") from exc
