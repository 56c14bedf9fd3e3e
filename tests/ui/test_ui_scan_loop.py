"""The scan screen's camera loop: gray frames in, gray frames decoded, decoding off the drawing path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from transport.gated_decode import GatedDecode, wait_idle

from signer.transport.frame_reader import FrameReader
from signer.transport.frames import encode_frames, render_qr
from ui.screen import Redraw
from ui.screens.scan import ScanScreen
from ui.session import Session


def camera_picture(screen: Image.Image) -> np.ndarray:
    """A 640x480 gray camera frame with the device's QR frame in the middle."""
    frame = np.full((480, 640), 90, np.uint8)
    code = np.asarray(screen.convert("L").resize((320, 320), Image.Resampling.NEAREST))
    frame[80:400, 160:480] = code
    return frame


def test_the_decoder_gets_the_cameras_gray_frame_itself(tmp_path: Path) -> None:
    """No conversion back and forth: the gray array the camera delivered is what is decoded (before,
    it went to an RGB picture and back to gray on every frame)."""
    frame = camera_picture(render_qr("UR:BYTES/HDCXLKAHSSQZWFVSLOFZOXWKRHGWWDRTTNFL", module_px=6))
    seen: list[Any] = []
    session = Session(tmp_path / "v", camera=lambda: frame)
    screen = ScanScreen(session, "Scan", lambda payload: None)
    screen.reader = FrameReader(lambda image: seen.append(image) or [], threaded=False)
    assert isinstance(screen.on_tick(1.0), Redraw)
    assert seen[0] is frame
    assert screen.preview is not None and screen.preview.size == (240, 240)


def test_the_preview_keeps_its_rate_while_a_frame_is_being_decoded(tmp_path: Path) -> None:
    """While the decoder is busy with one frame, every tick still shows a new camera frame at once;
    the frames that came meanwhile are dropped but for the newest, which is read next."""
    frames = [np.full((480, 640), n, np.uint8) for n in range(6)]
    position = [0]
    session = Session(tmp_path / "v", camera=lambda: frames[position[0]], read_qr_in_background=True)
    screen = ScanScreen(session, "Scan", lambda payload: None)
    decode = GatedDecode()
    screen.reader.close()
    screen.reader = FrameReader(lambda image: decode(int(image[0, 0])))
    try:
        previews = []
        for n in range(6):
            position[0] = n
            assert isinstance(screen.on_tick(float(n)), Redraw)  # never waits for the decoder
            previews.append(screen.preview.getpixel((0, 0)))  # type: ignore[union-attr]
            if n == 0:
                decode.wait_started(1)
        assert previews == [(n, n, n) for n in range(6)]
        decode.release()
        decode.wait_started(2)
        decode.release()
        wait_idle(screen.reader)
        assert decode.started == [0, 5] and screen.reader.dropped == 4
    finally:
        screen.reader.close()


@pytest.mark.parametrize("background", [False, True])
def test_an_animated_psbt_completes_through_the_camera_loop(tmp_path: Path, background: bool) -> None:
    from bench.photo_frames import psbt_bytes

    psbt = psbt_bytes(inputs=1)
    frame_set = encode_frames(psbt, ur_type="crypto-psbt")
    pictures = [camera_picture(image) for image in frame_set]
    shown = [0]

    def camera() -> np.ndarray:
        shown[0] += 1
        return pictures[(shown[0] - 1) % len(pictures)]

    got = []
    session = Session(tmp_path / "v", camera=camera, read_qr_in_background=background)
    screen = ScanScreen(session, "Scan", lambda payload: got.append(payload))
    try:
        for tick in range(3 * len(pictures)):
            screen.on_tick(float(tick))
            wait_idle(screen.reader)  # the test waits for each decode: every frame is read
            if got:
                break
        screen.on_tick(1000.0)  # hands out the last read, if it finished after the tick
        assert got and got[0].data == psbt and got[0].kind == "psbt"
    finally:
        screen.reader.close()


def test_rotation_and_mirror_turn_the_gray_frame_as_the_picture(tmp_path: Path) -> None:
    frame = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    session = Session(tmp_path / "v", camera=lambda: frame)
    for rotation in (0, 90, 180, 270):
        for mirror in (False, True):
            session._settings = {**session._settings, "camera_rotation": rotation, "camera_mirror": mirror}
            picture = np.asarray(session.camera_frame().convert("L"))
            assert np.array_equal(session.camera_gray(), picture), (rotation, mirror)
    session._settings = {**session._settings, "camera_rotation": 0, "camera_mirror": False}
    assert session.camera_gray() is frame  # unturned: no copy
