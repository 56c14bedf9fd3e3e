"""Hostile sizes through the real CLI: nested JSON, image files declaring huge sizes, broken
images. Each gets one clean line with a specific reason, is refused before it allocates, and
changes nothing (the device has 512 MB and a slow CPU: a bound is checked, never hoped for)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from signer import strict_json
from signer.cli import main
from signer.keys import backup, envelope
from signer.keys.vault import Vault
from signer.transport import images
from signer.transport.errors import TransportError

PW = "correct horse battery"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def assert_one_clean_line(err: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.startswith("airlock:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "unexpected error" not in err, err


# -- JSON ------------------------------------------------------------------------------------------


def nested(depth: int) -> str:
    return '{"types": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [40, 900, 50_000])
def test_deeply_nested_json_to_sign_is_one_clean_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    request = tmp_path / "request.json"
    request.write_text(nested(depth))
    code, err = run(capsys, "sign", str(request), "--mnemonic-file", str(request))
    assert code == 2
    assert_one_clean_line(err)
    assert "nests more than" in err


def test_nested_typed_data_is_refused_by_depth() -> None:
    from signer.eth.errors import TypedDataError
    from signer.eth.typed_data import load_json

    with pytest.raises(TypedDataError, match="nests more than"):
        load_json('{"a": ' + "[" * 200 + "]" * 200 + "}")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"a": 1, "a": 2}', "appears twice"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ("{", "not valid JSON"),
        (b'{"a": "\xff"}', "not UTF-8"),
        ("[" * 33 + "]" * 33, "nests more than 32"),
        ("[" * 5000 + "]" * 5000, "nests more than 32"),
        ("1" * 2000, "more than the 1000"),
    ],
)
def test_strict_json_names_what_it_refuses(text: str | bytes, reason: str) -> None:
    with pytest.raises(strict_json.JsonRejected, match=reason):
        strict_json.loads(text, what="the test", max_bytes=len(text) if reason.startswith("nests") else 1000)


def test_strict_json_depth_is_counted_without_recursion() -> None:
    doc: list[object] = []
    for _ in range(100_000):
        doc = [doc]
    assert strict_json.depth(doc) == 100_001
    assert strict_json.depth({"a": [1, {"b": 2}]}) == 3
    assert strict_json.depth("scalar") == 0


def test_a_backup_whose_contents_nest_deeply_is_refused_and_the_vault_is_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone else's backup is hostile input even after its password opens it."""
    inner = b'{"format": "airlock-backup", "version": 1, "seeds": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    blob = envelope.seal(backup.MAGIC, inner, "backup password", envelope.TEST_KDF)
    file = tmp_path / "hostile.bin"
    file.write_bytes(blob)
    vault_path = tmp_path / "vault"
    Vault.create(vault_path, PW, envelope.TEST_KDF).lock()
    before = vault_path.read_bytes()
    pw_file = tmp_path / "pw"
    pw_file.write_text(PW)
    backup_pw = tmp_path / "backup-pw"
    backup_pw.write_text("backup password")
    code, err = run(
        capsys,
        "backup",
        "restore",
        str(file),
        "--vault",
        str(vault_path),
        "--password-file",
        str(pw_file),
        "--backup-password-file",
        str(backup_pw),
    )
    assert code != 0
    assert_one_clean_line(err)
    assert "contents are not valid" in err
    assert vault_path.read_bytes() == before


# -- images ----------------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, idat: bytes | None = None) -> bytes:
    """A grayscale PNG of white rows; ``idat`` overrides the compressed pixel data."""
    if idat is None:
        idat = zlib.compress((b"\x00" + b"\xff" * width) * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("declares-10-gigapixels.png", png(100_000, 100_000, idat=zlib.compress(b"")), "too large to read"),
        # 100 KB on disk, 81 megapixels decoded: it used to take 34 s and 1.1 GB here
        ("small-file-huge-image.png", png(9000, 9000), "9000 x 9000 pixels"),
        ("wide.png", png(20_000, 2, idat=zlib.compress(b"")), "20000 x 2 pixels"),
        ("truncated.png", png(100, 100)[:60], "damaged"),
        ("garbage-idat.png", png(100, 100, idat=b"not zlib at all"), "damaged"),
        ("header-only.png", b"\x89PNG\r\n\x1a\n", "not a readable image"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.endswith(".png") else "",
)
def test_hostile_images_to_qr_decode_are_refused_before_decoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, reason: str
) -> None:
    file = tmp_path / name
    file.write_bytes(data)
    code, err = run(capsys, "qr", "decode", str(file))
    assert code == 2
    assert_one_clean_line(err)
    assert reason in err


