"""Scan Sparrow's sign-message QR on the device -> review the whole message, the address and its
path -> approve -> the signature QR on the screen decodes to a base64 signature that verifies for
that address (the check ``airlock message verify`` makes)."""

from __future__ import annotations

from pathlib import Path

from ui_driver import ABANDON, LEGAL, FrameCamera, collect_qr, unlocked

from signer.btc.message import verify_message
from signer.transport.frames import decode_qr_image, render_qr
from ui.events import Key

P2WPKH = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"


def scan_text(d, camera: FrameCamera, content: str) -> None:  # type: ignore[no-untyped-def]
    camera.show([render_qr(content, module_px=2)])
    d.choose("Scan")
    d.tick(12)
    d.settle()


def read_all_pages(d) -> None:  # type: ignore[no-untyped-def]
    for _ in range(d.content().extra["pages"]):
        d.press(Key.DOWN)
    assert d.content().extra["seen_all"]


def test_scan_review_approve_and_the_signature_qr_verifies(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    message = "I, the owner of this address, confirm the withdrawal request 7. " * 6 + "The end."
    scan_text(d, camera, f"signmessage m/84h/0h/0h/0/0 ascii:{message}")
    content = d.content()
    assert content.title.startswith("Sign message"), d.text()
    facts = dict(content.extra["facts"])
    assert facts[f"Message ({len(message)} bytes)"] == message  # the whole text, nothing cut
    assert facts["Signing address"].replace(" ", "") == P2WPKH
    assert facts["Path"] == "m/84h/0h/0h/0/0" and content.extra["codes"] == []
    assert content.extra["pages"] > 1  # a long message is paged ...
    d.press(Key.KEY1)
    assert "read page" in d.content().extra["note"]  # ... and every page must be read first
    read_all_pages(d)
    d.press(Key.KEY1)
    d.settle()
    assert d.title == "Message signature"
    (frame,) = collect_qr(d)
    (content_read,) = decode_qr_image(frame)  # the QR holds the bare base64 signature, as SeedSigner's
    signature = content_read.decode()
    assert verify_message(P2WPKH, message.encode(), signature).valid


def test_hidden_characters_are_shown_escaped_with_a_warning(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    scan_text(d, camera, "signmessage m/84h/0h/0h/1/0 ascii:send to \u202eevil\u200b")
    content = d.content()
    facts = dict(content.extra["facts"])
    assert facts["Message (18 bytes)"] == "send to \\u202eevil\\u200b"
    assert content.extra["codes"] == ["message-change-address", "message-escaped"]
    assert "\u202e" not in d.text() and "\u200b" not in d.text()


def test_paths_that_cannot_sign_are_refused_with_the_reason(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    scan_text(d, camera, "signmessage m/86h/0h/0h/0/0 ascii:hello")
    assert d.title == "Cannot sign" and "taproot address" in d.text()
    d.go_home()
    scan_text(d, camera, "signmessage m/84h/0h/0h/0/0 utf8:hello")
    assert d.title == "Scan" and "Airlock reads only 'ascii:'" in d.content().warnings[0][1]


def test_with_two_seeds_the_person_chooses_which_signs(tmp_path: Path) -> None:
    camera = FrameCamera()
    _session, d = unlocked(tmp_path, {"main": ABANDON, "other": LEGAL}, camera=camera)
    scan_text(d, camera, "signmessage m/84h/0h/0h/0/0 ascii:hello")
    assert d.title == "Sign with"
    d.choose("other")
    facts = dict(d.content().extra["facts"])
    assert facts["Seed"].startswith("other") and facts["Signing address"].replace(" ", "") != P2WPKH


def test_every_page_of_a_long_message_review_fits_the_screen(tmp_path: Path) -> None:
    from test_ui_layout import check_screen

    camera = FrameCamera()
    _session, d = unlocked(tmp_path, camera=camera)
    message = "W" * 90 + " \u0430\t\x1b " + "WWWW " * 60 + "\n\n\nend"
    scan_text(d, camera, f"signmessage m/84h/0h/9h/1/5000 ascii:{message}")
    assert d.content().extra["codes"] == [
        "message-change-address",
        "message-escaped",
        "message-far-index",
        "message-unknown-account",
    ]
    for page in range(d.content().extra["pages"]):
        check_screen(d.app.screen, f"sign message page {page}")
        d.press(Key.DOWN)
