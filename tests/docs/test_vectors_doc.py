"""docs/vectors.md stays in step with the tests: every shared vector file a test names and every file
in ../shared/vectors is listed, and every repository path the page names exists."""

from __future__ import annotations

import re

import pytest
from review_codes import ROOT
from shared_vectors import VECTORS

PAGE = ROOT / "docs" / "vectors.md"
TEXT = PAGE.read_text()
LISTED = set(re.findall(r"`([^`\s]+)`", TEXT))


def _folders() -> set[str]:
    """The shared vector folders: those on disk, else those the page describes."""
    if VECTORS.is_dir():
        return {p.name for p in VECTORS.iterdir() if p.is_dir()}
    return {m.split("/")[0] for m in re.findall(r"^### `([a-z0-9]+)/`", TEXT, flags=re.M)}


def test_every_shared_file_a_test_names_is_listed() -> None:
    folders = "|".join(sorted(_folders()))
    pattern = re.compile(rf"[\"']((?:{folders})/[\w.-]+\.\w+)[\"']")
    named = {
        (match, path.relative_to(ROOT).as_posix())
        for path in (ROOT / "tests").rglob("*.py")
        for match in pattern.findall(path.read_text())
    }
    assert len(named) > 20, "the scan of the tests found too few vector files"
    missing = sorted(f"{file} (named in {test})" for file, test in named if file not in LISTED)
    assert not missing, f"docs/vectors.md does not list {missing}"


def test_every_file_of_the_shared_folder_is_listed() -> None:
    if not VECTORS.is_dir():
        pytest.skip(f"shared vectors not found at {VECTORS} (../shared absent)")
    files = {p.relative_to(VECTORS).as_posix() for p in VECTORS.rglob("*") if p.is_file()} - {"README.md"}
    missing = sorted(files - LISTED)
    assert not missing, f"docs/vectors.md does not list {missing} (found in {VECTORS})"


def test_every_repository_path_the_page_names_exists() -> None:
    paths = {p.rstrip("/") for p in LISTED if p.split("/")[0] in ("tests", "signer", "docs", "ui", "app")}
    assert len(paths) > 40
    gone = sorted(p for p in paths if not (ROOT / p).exists())
    assert not gone, f"docs/vectors.md names paths that do not exist: {gone}"
