"""``airlock qr encode|decode``: a file as UR / BBQr QR texts (and PNG frames), and back.

encode prints one QR text per line, upper case (QR alphanumeric mode): for UR every pure
fragment once, then rateless parts up to ``--parts``; for BBQr every part once.

decode reads QR texts one per line and/or images (PNG, JPEG...) and folders of them, in any order
with repeats, assembles exactly one message and writes its payload bytes: the inner byte string for
``ur:bytes`` and ``ur:(crypto-)psbt``, the CBOR body for other UR types, the file for BBQr. A
picture without a readable QR code is skipped as the device skips such a camera frame, and counted
("read X of Y frames" on stderr). Unreadable lines, parts of a second message and incomplete input
end with a one-line reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from signer import strict_json
from signer.commands._common import read_bytes_file
from signer.errors import Refusal, UsageError

# Every command module is imported to build the parser (``airlock --help``, on a Pi Zero): what the
# QR commands need (the transport: cbor2, qrcode, zxing-cpp, Pillow) is imported by the functions that
# run it.

UR_TYPES = ("bytes", "crypto-psbt", "psbt")
BBQR_TYPES = ("P", "T", "J", "U", "B", "C")
DEFAULT_UR_FRAGMENT = 200
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"BM", b"GIF87a", b"GIF89a", b"RIFF")
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("qr", help="encode a file as UR/BBQr QR codes, or decode scanned QR codes")
    cmds = parser.add_subparsers(dest="qr_command", required=True, metavar="ACTION")

    enc = cmds.add_parser("encode", help="print the QR texts (one per line) that carry FILE")
    enc.add_argument("file", metavar="FILE", help="payload bytes (- for stdin)")
    enc.add_argument("--format", choices=("ur", "bbqr"), default="ur", help="transport format (default ur)")
    enc.add_argument(
        "--type",
        dest="payload_type",
        metavar="TYPE",
        help=f"UR type {'|'.join(UR_TYPES)} (default bytes) or BBQr type {'|'.join(BBQR_TYPES)} (default B)",
    )
    enc.add_argument(
        "--max-fragment-len",
        type=int,
        metavar="N",
        help=f"UR: payload bytes per fragment (default {DEFAULT_UR_FRAGMENT}); "
        "BBQr: characters per QR code, header included",
    )
    enc.add_argument(
        "--parts",
        type=int,
        metavar="K",
        help="UR: print K parts in all (at least every fragment once); BBQr: split into exactly K parts "
        "(in base32 or hex when the compressed form cannot make K parts)",
    )
    enc.add_argument("--png-dir", metavar="DIR", help="also write each QR code as DIR/frame-NNNN.png")
    enc.set_defaults(func=cmd_encode)

    dec = cmds.add_parser("decode", help="assemble QR texts (one per line) and/or QR images into the payload")
    dec.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="text files, pictures, or folders of camera frames (default: stdin text); "
        "a picture without a readable QR code is skipped and counted",
    )
    dec.add_argument("--json", action="store_true", help='print {"format", "type", "kind", "hex"} instead')
    dec.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    dec.set_defaults(func=cmd_decode)


# --- encode --------------------------------------------------------------------------------------


def _check_payload(data: bytes, fmt: str, payload_type: str) -> None:
    from signer.transport import plain

    if not data:
        raise UsageError("the input is empty: nothing to encode")
    if payload_type in ("crypto-psbt", "psbt", "P") and not data.startswith(plain.PSBT_MAGIC):
        raise UsageError(f"--type {payload_type} needs a binary PSBT (the input lacks the 'psbt\\xff' magic)")
    if payload_type == "T" and not plain.is_transaction(data):
        raise UsageError("--type T needs a raw Bitcoin transaction")
    if payload_type in ("J", "U"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"--type {payload_type} needs UTF-8 text") from None
        if payload_type == "J":
            try:
                strict_json.loads(text, what="the --type J file")
            except strict_json.JsonRejected as exc:
                raise UsageError(f"--type J needs a JSON document: {exc}") from None


def encode_texts(
    data: bytes,
    fmt: str,
    payload_type: str | None,
    max_fragment_len: int | None,
    parts: int | None,
) -> list[str]:
    """The QR texts for ``data`` (upper case), as ``airlock qr encode`` prints them."""
    if parts is not None and parts < 1:
        raise UsageError("--parts must be at least 1")
    if max_fragment_len is not None and max_fragment_len < 1:
        raise UsageError("--max-fragment-len must be positive")
    if fmt == "ur":
        from signer.transport.frames import wrap_ur
        from signer.transport.ur import UREncoder

        ur_type = payload_type or "bytes"
        if ur_type not in UR_TYPES:
            raise UsageError(f"UR type must be one of {', '.join(UR_TYPES)}")
        _check_payload(data, fmt, ur_type)
        fragment = max_fragment_len or DEFAULT_UR_FRAGMENT
        if fragment < 10:
            raise UsageError("--max-fragment-len must be at least 10 bytes for UR")
        encoder = UREncoder(wrap_ur(data, ur_type), fragment)
        count = 1 if encoder.is_single_part else max(encoder.seq_len, parts or 0)
        return [encoder.next_part().upper() for _ in range(count)]

    from signer.transport import bbqr
    from signer.transport.qrcapacity import alnum_capacity

    file_type = payload_type or "B"
    if file_type not in BBQR_TYPES:
        raise UsageError(f"BBQr type must be one of {', '.join(BBQR_TYPES)}")
    _check_payload(data, fmt, file_type)
    min_split, max_split, min_version, max_version = 1, bbqr.MAX_PARTS, 5, 40  # bbqr.split's defaults
    if max_fragment_len is not None:
        fitting = [v for v in range(1, 41) if alnum_capacity(v, "L") <= max_fragment_len]
        if not fitting:
            raise UsageError(
                f"--max-fragment-len for BBQr must be at least {alnum_capacity(1, 'L')} characters"
            )
        max_version = fitting[-1]
        min_version = min(5, fitting[-1])
    if parts is not None:
        min_split, max_split, min_version = parts, parts, 1
    split = bbqr.split(
        data,
        file_type,
        min_split=min_split,
        max_split=max_split,
        min_version=min_version,
        max_version=max_version,
    )
    return list(split.parts)


def cmd_encode(args: argparse.Namespace) -> int:
    data = read_bytes_file(args.file)
    texts = encode_texts(data, args.format, args.payload_type, args.max_fragment_len, args.parts)
    if args.png_dir:
        write_pngs(texts, Path(args.png_dir))
    sys.stdout.write("".join(t + "\n" for t in texts))
    return 0


def write_pngs(texts: list[str], folder: Path) -> list[Path]:
    from signer.transport.frames import render_qr

    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for n, text in enumerate(texts, start=1):
            path = folder / f"frame-{n:04d}.png"
            render_qr(text, ecc="L", module_px=4, quiet_zone=4).save(path)
            paths.append(path)
    except OSError as exc:
        raise UsageError(f"cannot write PNG frames to {folder}: {exc.strerror}") from None
    return paths


# --- decode --------------------------------------------------------------------------------------


def _is_image(name: str, head: bytes) -> bool:
    return Path(name).suffix.lower() in _IMAGE_SUFFIXES or head.startswith(_IMAGE_MAGIC)


def _input_names(names: list[str]) -> list[str]:
    """The inputs with each folder replaced by its pictures, in name order (a camera's frames)."""
    out: list[str] = []
    for name in names:
        folder = Path(name)
        if name != "-" and folder.is_dir():
            pictures = sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)
            if not pictures:
                raise UsageError(f"{name} holds no pictures ({', '.join(sorted(_IMAGE_SUFFIXES))})")
            out.extend(pictures)
        else:
            out.append(name)
    return out


