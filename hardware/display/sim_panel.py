"""A simulated ST7789 panel: decodes the SPI byte stream the way the controller does.

It plays the parts the driver talks to: an SPI transport (:attr:`SimPanel.transport`), the D/C and RST
lines (:attr:`SimPanel.dc`, :attr:`SimPanel.rst`, or any callable giving the D/C level) and a virtual
clock (:attr:`SimPanel.sleep`) so timing rules are checked without waiting. Bytes sent with D/C low
are commands, with D/C high their parameters or pixel data. It keeps the 240x320 frame memory, applies
MADCTL (MY, MX, MV), CASET/RASET windows and RAMWR pixel streams in RGB565, and reports anything the
real controller would misread in :attr:`SimPanel.violations` instead of guessing.

The decoding here is written from the datasheet's description, independently of the driver, so a
driver bug shows up as a wrong picture or a violation.

numpy is imported where the panel memory is read or written: heavy, and not needed to start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hardware.display.rgb565 import from_rgb565
from hardware.display.st7789 import PanelGeometry
from hardware.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

# command byte -> (name, parameter bytes); RAMWR takes a stream
_COMMANDS: dict[int, tuple[str, int]] = {
    0x00: ("NOP", 0),
    0x01: ("SWRESET", 0),
    0x10: ("SLPIN", 0),
    0x11: ("SLPOUT", 0),
    0x12: ("PTLON", 0),
    0x13: ("NORON", 0),
    0x20: ("INVOFF", 0),
    0x21: ("INVON", 0),
    0x28: ("DISPOFF", 0),
    0x29: ("DISPON", 0),
    0x2A: ("CASET", 4),
    0x2B: ("RASET", 4),
    0x2C: ("RAMWR", -1),
    0x36: ("MADCTL", 1),
    0x3A: ("COLMOD", 1),
}
RESET_BUSY_S = 0.005  # no command within 5 ms of a reset, SWRESET, SLPOUT or SLPIN
SLEEP_TOGGLE_S = 0.120  # SLPOUT not within 120 ms of a reset or SLPIN; SLPIN not within 120 ms of SLPOUT
RESX_MIN_LOW_S = 10e-6


class VirtualClock:
    """Time that moves only when someone sleeps: the driver's ``sleep`` advances it instantly."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += max(0.0, seconds)


class SimPin:
    """A digital output the driver toggles; calls ``on_change(level)`` on each change."""

    def __init__(self, level: bool = False, on_change: Callable[[bool], None] | None = None) -> None:
        self.value = level
        self.closed = False
        self._on_change = on_change

    def on(self) -> None:
        self._set(True)

    def off(self) -> None:
        self._set(False)

    def _set(self, level: bool) -> None:
        if level != self.value:
            self.value = level
            if self._on_change is not None:
                self._on_change(level)

    def close(self) -> None:
        self.closed = True


class SimBacklight:
    """A PWM output: ``value`` in [0, 1]."""

    def __init__(self) -> None:
        self.value = 0.0
        self.closed = False

    def close(self) -> None:
        self.closed = True


class SimSpiTransport:
    """The SPI side of :class:`SimPanel`; enforces the per-write size limit like spidev does."""

    def __init__(self, panel: SimPanel, max_transfer: int) -> None:
        self._panel = panel
        self.max_transfer = max_transfer
        self.writes: list[int] = []
        self.closed = False

    def write(self, data: bytes | memoryview) -> None:
        if self.closed:
            raise OSError(9, "Bad file descriptor")
        if len(data) > self.max_transfer:
            raise OSError(90, f"Message too long ({len(data)} > {self.max_transfer})")
        self.writes.append(len(data))
        self._panel.receive(bytes(data), self._panel.dc_level())

    def close(self) -> None:
        self.closed = True


@dataclass
class _State:
    sleeping: bool = True
    display_on: bool = False
    inverted: bool = False
    colmod: int = 0x66  # power-on default: 18 bits per pixel
    madctl: int = 0x00
    xs: int = 0
    xe: int = 239
    ys: int = 0
    ye: int = 319
    command: int | None = None
    params: bytearray = field(default_factory=bytearray)
    pointer: int = 0  # pixels written since RAMWR, within the window
    pending: bytes = b""  # half a pixel carried between writes


