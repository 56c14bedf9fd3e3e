"""A simulated ESC/POS printer: reads the byte stream back into the paper it would print.

Understands what a raster-printing host sends (ESC @, GS v 0, ESC d, ESC J, ESC 2, ESC 3, LF, GS V)
and rejects anything else with :class:`~hardware.errors.PanelProtocolError`, so a stray byte in the
driver's output fails a test instead of being printed as garbage text.

numpy and PIL are imported where a raster is read back: heavy, and not needed to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hardware.errors import PanelProtocolError
from hardware.printer.sinks import MemorySink

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

DEFAULT_LINE_SPACING = 30  # dots; ESC 2's "about 1/6 inch" at 203 dpi on common printers


class EscPosPaper:
    """The paper coming out: rows of dots, cut into pages by GS V."""

    def __init__(self, width_dots: int = 384, line_spacing: int = DEFAULT_LINE_SPACING) -> None:
        self.width_dots = width_dots
        self.default_spacing = line_spacing
        self.line_spacing = line_spacing
        self.pages: list[np.ndarray] = []
        self.rasters: list[tuple[int, int, int]] = []  # (mode, width bytes, rows) of each GS v 0
        self._rows: list[np.ndarray] = []

    def _blank(self, rows: int) -> None:
        import numpy as np

        if rows:
            self._rows.append(np.zeros((rows, self.width_dots), dtype=bool))

    def _cut(self) -> None:
        import numpy as np

        if self._rows:
            self.pages.append(np.concatenate(self._rows))
            self._rows = []

    def feed(self, data: bytes) -> None:
        """Process a byte stream (whole jobs; a command cut in two raises)."""
        import numpy as np

        i, n = 0, len(data)

        def need(count: int, what: str) -> bytes:
            if i + count > n:
                raise PanelProtocolError(f"{what} at byte {i} is cut short")
            return data[i : i + count]

        while i < n:
            byte = data[i]
            if byte == 0x0A:  # LF
                self._blank(self.line_spacing)
                i += 1
            elif byte == 0x1B:
                cmd = need(2, "ESC command")[1]
                if cmd in (ord("@"), ord("2")):  # initialise / default line spacing
                    self.line_spacing = self.default_spacing
                    i += 2
                elif cmd in (ord("3"), ord("d"), ord("J")):
                    arg = need(3, f"ESC {chr(cmd)}")[2]
                    if cmd == ord("3"):
                        self.line_spacing = arg
                    else:
                        self._blank(arg * self.line_spacing if cmd == ord("d") else arg)
                    i += 3
                else:
                    raise PanelProtocolError(f"unsupported command ESC 0x{cmd:02X} at byte {i}")
            elif byte == 0x1D:
                cmd = need(2, "GS command")[1]
                if cmd == ord("v"):
                    head = need(8, "GS v 0 header")
                    if head[2] not in (0x00, 0x30):
                        raise PanelProtocolError(f"GS v 0x{head[2]:02X} at byte {i} is not raster bit image")
                    mode = head[3] & 0x03 if head[3] in (0, 1, 2, 3, 48, 49, 50, 51) else None
                    if mode is None:
                        raise PanelProtocolError(f"GS v 0 mode {head[3]} at byte {i} is not 0-3 or 48-51")
                    width_bytes = head[4] | head[5] << 8
                    rows = head[6] | head[7] << 8
                    i += 8
                    self.rasters.append((mode, width_bytes, rows))
                    body = need(width_bytes * rows, "GS v 0 raster data")
                    i += width_bytes * rows
                    bits = np.unpackbits(
                        np.frombuffer(body, dtype=np.uint8).reshape(rows, width_bytes), axis=1
                    )
                    bits = bits.astype(bool)
                    if mode & 1:  # double width
                        bits = bits.repeat(2, axis=1)
                    if mode & 2:  # double height
                        bits = bits.repeat(2, axis=0)
                    if bits.shape[1] > self.width_dots:
                        raise PanelProtocolError(
                            f"raster {bits.shape[1]} dots wide does not fit paper {self.width_dots} dots wide"
                        )
                    band = np.zeros((bits.shape[0], self.width_dots), dtype=bool)
                    band[:, : bits.shape[1]] = bits
                    self._rows.append(band)
                elif cmd == ord("V"):
                    m = need(3, "GS V")[2]
                    if m in (0, 1, 48, 49):
                        i += 3
                    elif m in (65, 66):
                        self._blank(need(4, "GS V")[3])
                        i += 4
                    else:
                        raise PanelProtocolError(f"GS V mode {m} at byte {i} is not a cut")
                    self._cut()
                else:
                    raise PanelProtocolError(f"unsupported command GS 0x{cmd:02X} at byte {i}")
            else:
                raise PanelProtocolError(f"unexpected byte 0x{byte:02X} at byte {i} (text is not sent)")

    def images(self) -> list[Image.Image]:
        """Every page, then the uncut paper if any: white paper, black dots, mode "L"."""
        from PIL import Image

        sheets = [*self.pages]
        if self._rows:
            import numpy as np

            sheets.append(np.concatenate(self._rows))
        return [Image.fromarray(((~sheet) * 255).astype("uint8"), "L") for sheet in sheets]


class SimulatedEscPosSink(MemorySink):
    """A sink for :class:`~hardware.printer.escpos.EscPosPrinter` that also prints onto :attr:`paper`."""

    def __init__(self, width_dots: int = 384) -> None:
        super().__init__()
        self.paper = EscPosPaper(width_dots)

    def write(self, data: bytes) -> None:
        super().write(data)
        self.paper.feed(data)


def parse_escpos(data: bytes, width_dots: int = 384) -> list[Image.Image]:
    """The pages a printer ``width_dots`` wide would print for ``data``."""
    paper = EscPosPaper(width_dots)
    paper.feed(data)
    return paper.images()