def _read_image(label: str, raw: bytes) -> list[bytes]:
    """The QR codes in one picture, read as the device reads a camera frame ([] if none)."""
    from signer.transport.errors import TransportError
    from signer.transport.frames import decode_qr_image
    from signer.transport.images import open_gray

    try:
        gray = open_gray(raw, label)
    except TransportError as exc:  # an unusable input file, like an unreadable one
        raise UsageError(str(exc)) from None
    return decode_qr_image(gray)


def decode_inputs(names: list[str], note: Callable[[str], None] | None = None) -> object:
    """Feed every frame of ``names`` to one Assembler; return its Payload (TransportError if not).

    Text inputs give a frame a line. A picture with no readable QR code is skipped, as the device
    skips a camera frame: when some were, ``note`` is told "read X of Y frames"."""
    from signer.chains.scanning import new_assembler
    from signer.transport.errors import TransportError

    assembler = new_assembler()
    pictures = read = 0
    last_picture = ""
    for name in _input_names(names or ["-"]):
        raw = read_bytes_file(name)
        label = "stdin" if name == "-" else name
        if _is_image(name, raw[:8]):
            pictures += 1
            last_picture = label
            found = _read_image(label, raw)
            read += bool(found)
            frames: list[tuple[str, str | bytes]] = [(label, frame) for frame in found]
        else:
            frames = _text_lines(label, raw)
        for where, frame in frames:
            status = assembler.add(frame)
            if not status.accepted:
                raise TransportError(f"{where}: {status.outcome} frame: {status.reason}")
    if read < pictures and note is not None:
        note(f"read {read} of {pictures} frames")
    if not assembler.is_complete:
        status = assembler.status
        if status.format is None:
            if pictures and not read:
                where = last_picture if pictures == 1 else f"any of the {pictures} pictures"
                raise TransportError(f"no QR code found in {where}")
            raise TransportError("no QR data in the input")
        unit = "fragments" if status.format == "ur" else "parts"
        raise TransportError(f"incomplete: {status.received} of {status.expected} {unit}")
    return assembler.result


def _text_lines(label: str, raw: bytes) -> list[tuple[str, str | bytes]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{label} is neither UTF-8 text nor an image") from None
    return [
        (f"{label} line {n}", line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()
    ]


def cmd_decode(args: argparse.Namespace) -> int:
    from signer.transport.payload import Payload

    payload = decode_inputs(args.files, note=lambda line: print(line, file=sys.stderr, flush=True))
    assert isinstance(payload, Payload)
    if payload.is_secret and not args.output:
        raise Refusal(f"the QR holds a {payload.type_label} seed; it is never printed: write it with -o FILE")
    if args.json:
        doc = {
            "format": payload.format,
            "type": payload.type_label,
            "kind": payload.kind,
            "hex": payload.data.hex(),
        }
        out = (json.dumps(doc) + "\n").encode()
    else:
        out = payload.data
    if args.output:
        from signer.atomic_file import atomic_write

        try:  # it may be a seed: written whole or not at all, readable by its owner only
            atomic_write(Path(args.output), out)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.buffer.write(out)
        sys.stdout.flush()
    return 0