class SimPanel:
    """An ST7789 with a ``geometry`` panel, seen by a viewer turned by ``mounting`` degrees.

    ``mounting`` says how the panel sits in front of the viewer: its native image (frame-memory rows
    top to bottom, columns left to right) appears turned counter-clockwise by that many degrees. The
    Waveshare 1.3" HAT is 90.
    """

    def __init__(
        self,
        geometry: PanelGeometry | None = None,
        *,
        mounting: int = 90,
        max_transfer: int = 4096,
        dc_level: Callable[[], bool] | None = None,
        clock: VirtualClock | None = None,
    ) -> None:
        import numpy as np

        if mounting not in (0, 90, 180, 270):
            raise ConfigError(f"mounting must be 0, 90, 180 or 270, not {mounting!r}")
        self.geometry = geometry or PanelGeometry()
        self.mounting = mounting
        self.clock = clock or VirtualClock()
        self.transport = SimSpiTransport(self, max_transfer)
        self.dc = SimPin(False)
        self.rst = SimPin(True, self._on_rst)
        self.backlight = SimBacklight()
        self.dc_level: Callable[[], bool] = dc_level or (lambda: bool(self.dc.value))
        # frame memory holds noise at power-on: a driver that forgets to clear it shows garbage
        rng = np.random.default_rng(7789)
        g = self.geometry
        self.gram = rng.integers(0, 0x10000, size=(g.gram_height, g.gram_width), dtype=np.uint32).astype(
            np.uint16
        )
        self.violations: list[str] = []
        self.commands: list[str] = []
        self.ramwr_windows: list[tuple[int, int, int, int]] = []  # (xs, ys, xe, ye) as addressed
        self._state = _State()
        self._busy_until = 0.0
        self._slpout_not_before = 0.0
        self._slpin_not_before = 0.0
        self._rst_low_at: float | None = None

    # -- the wires -----------------------------------------------------------------------------

    def sleep(self, seconds: float) -> None:
        self.clock.sleep(seconds)

    def _violation(self, text: str) -> None:
        self.violations.append(text)

    def _on_rst(self, level: bool) -> None:
        now = self.clock.now()
        if not level:
            self._rst_low_at = now
            return
        if self._rst_low_at is not None and now - self._rst_low_at < RESX_MIN_LOW_S:
            self._violation("RST low pulse shorter than 10 us")
        self._reset(now)

    def _reset(self, now: float) -> None:
        self._flush()
        state = _State()
        state.ye = self.geometry.gram_height - 1
        state.xe = self.geometry.gram_width - 1
        self._state = state
        self._busy_until = now + RESET_BUSY_S
        self._slpout_not_before = now + SLEEP_TOGGLE_S

    def receive(self, data: bytes, dc: bool) -> None:
        if not self.rst.value:
            self._violation("bytes sent while RST is held low")
            return
        if dc:
            self._data(data)
        else:
            for byte in data:
                self._command(byte)

    # -- commands ------------------------------------------------------------------------------

    def _command(self, cmd: int) -> None:
        s = self._state
        self._finish_command()
        now = self.clock.now()
        if now < self._busy_until:
            self._violation(f"command 0x{cmd:02X} sent {1000 * (self._busy_until - now):.1f} ms too early")
        name, nparams = _COMMANDS.get(cmd, (f"0x{cmd:02X}", 0))
        self.commands.append(name)
        if cmd not in _COMMANDS:
            self._violation(f"unknown command 0x{cmd:02X}")
            return
        s.command = cmd
        s.params = bytearray()
        if nparams == 0:
            self._apply(cmd, b"", now)
            s.command = None
        elif nparams < 0:  # RAMWR
            s.pointer = 0
            s.pending = b""
            self.ramwr_windows.append((s.xs, s.ys, s.xe, s.ye))

    def _finish_command(self) -> None:
        s = self._state
        if s.command is None:
            return
        name, nparams = _COMMANDS[s.command]
        if nparams < 0:
            self._flush()
            if s.pending:
                self._violation("RAMWR ended in the middle of a pixel")
        elif len(s.params) < nparams:
            self._violation(f"{name} got {len(s.params)} of {nparams} parameter bytes")
        s.command = None

    def _apply(self, cmd: int, params: bytes, now: float) -> None:
        s = self._state
        g = self.geometry
        if cmd == 0x01:  # SWRESET
            self._reset(now)
        elif cmd == 0x11:  # SLPOUT
            if now < self._slpout_not_before:
                self._violation("SLPOUT within 120 ms of a reset or SLPIN")
            s.sleeping = False
            self._busy_until = now + RESET_BUSY_S
            self._slpin_not_before = now + SLEEP_TOGGLE_S
        elif cmd == 0x10:  # SLPIN
            if now < self._slpin_not_before:
                self._violation("SLPIN within 120 ms of SLPOUT")
            s.sleeping = True
            self._busy_until = now + RESET_BUSY_S
            self._slpout_not_before = now + SLEEP_TOGGLE_S
        elif cmd in (0x20, 0x21):
            s.inverted = cmd == 0x21
        elif cmd in (0x28, 0x29):
            s.display_on = cmd == 0x29
        elif cmd == 0x3A:
            s.colmod = params[0]
        elif cmd == 0x36:
            s.madctl = params[0]
        elif cmd in (0x2A, 0x2B):
            start, end = int.from_bytes(params[0:2], "big"), int.from_bytes(params[2:4], "big")
            exchanged = bool(s.madctl & 0x20)
            # CASET addresses columns, or rows when MV exchanges them; RASET the other way round
            addresses_columns = (cmd == 0x2A) != exchanged
            limit = g.gram_width if addresses_columns else g.gram_height
            name = "CASET" if cmd == 0x2A else "RASET"
            if start > end or end >= limit:
                self._violation(f"{name} {start}..{end} outside 0..{limit - 1}")
            if cmd == 0x2A:
                s.xs, s.xe = start, end
            else:
                s.ys, s.ye = start, end

    def _data(self, data: bytes) -> None:
        s = self._state
        if s.command is None:
            self._violation(f"{len(data)} data bytes with no command")
            return
        name, nparams = _COMMANDS[s.command]
        if nparams < 0:
            if s.colmod & 0x07 != 0x05:
                self._violation(f"pixel data while COLMOD is 0x{s.colmod:02X}, not 16 bits per pixel")
                return
            s.params += data
            return
        room = nparams - len(s.params)
        s.params += data[:room]
        if len(data) > room:
            self._violation(f"{name} got {len(data) - room} extra data bytes")
        if len(s.params) == nparams:
            self._apply(s.command, bytes(s.params), self.clock.now())
            s.command = None

    def _flush(self) -> None:
        """Write buffered RAMWR bytes into the frame memory."""
        import numpy as np

        s = self._state
        if s.command != 0x2C or not s.params:
            return
        stream = s.pending + bytes(s.params)
        s.params = bytearray()
        whole = len(stream) - len(stream) % 2
        s.pending = stream[whole:]
        pixels = np.frombuffer(stream[:whole], dtype=">u2")
        if pixels.size == 0 or s.xs > s.xe or s.ys > s.ye:
            return
        g = self.geometry
        width = s.xe - s.xs + 1
        area = width * (s.ye - s.ys + 1)
        index = (s.pointer + np.arange(pixels.size)) % area  # the address counter wraps in the window
        s.pointer = (s.pointer + pixels.size) % area
        column_address = s.xs + index % width
        page_address = s.ys + index // width
        if s.madctl & 0x20:  # MV: the column counter walks memory rows
            col, row = page_address, column_address
        else:
            col, row = column_address, page_address
        if s.madctl & 0x40:  # MX mirrors memory columns
            col = g.gram_width - 1 - col
        if s.madctl & 0x80:  # MY mirrors memory rows
            row = g.gram_height - 1 - row
        inside = (col >= 0) & (col < g.gram_width) & (row >= 0) & (row < g.gram_height)
        if not inside.all():
            self._violation("pixels addressed outside the frame memory")
        self.gram[row[inside], col[inside]] = pixels[inside]

    # -- what a person would see ---------------------------------------------------------------

    @property
    def lit(self) -> bool:
        """Awake and switched on: the panel shows its memory."""
        self._flush()
        return not self._state.sleeping and self._state.display_on

    def native(self) -> np.ndarray:
        """The visible part of the frame memory as RGB565, in memory order, as the pixels show it."""
        self._flush()
        g = self.geometry
        shown = self.gram[g.row_start : g.row_start + g.height, g.col_start : g.col_start + g.width].copy()
        if self._state.inverted != g.needs_inversion:
            shown ^= 0xFFFF
        return shown

    def viewed_rgb565(self) -> np.ndarray:
        """What the viewer sees, as RGB565 (all zero when the panel is dark)."""
        import numpy as np

        view = np.rot90(self.native(), k=self.mounting // 90)
        return view if self.lit else np.zeros_like(view)

    def viewed(self) -> Image.Image:
        """What the viewer sees, as an RGB image."""
        return from_rgb565(self.viewed_rgb565())
