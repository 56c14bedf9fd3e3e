"""``airlock qr encode|decode`` through signer.cli.main: round trips for UR and BBQr (text and
PNG), published vectors, and one-line failures with the right exit codes."""

from __future__ import annotations

import io
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from shared_vectors import path as vector_path

from signer.cli import main
from signer.transport.qrcapacity import alnum_capacity

PSBT = bytes.fromhex(  # BIP-174 creator PSBT
    "70736274ff01009a020000000258e87a21b56daf0c23be8e7070456c336f7cbaa5c8757924f545887bb2abdd750000000000"
    "ffffffff838d0427d0ec650a68aa46bb0b098aea4422c071b2ca78352a077959d07cea1d0100000000ffffffff0270aaf008"
    "00000000160014d85c2b71d0060b09c9886aeb815e50991dda124d00e1f5050000000016001400aea9a2e5f0f876a588df55"
    "46e8742d1d87008f000000000000000000"
)
UR_BYTES_50 = (  # PROTOCOLS 1.1: ur:bytes of make_message(50)
    "ur:bytes/hdeymejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtgwdpfnsboxgwlbaawzuefywkdplrsrjynbvyg"
    "abwjldapfcsdwkbrkch"
)


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    captured = capsysbinary.readouterr()
    return code, captured.out, captured.err.decode()


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    file = tmp_path / name
    file.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(file)


