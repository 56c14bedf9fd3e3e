"""Handing a PSBT to the device and reading the signed ones back, with the signer's own transport.

Out: the binary BIP-174 file (written atomically) and, for the camera, the animated QR frames the
signer's ``encode_frames`` renders for a 240 px screen at the device's density (one PNG per frame,
shown twice as large, pixel for pixel, so a laptop screen shows them big enough).
In: PSBT files (binary or base64), text files of QR texts (what ``airlock sign`` prints), and QR
images (one frame each, or a folder of them), decoded and put together by the signer's assembler.
``Sent`` is what ``btc send``, ``btc bump`` and ``btc cpfp`` report of what they handed over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.errors import CompanionError
from companion.qr_files import is_picture, pictures_in, qr_codes_in_picture, read_limited

FRAME_SCALE = 2


@dataclass
class Sent:
    """What ``btc send`` made: the file, the frames, the txid and the device's review."""

    psbt_path: Path
    txid: str
    review: Any  # signer.chains.contract.Review
    frames: list[Path] = field(default_factory=list)

    def to_text(self) -> str:
        lines = [
            "The device will show:",
            self.review.to_text(),
            "",
            f"wrote {self.psbt_path} (txid {self.txid})",
        ]
        if self.frames:
            lines.append(f"wrote {len(self.frames)} QR frame(s) to {self.frames[0].parent}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "psbt": str(self.psbt_path),
            "txid": self.txid,
            "frames": [str(p) for p in self.frames],
            "review": self.review.to_json(),
        }


def check_density(value: int | None) -> int:
    """``--density`` as given, or the device's default; out of range is refused in one line."""
    from signer.transport.frames import DEFAULT_DENSITY, DENSITY_MODULE_PX

    if value is None:
        return DEFAULT_DENSITY
    if not 0 <= value < len(DENSITY_MODULE_PX):
        raise CompanionError(f"--density is 0 (sparse) to {len(DENSITY_MODULE_PX) - 1} (dense), not {value}")
    return value


def check_frame_folder(folder: Path) -> None:
    """Refuse, before anything is built, a ``--qr-dir`` that is a file or already holds frames."""
    if folder.exists() and not folder.is_dir():
        raise CompanionError(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.glob("frame-*.png")):
        raise CompanionError(f"{folder} already holds QR frames: give an empty or new folder")


def write_psbt(path: Path, psbt: bytes) -> None:
    from signer.atomic_file import atomic_write

    try:
        atomic_write(path, psbt, mode=0o644)
    except OSError as exc:
        raise CompanionError(f"cannot write {path}: {exc.strerror}") from None


def plan_qr(psbt: bytes, fmt: str, density: int) -> object:
    """The signer's frames for ``psbt`` (a ``FrameSet``), as the device would show them."""
    from signer.transport.errors import TransportError
    from signer.transport.frames import encode_frames

    try:
        return encode_frames(psbt, format=fmt, ur_type="crypto-psbt", bbqr_type="P", density=density)
    except TransportError as exc:
        raise CompanionError(f"cannot make QR frames: {exc}") from None


def write_frames(folder: Path, frames: object) -> list[Path]:
    """Each frame as ``frame-0001.png``...; a folder that holds other frames already is refused."""
    from PIL import Image

    from signer.atomic_file import atomic_write
    from signer.transport.frames import FrameSet

    assert isinstance(frames, FrameSet)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if any(folder.glob("frame-*.png")):
            raise CompanionError(f"{folder} already holds QR frames: give an empty or new folder")
        paths = []
        for n, image in enumerate(frames, start=1):
            path = folder / f"frame-{n:04d}.png"
            big = image.resize(
                (image.width * FRAME_SCALE, image.height * FRAME_SCALE), Image.Resampling.NEAREST
            )
            atomic_write(path, _png(big), mode=0o644)
            paths.append(path)
    except OSError as exc:
        raise CompanionError(f"cannot write QR frames to {folder}: {exc.strerror}") from None
    return paths


def _png(image: object) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="PNG")  # type: ignore[attr-defined]
    return out.getvalue()


def read_signed(paths: list[Path]) -> list[bytes]:
    """Every PSBT in ``paths``: files hold one each; QR frames, in order, make one PSBT per message."""
    from signer.btc.psbt_io import decode_psbt_bytes
    from signer.errors import AirlockError

    found: list[bytes] = []
    frames = _Frames()
    for path in _expand(paths):
        raw = read_limited(path, "a PSBT or a QR picture")
        if is_picture(path, raw):
            for frame in qr_codes_in_picture(path, raw):
                frames.add(frame, path)
            continue
        if raw.startswith(b"psbt\xff"):
            found.append(raw)
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CompanionError(f"{path} is neither a PSBT, QR texts nor a QR image") from None
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if (lines and lines[0][:3].lower() == "ur:") or (lines and lines[0].startswith("B$")):
            for line in lines:
                frames.add(line, path)
            continue
        try:
            found.append(decode_psbt_bytes(text))
        except AirlockError as exc:
            raise CompanionError(f"{path} is not a PSBT: {exc}") from None
    return found + frames.finish()


class _Frames:
    """QR frames of one or more messages in a row: a new message starts once the last is complete."""

    def __init__(self) -> None:
        from signer.chains.scanning import new_assembler

        self._new = new_assembler
        self.current = new_assembler()
        self.done: list[bytes] = []
        self.where = ""

    def add(self, frame: str | bytes, path: Path) -> None:
        from signer.errors import AirlockError

        try:
            if self.current.is_complete:
                if self.current.add(frame).accepted:
                    return  # one more frame of the message already read
                self._take()
            status = self.current.add(frame)
        except AirlockError as exc:
            raise CompanionError(f"{path}: the QR frame is not readable: {exc}") from None
        if not status.accepted:
            raise CompanionError(f"{path}: {status.outcome} QR frame: {status.reason}")
        self.where = str(path)

    def _take(self) -> None:
        from signer.transport.payload import PayloadKind

        payload = self.current.result
        if payload.kind != PayloadKind.PSBT:
            raise CompanionError(f"the QR frames up to {self.where} hold a {payload.type_label}, not a PSBT")
        self.done.append(bytes(payload.data))
        self.current = self._new()

    def finish(self) -> list[bytes]:
        if self.current.is_complete:
            self._take()
        elif self.current.status.format is not None:
            raise CompanionError(f"the QR frames are incomplete: {self.current.status.describe()}")
        return self.done


def _expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += pictures_in(path)
        else:
            out.append(path)
    return out
