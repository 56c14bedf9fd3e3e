"""``make demo`` without a desktop: the scripted tour runs through the real UI and leaves its pictures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from app import demo


def test_scripted_tour(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.capture import blank_image

    out = tmp_path / "demo-out"
    assert demo.tour(out) == 0
    printed = capsys.readouterr().out
    assert "input 0: signed by key 73c5da0a/84h/0h/0h/0/0" in printed
    assert "Send 0.00060000 BTC" in printed
    screens = sorted((out / "screens").glob("*.png"))
    names = [p.name for p in screens]
    assert any("signed-psbt" in n for n in names) and any("seed-ready" in n for n in names)
    # the new (non-demo) seed's words were on screen, but never in a picture
    words = [p for p in screens if re.fullmatch(r"\d+-words-\d+-\d+-of-12\.png", p.name)]
    assert words and all(Image.open(p).convert("RGB").tobytes() == blank_image().tobytes() for p in words)
    gif = Image.open(out / "signed-psbt.gif")
    assert gif.n_frames > 1
