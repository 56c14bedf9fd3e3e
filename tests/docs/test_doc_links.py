"""Every link between the docs pages (and to the repository) leads to a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from review_codes import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_every_relative_link_exists(page: Path) -> None:
    targets = [t for t in LINK.findall(page.read_text()) if "://" not in t]
    gone = sorted({t for t in targets if not (page.parent / t).exists()})
    assert not gone, f"{page.relative_to(ROOT)} links to missing files: {gone}"


def test_the_docs_index_links_every_page() -> None:
    index = (ROOT / "docs" / "README.md").read_text()
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in PAGES} - {"README.md"}
    assert {p for p in pages if p not in index} == set()
