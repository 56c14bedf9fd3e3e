"""What the browser tests share: Debian's chromium, driven by Playwright, on the companion's page, and
the folder their screenshots go to (docs/companion/ with ``AIRLOCK_UPDATE_SCREENSHOTS=1``, else a
temporary one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from web_client import Client

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "companion"


@pytest.fixture(name="shots")
def shots_fixture(tmp_path: Path) -> Path:
    folder = DOCS if os.environ.get("AIRLOCK_UPDATE_SCREENSHOTS") else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def browser(web: Client, args: list[str], *, width: int = 900) -> Iterator[object]:
    """A fresh headless chromium on the page (the printed address: the token becomes a cookie)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            page = chromium.new_context(viewport={"width": width, "height": 1000}).new_page()
            page.set_default_timeout(90_000)
            page.goto(web.server.url)
            yield page
        finally:
            chromium.close()


def shot(page: object, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