def test_a_qr_code_in_a_large_photo_is_still_read_after_reduction(tmp_path: Path) -> None:
    """Bounding work must not cost real use: a 12-megapixel photo with a QR code in it decodes."""
    from PIL import Image

    from signer.transport.frames import decode_qr_image, render_qr

    photo = Image.new("L", (4032, 3024), 200)
    photo.paste(render_qr("UR:BYTES/HDCXLKAHSSQZWFVSLOFZOXWKRHGWWDRTTNFL", module_px=12), (1500, 900))
    file = tmp_path / "photo.jpg"
    photo.save(file, quality=90)
    gray = images.open_gray(file.read_bytes())
    assert max(gray.shape) <= images.DECODE_SIDE
    assert decode_qr_image(gray) == [b"UR:BYTES/HDCXLKAHSSQZWFVSLOFZOXWKRHGWWDRTTNFL"]


def test_image_formats_outside_the_list_are_not_opened() -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (10, 10)).save(out, format="ICO")
    with pytest.raises(TransportError, match="not a readable image"):
        images.open_gray(out.getvalue())


# -- the last line of defence ----------------------------------------------------------------------


def test_an_unexpected_error_in_a_command_is_one_line_naming_only_its_type(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug must not print a traceback whose text could quote a secret input."""
    from signer.commands import seed

    def broken(args: object) -> int:
        raise KeyError("abandon abandon abandon")

    monkeypatch.setattr(seed, "cmd_check", broken)
    monkeypatch.delenv("AIRLOCK_DEBUG", raising=False)
    code = main(["seed", "check", "zoo"])
    err = capsys.readouterr().err
    assert code == 70
    assert "unexpected error (KeyError)" in err and "abandon" not in err and "Traceback" not in err


# -- input files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["sign", "--vault", "none", "--seed", "x"], ["qr", "decode"], ["backup", "restore", "--vault", "none"]],
)
def test_an_endless_or_huge_input_file_is_refused_not_read_into_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    huge = tmp_path / "huge.bin"
    with huge.open("wb") as fh:  # sparse: 65 MiB that take no room on disk
        fh.truncate(65 * 1024 * 1024)
    for source in (str(huge), "/dev/zero"):
        code, err = run(capsys, *command, source)
        assert code == 2, err
        assert_one_clean_line(err)
        assert "larger than 64 MiB" in err


def test_a_vault_file_larger_than_any_vault_is_not_read(tmp_path: Path) -> None:
    from signer.keys.errors import VaultCorrupt

    path = tmp_path / "vault"
    with path.open("wb") as fh:
        fh.truncate(envelope.MAX_FILE_BYTES + 1)
    for attempt in (lambda: Vault.open(path, PW), lambda: Vault.check_file(path)):
        with pytest.raises(VaultCorrupt, match="larger than any vault"):
            attempt()


def test_a_header_announcing_more_contents_than_any_vault_is_refused(tmp_path: Path) -> None:
    from signer.keys.errors import VaultCorrupt

    blob = bytearray(envelope.seal(b"AIRLOCKV", b"{}", PW, envelope.TEST_KDF))
    struct.pack_into(">I", blob, 64, 0xFFFFFFF0)
    with pytest.raises(VaultCorrupt, match="announces 4294967280 bytes"):
        envelope.read_kdf(b"AIRLOCKV", bytes(blob))


def test_every_reader_of_outside_json_bounds_its_nesting() -> None:
    """Wallet files, Krux's seeds.json and a risk-library update read through the one strict reader."""
    from signer.btc.errors import DescriptorError
    from signer.btc.multisig_formats import parse_wallet
    from signer.keys import kef_text
    from signer.risk.errors import RiskDataError
    from signer.risk.library import MAGIC, parse_library

    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(DescriptorError, match="nests more than"):
        parse_wallet('{"label": ' + deep + "}")
    assert kef_text.sd_card_entries(('{"x": ' + deep + "}").encode()) == {}
    header = deep.encode()
    with pytest.raises(RiskDataError, match="nests more than"):
        parse_library(MAGIC + struct.pack(">I", len(header)) + header)
