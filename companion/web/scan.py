"""Webcam scans: the page posts camera frames, Python reads them exactly as the device does.

One :class:`Scan` per scan: each posted frame (JPEG or PNG) goes through the signer's QR reader
(``decode_qr_image``, zbar) and into the device's own assembler (``signer.chains.scanning``), and the
page gets back a :class:`ScanReport` (progress, done, payload kind, error). No QR or UR code runs in
the browser. What the scan is *for* (an account import now, a signed PSBT later) is up to the route
that takes the finished payload.

A scan that finds a seed (a SeedQR, a crypto-seed) is stopped and forgotten at once: the companion
never holds secrets, and the person is told to keep that code away from any computer.
"""

from __future__ import annotations

import io
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.errors import CompanionError

if TYPE_CHECKING:
    from signer.transport.assembler import Assembler
    from signer.transport.payload import Payload

MAX_FRAME_BYTES = 4 * 1024 * 1024
MAX_FRAME_PIXELS = 4096 * 4096
MAX_SCANS = 16  # scans kept at once; the oldest is dropped past it


@dataclass(frozen=True)
class ScanReport:
    """What the page shows after a frame: ``status`` is one line for a person."""

    progress: float
    done: bool
    kind: str | None
    status: str
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "progress": round(self.progress, 4),
            "done": self.done,
            "kind": self.kind,
            "status": self.status,
            "error": self.error,
        }


class Scan:
    """One scan: frames in, one payload out."""

    def __init__(self) -> None:
        from signer.chains.scanning import new_assembler

        self._assembler: Assembler = new_assembler()
        self._lock = threading.Lock()

    def add_frame(self, image_bytes: bytes) -> ScanReport:
        """Read the QR codes in one camera frame; a bad frame is an ``error``, never an exception."""
        try:
            image = _open_image(image_bytes)
        except CompanionError as exc:
            return self._report(str(exc))
        from signer.transport.frames import decode_qr_image

        codes = decode_qr_image(image)
        with self._lock:
            error = None
            for content in codes:
                error = self._add(content) or error
            return self._report(error)

    def _add(self, content: bytes) -> str | None:
        from signer.errors import AirlockError

        if self._assembler.is_complete:
            return None  # one message per scan: what follows it in the same frame is ignored
        try:
            status = self._assembler.add(content)
        except AirlockError as exc:  # a fault of the whole message: the assembler has started over
            return f"{exc}; scan again"
        if status.complete and self._assembler.result.is_secret:
            self._assembler.reset()
            return "this QR code holds a seed: never show it to a computer. Nothing was kept"
        return None

    def payload(self) -> Payload:
        with self._lock:
            if not self._assembler.is_complete:
                raise CompanionError(f"the camera scan is not finished: {self._assembler.status.describe()}")
            return self._assembler.result

    def _report(self, error: str | None) -> ScanReport:
        status = self._assembler.status
        done = self._assembler.is_complete
        kind = str(self._assembler.result.kind) if done else None
        line = f"read: {kind}" if done else status.describe()
        return ScanReport(1.0 if done else status.progress, done, kind, line, error)


class Scans:
    """The scans of one server run, by id (a random one, so a page cannot guess another's)."""

    def __init__(self) -> None:
        self._scans: OrderedDict[str, Scan] = OrderedDict()
        self._lock = threading.Lock()

    def start(self) -> str:
        scan_id = secrets.token_urlsafe(12)
        with self._lock:
            self._scans[scan_id] = Scan()
            while len(self._scans) > MAX_SCANS:
                self._scans.popitem(last=False)
        return scan_id

    def get(self, scan_id: str) -> Scan:
        with self._lock:
            scan = self._scans.get(scan_id)
        if scan is None:
            raise CompanionError("this camera scan has expired: start the camera again")
        return scan

    def finish(self, scan_id: str) -> None:
        with self._lock:
            self._scans.pop(scan_id, None)


def _open_image(data: bytes) -> object:
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise CompanionError("the camera frame is empty")
    if len(data) > MAX_FRAME_BYTES:
        raise CompanionError(f"the camera frame is {len(data)} bytes: at most {MAX_FRAME_BYTES} are read")
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("JPEG", "PNG"):
            raise CompanionError(f"the camera frame is {image.format}, not a JPEG or PNG picture")
        if image.width * image.height > MAX_FRAME_PIXELS:
            raise CompanionError(f"the camera frame is {image.width}x{image.height}: too large to read")
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise CompanionError("the camera frame is not a readable JPEG or PNG picture") from None
    return image
