"""The web page in a real browser: Debian's chromium, headless, driven by Playwright.

The camera is Chromium's fake capture device playing a Y4M video made from the device's own export
frames (the test mnemonic's account as an animated, multi-part UR on the 240 px screen), so the page's
own script grabs frames, posts them as JPEG, and the server's assembler really assembles. Paste and
file upload go through the same form.

Playwright's own browser download does not work here: the bootstrap installs Debian's ``chromium``
with apt-get (as root) and the tests skip, naming the command, when it is missing. With
``AIRLOCK_UPDATE_SCREENSHOTS=1`` the screenshots are written to docs/companion/ (else to a temporary
folder).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from device_exports import account, ur_export
from fake_camera import camera_args, qr_video
from web_client import Client, web_fixture  # noqa: F401

from signer.transport.frames import encode_frames
from signer.transport.ur import decode_single

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "companion"

pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make bootstrap`")
if not CHROMIUM.is_file():
    pytest.skip("no chromium: run `sudo apt-get install -y chromium` (make bootstrap does it as root)",
                allow_module_level=True)  # fmt: skip


def account_video(path: Path) -> int:
    """A Y4M video of the device's animated account export, each QR frame shown for 0.3 s; its QR count."""
    frames = encode_frames(decode_single(ur_export().strip().lower()))
    assert len(frames.texts) > 1, "the test needs a multi-part UR"
    return qr_video(path, frames)


@pytest.fixture(name="shots")
def shots_fixture(tmp_path: Path) -> Path:
    if os.environ.get("AIRLOCK_UPDATE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        return DOCS
    return tmp_path / "shots"


@pytest.fixture(name="browser_page")
def browser_page_fixture(web: Client, tmp_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    video = tmp_path / "account.y4m"
    account_video(video)
    args = camera_args(video)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            context = browser.new_context(viewport={"width": 900, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(web.server.url)  # the printed address: the token becomes a cookie
            assert page.url == web.server.origin + "/"
            yield page
        finally:
            browser.close()


def fill_wallet(page: object, name: str) -> None:
    page.fill("#name", name)  # type: ignore[attr-defined]
    page.select_option("#network", "regtest")  # type: ignore[attr-defined]
    page.fill("#node", "cbf://127.0.0.1:18444")  # type: ignore[attr-defined]


def shot(page: object, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_the_page_imports_the_account_through_the_camera(
    browser_page: object, web: Client, shots: Path
) -> None:
    page = browser_page
    page.click("text=Import a wallet")  # type: ignore[attr-defined]
    fill_wallet(page, "camera")
    page.click("#camera-start")  # type: ignore[attr-defined]
    page.wait_for_selector("#camera-status[data-done='1']")  # type: ignore[attr-defined]
    assert "Scanned (account)" in page.inner_text("#camera-status")  # type: ignore[attr-defined]
    shot(page, shots, "import-scanned")
    page.click("#import")  # type: ignore[attr-defined]
    page.wait_for_url("**/wallet/camera?imported=1")  # type: ignore[attr-defined]
    assert page.inner_text("#address").replace(" ", "") == account().address(0, 0)  # type: ignore[attr-defined]
    page.click("#verify summary")  # type: ignore[attr-defined]
    page.wait_for_function("document.getElementById('verify-qr').naturalWidth > 0")  # type: ignore[attr-defined]
    shot(page, shots, "wallet")


def test_the_page_imports_by_paste_and_by_file_and_shows_errors(
    browser_page: object, web: Client, shots: Path, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(web.server.origin + "/import")  # type: ignore[attr-defined]
    fill_wallet(page, "pasted")
    page.fill("#paste", "UR:CRYPTO-ACCOUNT/NOTHING")  # type: ignore[attr-defined]
    page.click("#import")  # type: ignore[attr-defined]
    assert "the UR is not readable" in page.inner_text("#error")  # type: ignore[attr-defined]
    assert page.input_value("#name") == "pasted"  # nothing typed is lost  # type: ignore[attr-defined]
    shot(page, shots, "import-error")
    page.fill("#paste", ur_export())  # type: ignore[attr-defined]
    page.click("#import")  # type: ignore[attr-defined]
    page.wait_for_url("**/wallet/pasted?imported=1")  # type: ignore[attr-defined]
    assert page.inner_text("#address").replace(" ", "") == account().address(0, 0)  # type: ignore[attr-defined]

    export = tmp_path / "account.ur"
    export.write_text(ur_export(kind="btc-86"))
    page.goto(web.server.origin + "/import")  # type: ignore[attr-defined]
    fill_wallet(page, "uploaded")
    page.set_input_files("#file", str(export))  # type: ignore[attr-defined]
    page.click("#import")  # type: ignore[attr-defined]
    page.wait_for_url("**/wallet/uploaded?imported=1")  # type: ignore[attr-defined]
    assert page.inner_text("#address").replace(" ", "") == account("btc-86").address(0, 0)  # type: ignore[attr-defined]
    page.click("text=Wallets")  # type: ignore[attr-defined]
    assert page.locator("table.wallets tbody tr").count() == 2  # type: ignore[attr-defined]
    shot(page, shots, "wallets")


def test_chromium_is_debians_and_not_a_download() -> None:
    assert shutil.which("chromium") == str(CHROMIUM) or CHROMIUM.is_file()
