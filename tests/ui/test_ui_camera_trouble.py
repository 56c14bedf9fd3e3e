"""Scanning without a camera, or with one that fails or stops: a screen says what is wrong and what
to check, and OK goes back to the menu (never a scan that waits forever)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ui_driver import FrameCamera, make_session, start, unlocked

from ui.events import Key
from ui.session import CameraMissing, CameraStopped


def test_scan_without_a_camera_says_so_and_goes_back(tmp_path: Path) -> None:
    _, d = unlocked(tmp_path, camera_problem="no camera is connected (there is no /dev/video0)")
    d.choose("Scan")
    assert d.title == "No camera found"
    assert d.content().extra["body"] == (
        "No camera is connected (there is no /dev/video0). "
        "Check that the camera cable is seated firmly at both ends, then restart Airlock."
    )
    d.choose("OK")
    assert d.title == "Airlock" and d.content().items[0] == "Scan"


@pytest.mark.parametrize(
    ("failure", "title", "said"),
    [
        (
            CameraMissing("cannot open camera 0 (no such device, or it is busy)"),
            "No camera found",
            "Cannot open camera 0 (no such device, or it is busy).",
        ),
        (
            CameraStopped("the camera sent no picture for 5 s"),
            "Camera stopped",
            "The camera sent no picture for 5 s.",
        ),
    ],
)
def test_a_camera_that_fails_to_open_or_stops_is_named(
    tmp_path: Path, failure: Exception, title: str, said: str
) -> None:
    frames = [np.full((48, 64), 200, dtype=np.uint8)] * 3

    def camera() -> np.ndarray:
        if frames:
            return frames.pop()
        raise failure

    _, d = unlocked(tmp_path, camera=camera, camera_help="Check the ribbon cable.")
    d.choose("Scan")
    d.tick(10)
    assert d.title == title and d.content().extra["body"] == f"{said} Check the ribbon cable."
    d.press(Key.KEY3)
    assert d.title == "Airlock"


def test_the_scans_of_every_flow_give_way_without_a_camera(tmp_path: Path) -> None:
    """The SeedQR import of a temporary seed (before any vault exists) uses the same scan."""
    d = start(make_session(tmp_path))
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Scan SeedQR")
    assert d.title == "No camera found"
    d.choose("OK")
    assert "Scan SeedQR" in d.content().items


def test_camera_entropy_with_a_camera_that_stops(tmp_path: Path) -> None:
    session = make_session(tmp_path, camera=FrameCamera([np.zeros((48, 64, 3), dtype=np.uint8)]))
    d = start(session)
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Create new seed")
    d.choose("12 words")
    d.choose("Add camera image")
    assert d.title == "Camera entropy"

    def stopped() -> None:
        raise CameraStopped("the camera sent no picture for 5 s")

    session.camera = stopped  # unplugged while its preview shows
    d.tick(2)
    assert d.title == "Camera stopped"
    d.choose("OK")
    assert "Add camera image" in d.content().items
