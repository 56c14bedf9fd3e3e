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


CODE_PATH = re.compile(r"`([\w./-]+(?:\.py|/))`")


@pytest.mark.parametrize("name", ["architecture.md", "adding-a-chain.md", "adding-a-screen.md"])
def test_every_code_path_a_map_page_names_exists(name: str) -> None:
    """Paths in backquotes name real files or folders: ``signer/chains/registry.py`` from the
    repository's root, ``commands/`` from inside ``signer/``, and a bare ``analyze.py`` somewhere
    in the code."""
    text = (ROOT / "docs" / name).read_text()
    named = set(CODE_PATH.findall(text))
    assert named, name
    code = {p.name for folder in ("signer", "ui", "hardware", "app") for p in (ROOT / folder).rglob("*.py")}

    def exists(path: str) -> bool:
        if "/" not in path.rstrip("/"):
            return path in code or (ROOT / path).exists() or (ROOT / "signer" / path).exists()
        return (ROOT / path).exists() or (ROOT / "signer" / path).exists()

    gone = sorted(p for p in named if not exists(p))
    assert not gone, f"docs/{name} names paths that do not exist: {gone}"
