"""Printers: ESC/POS bytes read back by the simulated printer (QR decoded from the paper), PDF/PNG."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import numpy as np
import pytest
import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from hardware.errors import ConfigError, InvalidFrame, PanelProtocolError
from hardware.printer.escpos import EscPosPrinter, raster_commands, to_bitmap
from hardware.printer.pdf import PdfPrinter, write_pdf, write_pngs
from hardware.printer.sim_escpos import EscPosPaper, SimulatedEscPosSink, parse_escpos
from hardware.printer.sinks import FileSink, MemorySink, SerialSink
from signer.transport.frames import decode_qr_image

CARD_TEXT = "airlock test card 2 of 3: not a secret"


def qr_card(text: str = CARD_TEXT) -> Image.Image:
    """A share-card-like image: a QR code under a caption band, 300 dots wide."""
    qr = qrcode.make(text, box_size=6, border=4).get_image().convert("L")
    card = Image.new("L", (300, qr.height + 40), 255)
    card.paste(qr, ((300 - qr.width) // 2, 40))
    return card


def test_printed_qr_decodes_back_to_its_text() -> None:
    sink = SimulatedEscPosSink()
    EscPosPrinter(sink).print_image(qr_card())
    pages = sink.paper.images()
    assert len(pages) == 1 and pages[0].width == 384
    assert decode_qr_image(pages[0]) == [CARD_TEXT.encode()]


def test_raster_is_centred_and_dot_exact() -> None:
    image = Image.new("L", (100, 20), 0)  # all black, 100 dots wide
    sink = SimulatedEscPosSink()
    EscPosPrinter(sink, feed=0).print_image(image)
    paper = np.asarray(sink.paper.images()[0]) == 0
    assert paper.shape == (20, 384)
    columns = np.flatnonzero(paper.any(axis=0))
    assert (columns[0], columns[-1]) == (142, 241)
    assert paper[:, 142:242].all()


@settings(max_examples=30, deadline=None)
@given(
    width_bytes=st.integers(1, 48),
    height=st.integers(1, 150),
    band=st.integers(1, 80),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_bitmap_round_trips_through_the_bytes(
    width_bytes: int, height: int, band: int, seed: int
) -> None:
    bits = np.random.default_rng(seed).random((height, width_bytes * 8)) < 0.5
    paper = EscPosPaper(width_dots=width_bytes * 8)
    paper.feed(raster_commands(bits, band_rows=band))
    assert len(paper.rasters) == -(-height // band)
    np.testing.assert_array_equal(np.asarray(paper.images()[0]) == 0, bits)


def test_job_layout_bands_feed_and_cut() -> None:
    sink = SimulatedEscPosSink()
    printer = EscPosPrinter(sink, band_rows=64, feed=3, cut=True)
    printer.print_image(Image.new("L", (384, 150), 255))
    printer.print_image(Image.new("L", (384, 10), 0))
    assert sink.data.startswith(b"\x1b@")
    assert [r[2] for r in sink.paper.rasters] == [64, 64, 22, 10]
    pages = sink.paper.images()
    assert [p.height for p in pages] == [150 + 3 * 30, 10 + 3 * 30]  # image rows + 3 lines of 30 dots


def test_threshold_and_dither() -> None:
    grey = Image.new("L", (384, 40), 100)
    light = Image.new("L", (384, 40), 200)
    assert to_bitmap(grey, 384).all() and not to_bitmap(light, 384).any()
    dithered = to_bitmap(grey, 384, dither=True)
    assert 0.4 < dithered.mean() < 0.8  # about 60 % dark dots for a 100/255 grey


def test_images_wider_than_the_paper() -> None:
    wide = Image.new("L", (500, 50), 0)
    with pytest.raises(InvalidFrame, match="500 dots wide"):
        EscPosPrinter(MemorySink()).print_image(wide)
    sink = SimulatedEscPosSink()
    EscPosPrinter(sink, fit=True, feed=0).print_image(wide)
    assert sink.paper.images()[0].size == (384, 38)


@pytest.mark.parametrize(
    "options", [{"width_dots": 380}, {"feed": 300}, {"band_rows": 0}, {"threshold": 300}]
)
def test_bad_printer_settings(options: dict[str, int]) -> None:
    with pytest.raises(ConfigError):
        EscPosPrinter(MemorySink(), **options)  # type: ignore[arg-type]


def test_not_an_image_is_refused() -> None:
    with pytest.raises(InvalidFrame):
        EscPosPrinter(MemorySink()).print_image(b"\x00")  # type: ignore[arg-type]
    with pytest.raises(InvalidFrame, match="empty"):
        EscPosPrinter(MemorySink()).print_image(Image.new("L", (0, 0)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello", "unexpected byte"),
        (b"\x1d\x76\x30\x00\x02\x00\x05\x00\xff", "cut short"),
        (b"\x1d\x76\x30\x07\x01\x00\x01\x00\xff", "mode"),
        (b"\x1d\x76\x30\x00\x40\x00\x01\x00" + b"\x00" * 64, "does not fit"),
        (b"\x1b\x74\x00", "unsupported command ESC"),
    ],
)
def test_the_simulated_printer_rejects_what_a_printer_would_misprint(data: bytes, message: str) -> None:
    with pytest.raises(PanelProtocolError, match=message):
        parse_escpos(data)


def test_serial_port_in_raw_mode_carries_the_bytes_unchanged() -> None:
    master, slave = os.openpty()
    received = bytearray()

    def reader() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            received.extend(chunk)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    sink = SerialSink(os.ttyname(slave), 19200)
    noise = Image.fromarray(np.random.default_rng(1).integers(0, 2, (64, 384), dtype=np.uint8) * 255)
    printer = EscPosPrinter(MemorySink(), cut=True)
    job = printer.job_bytes(qr_card()) + printer.job_bytes(noise)
    assert set(job) == set(range(256))  # LF, CR, XON/XOFF bytes too: a cooked tty would change them
    sink.write(job)
    sink.close()
    os.close(slave)
    thread.join(timeout=5)
    os.close(master)
    assert bytes(received) == job
    pages = parse_escpos(bytes(received))
    assert decode_qr_image(pages[0]) == [CARD_TEXT.encode()]
    np.testing.assert_array_equal(np.asarray(pages[1])[:64] == 0, np.asarray(noise) == 0)


def test_serial_and_file_sink_errors(tmp_path: Path) -> None:
    from hardware.errors import DeviceError

    with pytest.raises(ConfigError, match="baud"):
        SerialSink(tmp_path / "x", 12345)
    with pytest.raises(DeviceError, match="cannot open printer port"):
        SerialSink(tmp_path / "missing-tty")
    plain = tmp_path / "plain-file"
    plain.write_bytes(b"")
    with pytest.raises(DeviceError, match="not a serial port"):
        SerialSink(plain)
    with pytest.raises(DeviceError, match="cannot open printer"):
        FileSink(tmp_path / "no" / "such" / "lp0")
    target = tmp_path / "lp0"
    sink = FileSink(target)
    EscPosPrinter(sink).print_image(qr_card())
    sink.close()
    assert decode_qr_image(parse_escpos(target.read_bytes())[0]) == [CARD_TEXT.encode()]


def test_pdf_has_one_page_per_image_and_pngs_match(tmp_path: Path) -> None:
    cards = [qr_card(f"page {n}") for n in range(1, 4)]
    pdf = tmp_path / "cards.pdf"
    with PdfPrinter(pdf, png_dir=tmp_path / "png") as printer:
        for card in cards:
            printer.print_image(card)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 3
    assert re.search(rb"/Count\s+3\b", data)
    pngs = sorted((tmp_path / "png").glob("*.png"))
    assert [p.name for p in pngs] == ["page-01.png", "page-02.png", "page-03.png"]
    for path, card in zip(pngs, cards, strict=True):
        with Image.open(path) as png:
            assert np.array_equal(np.asarray(png.convert("L")), np.asarray(card))
            assert decode_qr_image(png) == [f"page {pngs.index(path) + 1}".encode()]


def test_pdf_helpers_and_errors(tmp_path: Path) -> None:
    out = write_pdf([Image.new("L", (384, 100), 255)], tmp_path / "one.pdf")
    assert len(re.findall(rb"/Type\s*/Page\b", out.read_bytes())) == 1
    assert [p.name for p in write_pngs([Image.new("1", (8, 8))] * 2, tmp_path / "p", stem="s")] == [
        "s-01.png",
        "s-02.png",
    ]
    with pytest.raises(ConfigError):
        write_pdf([], tmp_path / "none.pdf")
    with pytest.raises(ConfigError):
        PdfPrinter(None)