def test_small_payload_is_one_ur(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(capsysbinary, "qr", "encode", write(tmp_path, "in.bin", b"hello airlock"))
    lines = out.decode().splitlines()
    assert code == 0 and len(lines) == 1 and lines[0].startswith("UR:BYTES/")
    code, out, _ = run(capsysbinary, "qr", "decode", write(tmp_path, "qr.txt", out))
    assert code == 0 and out == b"hello airlock"


def test_published_single_part_vector(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(capsysbinary, "qr", "decode", write(tmp_path, "v.txt", UR_BYTES_50 + "\n"))
    assert code == 0 and len(out) == 50 and out[:10].hex() == "916ec65cf77cadf55cd7"


def test_published_multipart_vector(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    parts = vector_path("ur/ur-bytes-256-wolf-frag30-parts.txt")
    if parts is None:
        pytest.skip("shared vectors absent")
    lines = [line for line in parts.read_text().split() if line.startswith("ur:")]
    random.Random(1).shuffle(lines)
    code, out, _ = run(capsysbinary, "qr", "decode", "--json", write(tmp_path, "p.txt", "\n".join(lines)))
    doc = json.loads(out)
    assert code == 0 and (doc["format"], doc["type"], doc["kind"]) == ("ur", "bytes", "bytes")
    assert len(bytes.fromhex(doc["hex"])) == 256 and doc["hex"].startswith("916ec65cf77cadf55cd7")


def test_ur_round_trip_any_order_via_stdin(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = random.Random(2).randbytes(2000)
    source = write(tmp_path, "in.bin", data)
    code, out, _ = run(capsysbinary, "qr", "encode", source, "--max-fragment-len", "100")
    pure = out.decode().splitlines()
    assert (
        code == 0
        and len(pure) == 21
        and all(p.startswith(f"UR:BYTES/{n}-21/") for n, p in enumerate(pure, 1))
    )
    code, out, _ = run(capsysbinary, "qr", "encode", source, "--max-fragment-len", "100", "--parts", "40")
    lines = out.decode().splitlines()
    assert code == 0 and len(lines) == 40 and lines[:21] == pure
    frames = lines[3:] + lines[5:9]  # first three pure parts missing: rateless parts make up for them
    random.Random(3).shuffle(frames)
    stdin(monkeypatch, "\n".join(frames).encode())
    code, out, err = run(capsysbinary, "qr", "decode")
    assert (code, err) == (0, "") and out == data


def test_psbt_ur_types(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    source = write(tmp_path, "tx.psbt", PSBT)
    for ur_type in ("crypto-psbt", "psbt"):
        code, out, _ = run(
            capsysbinary, "qr", "encode", source, "--type", ur_type, "--max-fragment-len", "50"
        )
        assert code == 0 and out.decode().startswith(f"UR:{ur_type.upper()}/1-")
        code, out, _ = run(capsysbinary, "qr", "decode", "--json", write(tmp_path, "q.txt", out))
        doc = json.loads(out)
        assert (doc["type"], doc["kind"], bytes.fromhex(doc["hex"])) == (ur_type, "psbt", PSBT)


def test_bbqr_round_trip_and_options(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    source = write(tmp_path, "tx.psbt", PSBT)
    code, out, _ = run(capsysbinary, "qr", "encode", source, "--format", "bbqr", "--type", "P")
    assert code == 0 and out.decode().startswith("B$ZP0100")
    code, out, _ = run(
        capsysbinary, "qr", "encode", source, "--format", "bbqr", "--type", "P", "--parts", "3"
    )
    parts = out.decode().splitlines()
    assert code == 0 and [p[:8] for p in parts] == ["B$ZP0300", "B$ZP0301", "B$ZP0302"]
    code, out, _ = run(capsysbinary, "qr", "encode", source, "--format", "bbqr", "--max-fragment-len", "80")
    limited = out.decode().splitlines()
    assert code == 0 and len(limited) > 1 and all(len(p) <= 80 for p in limited)
    assert all(len(p) <= alnum_capacity(3) for p in limited)
    out_file = tmp_path / "out.psbt"
    code, out, _ = run(
        capsysbinary, "qr", "decode", write(tmp_path, "b.txt", "\n".join(parts[::-1])), "-o", str(out_file)
    )
    assert (code, out) == (0, b"") and out_file.read_bytes() == PSBT
    code, out, _ = run(capsysbinary, "qr", "decode", "--json", write(tmp_path, "c.txt", "\n".join(limited)))
    doc = json.loads(out)
    assert (doc["format"], doc["type"], doc["kind"]) == ("bbqr", "B", "binary") and bytes.fromhex(
        doc["hex"]
    ) == PSBT


@pytest.mark.parametrize(("parts", "header"), [(3, "B$ZP03"), (5, "B$2P05"), (17, "B$2P0H"), (21, "B$HP0L")])
def test_bbqr_parts_fall_back_to_longer_encodings(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], parts: int, header: str
) -> None:
    """Issue 9.6: --parts K where the compressed PSBT cannot make K parts uses base32, then hex."""
    source = write(tmp_path, "tx.psbt", PSBT)
    code, out, err = run(
        capsysbinary, "qr", "encode", source, "--format", "bbqr", "--type", "P", "--parts", str(parts)
    )
    lines = out.decode().splitlines()
    assert (code, err) == (0, "") and len(lines) == parts and all(p.startswith(header) for p in lines)
    random.Random(parts).shuffle(lines)
    code, out, _ = run(capsysbinary, "qr", "decode", write(tmp_path, "parts.txt", "\n".join(lines)))
    assert (code, out) == (0, PSBT)


def test_png_frames_decode_back(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    data = random.Random(4).randbytes(600)
    source = write(tmp_path, "in.bin", data)
    for fmt in ("ur", "bbqr"):
        png_dir = tmp_path / f"png-{fmt}"
        code, out, _ = run(
            capsysbinary,
            "qr",
            "encode",
            source,
            "--format",
            fmt,
            "--max-fragment-len",
            "120",
            "--png-dir",
            str(png_dir),
        )
        lines = out.decode().splitlines()
        pngs = sorted(png_dir.glob("frame-*.png"))
        assert code == 0 and len(pngs) == len(lines) > 1
        shuffled = [str(p) for p in pngs]
        random.Random(5).shuffle(shuffled)
        code, out, err = run(capsysbinary, "qr", "decode", *shuffled)
        assert (code, err) == (0, "") and out == data
        # images and text lines mixed
        code, out, _ = run(
            capsysbinary, "qr", "decode", str(pngs[0]), write(tmp_path, f"{fmt}.txt", "\n".join(lines[1:]))
        )
        assert code == 0 and out == data


def test_incomplete_input_fails_with_a_count(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    source = write(tmp_path, "in.bin", random.Random(6).randbytes(1000))
    _, out, _ = run(capsysbinary, "qr", "encode", source, "--max-fragment-len", "100")
    lines = out.decode().splitlines()
    code, out, err = run(capsysbinary, "qr", "decode", write(tmp_path, "some.txt", "\n".join(lines[:7])))
    assert code == 1 and out == b"" and err.strip() == f"airlock: incomplete: 7 of {len(lines)} fragments"
    _, out, _ = run(capsysbinary, "qr", "encode", source, "--format", "bbqr", "--max-fragment-len", "100")
    parts = out.decode().splitlines()
    code, _, err = run(capsysbinary, "qr", "decode", write(tmp_path, "b.txt", "\n".join(parts[1:])))
    assert code == 1 and err.strip() == f"airlock: incomplete: {len(parts) - 1} of {len(parts)} parts"


def test_mixed_messages_and_garbage_fail(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    a = write(tmp_path, "a.bin", random.Random(7).randbytes(500))
    b = write(tmp_path, "b.bin", random.Random(8).randbytes(500))
    _, out_a, _ = run(capsysbinary, "qr", "encode", a, "--max-fragment-len", "100")
    _, out_b, _ = run(capsysbinary, "qr", "encode", b, "--max-fragment-len", "100")
    mixed = out_a.decode().splitlines()[:2] + out_b.decode().splitlines()[:1]
    code, out, err = run(capsysbinary, "qr", "decode", write(tmp_path, "mixed.txt", "\n".join(mixed)))
    assert code == 1 and out == b"" and "line 3: foreign frame" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(
        capsysbinary,
        "qr",
        "decode",
        write(tmp_path, "junk.txt", out_a.decode().splitlines()[0] + "\n\nnot a qr\n"),
    )
    assert code == 1 and "line 3: garbage frame: not an Airlock request: plain text" in err


def test_seedqr_is_never_printed(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    digits = "192402220235174306311124037817700641198012901210"  # SeedSigner spec example
    source = write(tmp_path, "seed.txt", digits)
    for extra in ([], ["--json"]):
        code, out, err = run(capsysbinary, "qr", "decode", source, *extra)
        assert code == 3 and out == b"" and "-o FILE" in err and digits[:8] not in err
    target = tmp_path / "entropy.bin"
    code, out, _ = run(capsysbinary, "qr", "decode", source, "-o", str(target))
    assert (code, out) == (0, b"") and target.read_bytes().hex() == "f0837875ecf4ef190bd6ea503ef2854b"
    assert target.stat().st_mode & 0o777 == 0o600  # a seed: readable by its owner only
    target.write_bytes(b"older")
    target.chmod(0o644)
    assert run(capsysbinary, "qr", "decode", source, "-o", str(target))[0] == 0
    assert target.stat().st_mode & 0o777 == 0o600 and len(target.read_bytes()) == 16  # replaced whole


def test_mnemonic_text_qr_is_a_seed_never_printed(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], secret_input: Callable[[str, str], Path]
) -> None:
    words = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    source = str(secret_input("words.txt", words.upper() + "\n"))
    code, out, err = run(capsysbinary, "qr", "decode", source)
    assert code == 3 and out == b"" and "holds a mnemonic seed" in err and "LEGAL" not in err
    target = tmp_path / "entropy.bin"
    code, _, _ = run(capsysbinary, "qr", "decode", source, "-o", str(target))
    assert code == 0 and target.read_bytes().hex() == "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f"
    bad = str(secret_input("bad.txt", words.replace("yellow", "winner")))
    code, out, err = run(capsysbinary, "qr", "decode", bad)
    assert code == 1 and out == b"" and "checksum does not match" in err and "winner" not in err


@pytest.mark.parametrize(
    ("argv", "data", "code", "words"),
    [
        (["--type", "psbt"], b"not a psbt", 2, "binary PSBT"),
        (["--format", "bbqr", "--type", "P"], b"not a psbt", 2, "binary PSBT"),
        (["--format", "bbqr", "--type", "T"], b"\x01\x02", 2, "raw Bitcoin transaction"),
        (["--format", "bbqr", "--type", "J"], b"{nope", 2, "JSON"),
        (["--format", "bbqr", "--type", "U"], b"\xff", 2, "UTF-8"),
        (["--type", "P"], b"data", 2, "UR type must be"),
        (["--format", "bbqr", "--type", "bytes"], b"data", 2, "BBQr type must be"),
        (["--max-fragment-len", "5"], b"data", 2, "at least 10"),
        (["--format", "bbqr", "--max-fragment-len", "20"], b"data", 2, "at least 25"),
        (["--parts", "0"], b"data", 2, "at least 1"),
        (["--format", "bbqr", "--parts", "9"], b"tiny", 1, "too short: at most 1 part"),
        ([], b"", 2, "empty"),
    ],
)
def test_encode_refusals(
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    argv: list[str],
    data: bytes,
    code: int,
    words: str,
) -> None:
    result, out, err = run(capsysbinary, "qr", "encode", write(tmp_path, "in.bin", data), *argv)
    assert result == code and out == b"" and words in err and err.startswith("airlock: ")


def test_decode_input_errors(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    from signer.transport.frames import render_qr

    blank = tmp_path / "blank.png"
    render_qr("X", module_px=1).crop((0, 0, 3, 3)).resize((100, 100)).save(blank)
    code, _, err = run(capsysbinary, "qr", "decode", str(blank))
    assert code == 1 and "no QR code found" in err
    code, _, err = run(
        capsysbinary, "qr", "decode", write(tmp_path, "bad.png", b"\x89PNG\r\n\x1a\nnot really")
    )
    assert code == 2 and "not a readable image" in err
    code, _, err = run(capsysbinary, "qr", "decode", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read" in err
    code, _, err = run(capsysbinary, "qr", "decode", write(tmp_path, "bin.dat", b"\xff\xfe\x00\x01"))
    assert code == 2 and "neither UTF-8 text nor an image" in err
    stdin(monkeypatch, b"\n\n")
    code, _, err = run(capsysbinary, "qr", "decode")
    assert code == 1 and "no QR data" in err


def test_a_damaged_image_is_one_line_without_the_image_librarys_warnings(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """A TIFF whose header points past its end made Pillow warn ("Corrupt EXIF data...") on the
    terminal, lines of library paths before the one-line refusal."""
    import warnings

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (40, 40), 255).save(buffer, format="TIFF")
    damaged = bytearray(buffer.getvalue())
    damaged[4] = 0xFF  # the offset of the first directory: now past the end of the file
    path = tmp_path / "damaged.tif"
    path.write_bytes(bytes(damaged))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["qr", "decode", str(path)])
    err = capsysbinary.readouterr().err.decode()
    assert [str(w.message) for w in caught] == []
    assert code == 2 and err.count("\n") == 1 and err.startswith("airlock: ") and "image" in err


def test_a_folder_of_camera_frames_decodes_skipping_frames_without_a_code(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """Camera frames as the device sees them: some hold no readable code (the camera moved, looked
    away). Those are skipped and counted; the command fails only when the message is incomplete."""
    import numpy as np
    from PIL import Image

    from signer.transport.frames import encode_frames

    data = random.Random(11).randbytes(700)
    frame_set = encode_frames(data, ur_type="bytes")
    folder = tmp_path / "camera"
    folder.mkdir()
    rng = np.random.default_rng(4)
    for n in range(len(frame_set)):
        Image.fromarray(np.asarray(frame_set.image(n))).save(folder / f"{2 * n:04d}.png")
        noise = rng.integers(60, 200, (480, 640)).astype(np.uint8)  # a frame with no code in view
        Image.fromarray(noise).save(folder / f"{2 * n + 1:04d}.jpg")
    code, out, err = run(capsysbinary, "qr", "decode", str(folder))
    assert (code, out) == (0, data)
    assert err == f"read {len(frame_set)} of {2 * len(frame_set)} frames\n"

    first_only = [str(folder / "0000.png"), str(folder / "0001.jpg")]
    code, out, err = run(capsysbinary, "qr", "decode", *first_only)
    assert code == 1 and out == b"" and err.splitlines()[0] == "read 1 of 2 frames"
    assert err.splitlines()[1].startswith("airlock: incomplete: 1 of ")
    code, _, err = run(capsysbinary, "qr", "decode", str(folder / "0001.jpg"), str(folder / "0003.jpg"))
    assert code == 1 and err.splitlines()[-1] == "airlock: no QR code found in any of the 2 pictures"
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsysbinary, "qr", "decode", str(empty))
    assert code == 2 and "holds no pictures" in err
