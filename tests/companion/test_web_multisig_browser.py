"""A new multisig wallet made in a real browser (Debian's chromium, headless, Playwright): one cosigner
pasted, one scanned by the page's camera script from a fake-camera Y4M of a device's animated cosigner
export, one uploaded; created, and the registration QR on the screen decoded as a camera reads it.

Skips as test_web_browser.py does without playwright or chromium. ``AIRLOCK_UPDATE_SCREENSHOTS=1``
writes the screenshots to docs/companion/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from btc.multisig_files import cosigner
from conftest import ABANDON, LEGAL, ZOO24
from device_exports import json_export, ur_export
from fake_camera import camera_args, qr_video
from test_companion_multisig import NODE
from web_client import Client, web_fixture  # noqa: F401

from signer.transport.frames import encode_frames
from signer.transport.ur import decode_single

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "companion"

pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make bootstrap`")
if not CHROMIUM.is_file():
    pytest.skip("no chromium: run `sudo apt-get install -y chromium` (make bootstrap does it as root)",
                allow_module_level=True)  # fmt: skip


@pytest.fixture(name="cosigner_page")
def cosigner_page_fixture(web: Client, tmp_path: Path) -> Iterator[object]:
    """A browser whose camera shows LEGAL's device exporting its multisig key (an animated UR)."""
    from playwright.sync_api import sync_playwright

    frames = encode_frames(decode_single(ur_export("btc-48-2", mnemonic=LEGAL).strip().lower()))
    assert len(frames.texts) > 1, "the test needs a multi-part UR"
    video = tmp_path / "cosigner.y4m"
    qr_video(video, frames)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=camera_args(video))  # fmt: skip
        try:
            page = browser.new_context(viewport={"width": 1000, "height": 1000}).new_page()
            page.set_default_timeout(60_000)
            page.goto(web.server.url)  # the token becomes a cookie
            yield page
        finally:
            browser.close()


def test_three_cosigners_added_in_the_browser_created_and_the_registration_qr_read(
    cosigner_page: object, web: Client, tmp_path: Path
) -> None:
    from PIL import Image

    from companion.btc.service import registration_frames
    from companion.btc.wallets import Wallets
    from signer.transport.frames import decode_qr_image

    shots = DOCS if os.environ.get("AIRLOCK_UPDATE_SCREENSHOTS") else tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    page: object = cosigner_page
    page.click("#nav-multisig")  # type: ignore[attr-defined]
    page.fill("#name", "family")  # type: ignore[attr-defined]
    page.select_option("#network", "regtest")  # type: ignore[attr-defined]
    page.fill("#node", NODE)  # type: ignore[attr-defined]
    page.fill("#cosigner-paste", json_export("btc-48-2", mnemonic=ABANDON))  # type: ignore[attr-defined]
    page.click("#cosigner-add")  # type: ignore[attr-defined]
    assert page.inner_text("#message") == "Added cosigner 1."  # type: ignore[attr-defined]
    page.click("#cosigner-camera-start")  # type: ignore[attr-defined]
    page.wait_for_selector("#message:has-text('Added cosigner 2.')")  # type: ignore[attr-defined]
    export = tmp_path / "zoo.txt"
    export.write_text(f"{cosigner(ZOO24).expression()}\n")
    page.set_input_files("#cosigner-file", str(export))  # type: ignore[attr-defined]
    page.click("#cosigner-add")  # type: ignore[attr-defined]
    assert page.inner_text("#message") == "Added cosigner 3."  # type: ignore[attr-defined]
    for n, mnemonic in enumerate((ABANDON, LEGAL, ZOO24)):
        assert page.inner_text(f"#cosigner-{n}-key") == cosigner(mnemonic).xpub  # type: ignore[attr-defined]
    assert page.input_value("#name") == "family"  # type: ignore[attr-defined]
    page.fill("#threshold", "3")  # type: ignore[attr-defined]
    page.press("#threshold", "Enter")  # the form's default button shows it again, removes nothing  # type: ignore[attr-defined]
    page.wait_for_selector("#policy-summary:has-text('3 of 3')")  # type: ignore[attr-defined]
    assert page.get_attribute("#cosigners", "data-count") == "3"  # type: ignore[attr-defined]
    page.fill("#threshold", "2")  # type: ignore[attr-defined]
    page.press("#threshold", "Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("#policy-summary:has-text('2 of 3')")  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / "multisig-new.png"), full_page=True)  # type: ignore[attr-defined]
    page.click("#multisig-create")  # type: ignore[attr-defined]
    page.wait_for_url("**/wallet/family/registration?created=1")  # type: ignore[attr-defined]
    page.wait_for_function("document.getElementById('registration-qr').naturalWidth > 0")  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / "multisig-registration.png"), full_page=True)  # type: ignore[attr-defined]
    shown = tmp_path / "qr.png"
    page.locator("#registration-qr").screenshot(path=str(shown))  # type: ignore[attr-defined]
    codes = decode_qr_image(Image.open(shown))
    expected = registration_frames(Wallets(web.server_datadir), "family", "ur", 1).texts
    assert len(codes) == 1 and codes[0].decode() in expected
    assert page.inner_text("#registration-policy").startswith("2 of 3")  # type: ignore[attr-defined]
