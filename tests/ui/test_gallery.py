"""docs/gallery shows the UI as it is: regenerated from the real UI, it must give the same screens,
the same index and the same pixels as the committed copy. Secret screens are blanked in it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import scan_for_secrets
from gallery import COMMAND, GALLERY, INDEX, Shot, renderer, write
from PIL import Image
from test_ui_golden import differs

from ui.capture import blank_image

STALE = f"docs/gallery is out of date: refresh it with `{COMMAND}` and commit the result"
RENDERER_LINE = "Drawn with "


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Shot]]:
    out = tmp_path_factory.mktemp("gallery")
    return out, write(out)


def _index_body(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if not line.startswith(RENDERER_LINE)]


def _committed_renderer() -> str | None:
    for line in (GALLERY / INDEX).read_text().splitlines():
        if line.startswith(RENDERER_LINE):
            return line.removeprefix(RENDERER_LINE).rstrip(".")
    return None


def test_the_gallery_has_every_screen_and_no_other(fresh: tuple[Path, list[Shot]]) -> None:
    out, _ = fresh
    assert (GALLERY / INDEX).is_file(), STALE
    made = {p.name for p in out.iterdir()}
    kept = {p.name for p in GALLERY.iterdir()}
    assert made == kept, f"{STALE} (new: {sorted(made - kept)}, gone: {sorted(kept - made)})"
    assert _index_body(out / INDEX) == _index_body(GALLERY / INDEX), f"{STALE} (index.md differs)"


def test_the_gallery_pictures_are_current(fresh: tuple[Path, list[Shot]]) -> None:
    """Pixel for pixel where the font is drawn by the same Pillow and FreeType as the committed copy;
    elsewhere within the golden images' tolerance (rasterisers differ slightly between builds)."""
    out, _ = fresh
    exact = _committed_renderer() == renderer()
    changed = []
    for made in sorted(out.glob("*.png")):
        kept = GALLERY / made.name
        if not kept.is_file():
            continue  # reported by the test above
        a, b = Image.open(made).convert("RGB"), Image.open(kept).convert("RGB")
        same = np.array_equal(np.asarray(a), np.asarray(b)) if exact else differs(a, b) is None
        if not same:
            changed.append(made.name)
    assert not changed, f"{STALE} (pictures differ: {changed})"


def test_secret_screens_are_blanked_as_any_capture_blanks_them(fresh: tuple[Path, list[Shot]]) -> None:
    out, shots = fresh
    secret = [s for s in shots if s.secret]
    assert len(secret) >= 10 and {"keyboard", "secret words", "word entry", "word quiz"} <= {
        s.what.split(",")[0] for s in secret
    }
    blank = np.asarray(blank_image())
    for shot in shots:
        stored = np.asarray(Image.open(out / f"{shot.name}.png").convert("RGB"))
        assert np.array_equal(stored, blank) == shot.secret, f"{shot.name}: blank only if secret"
    assert not scan_for_secrets(out)  # the test mnemonics appear nowhere in the files


def test_the_gallery_reaches_the_screens_a_newcomer_looks_for(fresh: tuple[Path, list[Shot]]) -> None:
    _, shots = fresh
    sections = {s.section for s in shots}
    assert {"Start", "Unlocked", "Sign: Bitcoin", "Sign: Ethereum", "Scan statuses"} <= sections
    kinds = {s.what.split(",")[0].split(":")[0] for s in shots}
    assert {"menu", "message", "keyboard", "review screen", "qr display", "scan screen", "checklist"} <= kinds
    assert len(shots) > 120
