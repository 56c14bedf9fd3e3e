"""Where printer bytes go: a serial port (termios, no pyserial needed), a device file, or memory.

termios (POSIX only) is imported when a serial port is opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, runtime_checkable

from hardware.errors import ConfigError, DeviceError

BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


@runtime_checkable
class ByteSink(Protocol):
    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class MemorySink:
    """Keeps everything written in :attr:`data`."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        if self.closed:
            raise DeviceError("the printer sink is closed")
        self.data += data

    def close(self) -> None:
        self.closed = True


class FileSink:
    """A device file such as ``/dev/usb/lp0`` (USB printer class), written as it is."""

    def __init__(self, path: Path | str = "/dev/usb/lp0") -> None:
        self.path = Path(path)
        try:
            self._file = open(self.path, "wb", buffering=0)  # noqa: SIM115 - held open until close()
        except OSError as exc:
            raise DeviceError(f"cannot open printer {self.path}: {exc.strerror}") from exc

    def write(self, data: bytes) -> None:
        try:
            self._file.write(data)
        except OSError as exc:
            raise DeviceError(f"printer write failed on {self.path}: {exc.strerror}") from exc

    def close(self) -> None:
        self._file.close()


class SerialSink:
    """A serial port in raw 8N1 mode, e.g. ``/dev/serial0`` (the Pi's GPIO UART).

    Cheap thermal printers default to 9600 or 19200 baud (it is printed on their self-test page).
    ``rtscts`` turns on hardware flow control for printers wired with it.
    """

    def __init__(
        self, path: Path | str = "/dev/serial0", baudrate: int = 19200, *, rtscts: bool = False
    ) -> None:
        import termios

        if baudrate not in BAUD_RATES:
            raise ConfigError(f"baud rate must be one of {', '.join(map(str, BAUD_RATES))}, not {baudrate!r}")
        self.path = Path(path)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NOCTTY)
        except OSError as exc:
            raise DeviceError(f"cannot open printer port {self.path}: {exc.strerror}") from exc
        try:
            attrs = termios.tcgetattr(fd)
            speed = getattr(termios, f"B{baudrate}")
            attrs[0] = 0  # iflag: no input processing, no software flow control
            attrs[1] = 0  # oflag: bytes go out unchanged (no LF -> CRLF)
            cflag = termios.CS8 | termios.CREAD | termios.CLOCAL
            if rtscts:
                cflag |= termios.CRTSCTS
            attrs[2] = cflag
            attrs[3] = 0  # lflag: raw
            attrs[4] = attrs[5] = speed
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
        except (termios.error, OSError) as exc:
            os.close(fd)
            raise DeviceError(f"{self.path} is not a serial port that can be set up: {exc}") from exc
        self._fd: int | None = fd
        self.baudrate = baudrate

    def write(self, data: bytes) -> None:
        import termios

        if self._fd is None:
            raise DeviceError("the printer port is closed")
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            termios.tcdrain(self._fd)
        except (OSError, termios.error) as exc:
            raise DeviceError(f"printer write failed on {self.path}: {exc}") from exc

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)
