"""Files the companion reads back from the device: QR pictures (one frame each, or a folder of them).

The command-line readers of signed PSBTs (``btc``) and Ethereum signatures (``eth``) take the same
kinds of files; this is their one reader of pictures, with one size limit, so a picture both accept
decodes the same way and fails with the same error.
"""

from __future__ import annotations

from pathlib import Path

from companion.errors import CompanionError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"})
MAX_FILE = 16 * 1024 * 1024  # a PSBT, a signature or a QR picture is far smaller
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff\xe0", b"GIF8")


def pictures_in(folder: Path) -> list[Path]:
    """The picture files in ``folder``, in name order (the order the frames were saved in)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def read_limited(path: Path, what: str) -> bytes:
    """The bytes of ``path``; a one-line error naming ``what`` it should be when it is far too large."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise CompanionError(f"{path} is {size} bytes: not {what}")
        return path.read_bytes()
    except OSError as exc:
        raise CompanionError(f"cannot read {path}: {exc.strerror}") from None


def is_picture(path: Path, raw: bytes) -> bool:
    """Whether ``raw`` (read from ``path``) is a picture, by its name or its first bytes."""
    return path.suffix.lower() in IMAGE_SUFFIXES or raw[:4] in _IMAGE_MAGIC


def qr_codes_in_picture(path: Path, raw: bytes) -> list[bytes]:
    """The QR codes a picture shows (at least one), decoded by the device's own reader."""
    from signer.transport.errors import TransportError
    from signer.transport.frames import decode_qr_image
    from signer.transport.images import open_gray

    try:
        found = decode_qr_image(open_gray(raw, str(path)))
    except TransportError as exc:
        raise CompanionError(str(exc)) from None
    if not found:
        raise CompanionError(f"{path}: no QR code found in the image")
    return found
