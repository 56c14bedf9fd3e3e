"""Live camera preview that reads QR codes (single or animated) until one message is complete.

Frames go to the transport ``Assembler`` (as ``signer.chains.scanning`` builds it), which recognises
every format (UR, BBQr, SeedQR, plain) and reports progress; a progress bar fills while the parts of
an animated QR arrive. The finished
payload is handed to ``on_payload``. Errors of a whole message are shown and scanning restarts; the
status under the preview wraps, so it is never cut off. Without a camera, or when it stops, the scan
gives way to a screen that says so and what to check, and OK goes back to the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from signer.chains.scanning import new_assembler
from signer.review import Severity
from signer.transport.errors import TransportError
from signer.transport.frame_reader import FrameReader
from signer.transport.plain import NOT_A_REQUEST
from ui import text, theme
from ui.events import Input, Key, Kind
from ui.screen import Action, Content, Pop, RecordingDraw, Redraw, Replace, Screen, draw_progress
from ui.screens.message import Message, error
from ui.session import CameraError, CameraStopped

if TYPE_CHECKING:
    from signer.transport.assembler import AssemblyStatus
    from signer.transport.payload import Payload
    from ui.session import Session

STALL_S = 20.0  # a partial scan that learns nothing new for this long no longer holds off auto-lock
STATUS_LINES = 5  # the status under the preview wraps to at most this many lines


class ScanScreen(Screen):
    def __init__(
        self,
        session: Session,
        title: str,
        on_payload: Callable[[Payload], Action | None],
        *,
        expect: frozenset[str] | None = None,
        expect_label: str = "",
        on_raw: Callable[[bytes], Action | None] | None = None,
        secret: bool = False,
    ) -> None:
        self.secret = secret  # the preview shows a secret (a SeedQR, a share card): never captured
        self.session = session
        self.title = title
        self.on_payload = on_payload
        self.expect = expect
        self.expect_label = expect_label
        self.on_raw = on_raw
        self.assembler = new_assembler()
        self.status: AssemblyStatus = self.assembler.status
        self.preview: Image.Image | None = None
        self.error: str | None = None
        self.frames_seen = 0
        # on the device the QR codes are read on a worker thread, off the drawing path
        self.reader = FrameReader(threaded=session.read_qr_in_background)
        self.now: float | None = None
        self._progress_at: float | None = None  # when the last new part arrived

    @property
    def busy(self) -> bool:  # type: ignore[override]  # read-only: it follows the scan's progress
        """An animated QR is coming in: auto-lock waits, but only while new parts keep arriving (a
        code that never completes, e.g. one frozen frame of an animation, must not keep the device
        unlocked)."""
        if self.status.format is None or self.status.complete:
            return False
        if self.now is None or self._progress_at is None:
            return False
        return self.now - self._progress_at < STALL_S

    def progress_text(self) -> str:
        status = self.status
        if self.preview is None:
            return "Waiting for the camera..."
        if status.format is None:
            return "Point the camera at a QR code"
        if status.expected:
            return f"{status.received} of {status.expected} parts"
        return "Reading..."

    def content(self) -> Content:
        warnings = [(Severity.DANGER, self.error)] if self.error else []
        return Content(
            self.title,
            lines=[self.progress_text()],
            warnings=warnings,
            secret=self.secret,
            extra={
                "progress": self.status.progress,
                "format": self.status.format,
                "frames": self.frames_seen,
            },
        )

    def on_input(self, event: Input) -> Action | None:
        if event.kind != Kind.PRESS:
            return None
        if event.key in (Key.KEY3, Key.LEFT):
            return Pop(None)
        if event.key == Key.KEY1:  # start over (e.g. after scanning the wrong code)
            self.reader.forget()
            self.assembler.reset()
            self.status = self.assembler.status
            self.error = None
            return Redraw()
        return None

    def on_tick(self, now: float) -> Action | None:
        self.now = now
        if self.session.camera is None:
            return Replace(camera_trouble(self.session))
        try:
            frame = self.session.camera_gray()
        except CameraError as exc:
            return Replace(camera_trouble(self.session, exc))
        if frame is not None:
            self.frames_seen += 1
            self.preview = _square(frame)
            self.reader.submit(frame)
        reads = self.reader.take()
        for read in reads:
            if read.error is not None:
                self.error = text.sentence(read.error)
                continue
            for content in read.found:
                action = self._take(content)
                if action is not None:
                    return action
        return Redraw() if frame is not None or reads else None

    def _take(self, content: bytes) -> Action | None:
        if self.on_raw is not None:
            action = self.on_raw(content)
            if action is not None:
                return action
        try:
            self.status = self.assembler.add(content)
        except TransportError as exc:
            self.error = text.sentence(str(exc))
            self.status = self.assembler.status
            return None
        if self.status.outcome == "new":
            self._progress_at = self.now
        if self.status.outcome == "garbage" and self.status.format is None and self.status.reason:
            self.error = garbage_text(self.status.reason)
        if self.status.outcome == "foreign":
            self.error = "A QR code of another message; KEY1 starts over."
        if not self.assembler.is_complete:
            return None
        payload = self.assembler.result
        self.reader.forget()  # frames of this message still being read are not the next one's
        self.assembler.reset()
        self.status = self.assembler.status
        if self.expect is not None and payload.kind not in self.expect:
            self.error = wrong_kind_text(payload.kind, self.expect_label or " or ".join(sorted(self.expect)))
            return None
        self.error = None
        return self.on_payload(payload) or Redraw()

    # -- drawing ----------------------------------------------------------------------------
    def render(self) -> Image.Image:
        image = self.preview.copy() if self.preview is not None else Image.new("RGB", theme.SIZE, theme.BG)
        draw = RecordingDraw(image)
        draw.rectangle((0, 0, theme.WIDTH, 24), fill=theme.BG)
        draw.text(
            (theme.WIDTH / 2, 12),
            text.ellipsize(self.title, theme.WIDTH - 8, theme.BODY),
            fill=theme.FG,
            font=theme.font(),
            anchor="mm",
        )
        bar = (self.status.progress, theme.OK if self.status.complete else theme.ACCENT)
        if self.error:
            draw_status(draw, self.error, theme.DANGER, bar)
        else:
            draw_status(draw, self.progress_text(), theme.FG, bar)
        self.drawn = draw.drawn
        return image

    def draw_body(self, image: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:  # pragma: no cover
        pass


def status_lines(message: str) -> list[str]:
    """A status wrapped to the screen's width, at most ``STATUS_LINES`` lines."""
    lines = text.wrap(message, theme.CONTENT_W, theme.SMALL)
    if len(lines) > STATUS_LINES:  # no status is this long; were one, its end would be visibly cut
        rest = " ".join(lines[STATUS_LINES - 1 :])
        lines = [*lines[: STATUS_LINES - 1], text.ellipsize(rest, theme.CONTENT_W, theme.SMALL)]
    return lines


def draw_status(
    draw: ImageDraw.ImageDraw,
    message: str,
    colour: tuple[int, int, int],
    bar: tuple[float, tuple[int, int, int]] | None = None,
) -> None:
    """A panel at the bottom of a camera preview: a progress ``bar`` (fraction, colour), then the
    message wrapped; the panel grows upwards with the message."""
    lines = status_lines(message)
    line_h = text.line_height(theme.SMALL)
    pad = 20 if bar is not None else 4
    top = theme.HEIGHT - pad - len(lines) * line_h - 5
    draw.rectangle((0, top, theme.WIDTH, theme.HEIGHT), fill=theme.BG)
    if bar is not None:
        draw_progress(draw, (theme.MARGIN, top + 6, theme.WIDTH - theme.MARGIN, top + 14), bar[0], bar[1])
    for i, line in enumerate(lines):
        centre = top + pad + line_h / 2 + i * line_h
        draw.text((theme.WIDTH / 2, centre), line, fill=colour, font=theme.font(theme.SMALL), anchor="mm")


def garbage_text(reason: str) -> str:
    """The status for a code that was read but cannot be used, e.g. "Not an Airlock request: a web
    link" (what it holds) or "Cannot use this code: <what is wrong with it>"."""
    if reason.startswith(NOT_A_REQUEST):
        return text.sentence(reason)
    return text.sentence(f"Cannot use this code: {reason}")


def wrong_kind_text(kind: str, wanted: str) -> str:
    """The status for a code that holds something else than this scan is for."""
    return f"This QR code holds {_kind_name(kind)}, not {wanted}."


def camera_trouble(session: Session, problem: CameraError | None = None) -> Message:
    """What a scan shows instead when there is no camera (``problem`` None), the camera could not be
    opened, or it stopped: what is wrong and what to check. OK goes back."""
    if isinstance(problem, CameraStopped):
        title, what = "Camera stopped", str(problem)
    else:
        title, what = "No camera found", str(problem) if problem is not None else session.camera_problem
    return error(title, f"{text.sentence(what)} {session.camera_help}")


def _square(frame: Any) -> Image.Image:
    """Centre square of the frame (a PIL image or a gray array), scaled to the screen, in RGB."""
    if not isinstance(frame, Image.Image):
        height, width = frame.shape[:2]
        side = min(width, height)
        top, left = (height - side) // 2, (width - side) // 2
        square = Image.fromarray(frame[top : top + side, left : left + side])
        factor = side // theme.WIDTH
        if factor >= 2:  # a box average by a whole factor first: a fifth of a resize's time
            square = square.reduce(factor)
        if square.size != theme.SIZE:
            square = square.resize(theme.SIZE, Image.Resampling.BILINEAR)
        return square.convert("RGB")
    width, height = frame.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return frame.crop((left, top, left + side, top + side)).resize(theme.SIZE, Image.Resampling.BILINEAR)


KIND_NAMES = {
    "psbt": "a Bitcoin transaction (PSBT)",
    "bitcoin-tx": "a finished Bitcoin transaction",
    "eth-sign-request": "an Ethereum signing request",
    "eth-signature": "an Ethereum signature",
    "hdkey": "a public key",
    "account": "an account export",
    "multi-accounts": "an account export",
    "output-descriptor": "a wallet descriptor",
    "seed": "a seed (SeedQR)",
    "bytes": "binary data",
    "bitcoin-address": "a Bitcoin address",
    "bip21": "a Bitcoin payment request",
    "eth-address": "an Ethereum address",
    "eip681": "an Ethereum payment request",
    "btc-sign-message": "a Bitcoin message to sign",
    "descriptor-text": "a wallet descriptor",
    "json": "a JSON document",
    "text": "text",
    "binary": "binary data",
    "cbor": "data of an unknown type",
}


def _kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


def kind_name(kind: str) -> str:
    return _kind_name(kind)


def frame_bytes(frame: Any) -> bytes:
    """The raw pixel bytes of a frame (for camera entropy)."""
    if isinstance(frame, Image.Image):
        return frame.tobytes()
    import numpy as np  # only a camera that gives arrays (OpenCV, picamera2) has numpy loaded already

    return np.ascontiguousarray(frame).tobytes()
