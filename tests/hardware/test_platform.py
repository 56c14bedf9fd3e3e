"""Platform detection against fake /proc, /dev and /sys trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.errors import ConfigError
from hardware.platform import detect, pi_model, video_devices


def model_file(tmp_path: Path, text: bytes) -> Path:
    path = tmp_path / "model"
    path.write_bytes(text)
    return path


def test_pi_model_reads_the_device_tree(tmp_path: Path) -> None:
    assert (
        pi_model(model_file(tmp_path, b"Raspberry Pi Zero 2 W Rev 1.0\x00"))
        == "Raspberry Pi Zero 2 W Rev 1.0"
    )
    assert pi_model(model_file(tmp_path, b"Pine64 RockPro64 v2.1\x00")) is None
    assert pi_model(tmp_path / "absent") is None


def test_off_a_pi_the_defaults_are_headless(tmp_path: Path) -> None:
    found = detect(env={}, model_path=tmp_path / "absent", dev=tmp_path)
    assert not found.is_pi
    assert (found.display, found.input, found.camera, found.printer) == (
        "headless",
        "scripted",
        "none",
        "none",
    )


def test_a_desktop_with_pygame_gets_the_emulator(tmp_path: Path) -> None:
    pytest.importorskip("pygame")
    found = detect(env={"DISPLAY": ":0"}, model_path=tmp_path / "absent", dev=tmp_path)
    assert (found.display, found.input) == ("emulator", "keyboard")


def test_a_pi_without_spidev_here_is_still_recognised(tmp_path: Path) -> None:
    from hardware.platform import module_available

    if module_available("spidev") or module_available("picamera2"):  # pragma: no cover - on a Pi
        pytest.skip("this machine has the Pi's own modules")
    (tmp_path / "spidev0.0").touch()
    (tmp_path / "video0").touch()
    found = detect(
        env={}, model_path=model_file(tmp_path, b"Raspberry Pi 4 Model B Rev 1.5\x00"), dev=tmp_path
    )
    assert found.is_pi and found.model == "Raspberry Pi 4 Model B Rev 1.5"
    assert found.display == "headless"  # the spidev module is not installed on this machine
    assert found.camera == "opencv"  # a video node and cv2, but no picamera2 here


def test_overrides_from_arguments_and_environment(tmp_path: Path) -> None:
    env = {"AIRLOCK_DISPLAY": "emulator", "AIRLOCK_PRINTER": "PDF"}
    found = detect({"camera": "frames"}, env=env, model_path=tmp_path / "absent", dev=tmp_path)
    assert (found.display, found.camera, found.printer) == ("emulator", "frames", "pdf")
    with pytest.raises(ConfigError, match="st7789, emulator, headless"):
        detect({"display": "hdmi"}, env={}, dev=tmp_path)
    with pytest.raises(ConfigError, match="unknown device kind"):
        detect({"speaker": "on"}, env={}, dev=tmp_path)
    with pytest.raises(ConfigError, match="unknown input backend"):
        detect(env={"AIRLOCK_INPUT": "mouse"}, dev=tmp_path)


def test_video_devices_sorted_numerically(tmp_path: Path) -> None:
    for name in ("video10", "video2", "video0", "null"):
        (tmp_path / name).touch()
    assert [p.name for p in video_devices(tmp_path)] == ["video0", "video2", "video10"]


def test_no_screen_says_why_for_each_screen(tmp_path: Path) -> None:
    from hardware.platform import module_available

    if module_available("spidev"):  # pragma: no cover - on a Pi
        pytest.skip("this machine has spidev")
    off_pi = detect(env={}, model_path=tmp_path / "absent", dev=tmp_path)
    assert off_pi.no_screen == (
        "no SPI screen (this is not a Raspberry Pi)",
        "no desktop for the emulator window (DISPLAY is not set)",
    )
    pi = detect(env={}, model_path=model_file(tmp_path, b"Raspberry Pi Zero 2 W Rev 1.0\x00"), dev=tmp_path)
    assert pi.no_screen[0] == "no SPI screen (the spidev module is missing: install the [pi] extra)"
    chosen = detect({"display": "headless"}, env={}, model_path=tmp_path / "absent", dev=tmp_path)
    assert chosen.no_screen == ()  # asked for: nothing is missing


def test_the_input_follows_the_display_unless_chosen(tmp_path: Path) -> None:
    env = {"DISPLAY": ":0"}
    where = {"env": env, "model_path": tmp_path / "absent", "dev": tmp_path}
    assert detect({"display": "headless"}, **where).input == "scripted"  # type: ignore[arg-type]
    assert detect({"display": "st7789"}, **where).input == "gpio"  # type: ignore[arg-type]
    assert detect({"display": "emulator"}, **where).input == "keyboard"  # type: ignore[arg-type]
    assert detect({"display": "emulator", "input": "scripted"}, **where).input == "scripted"  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="keyboard input is the emulator window's"):
        detect({"display": "headless", "input": "keyboard"}, **where)  # type: ignore[arg-type]


def test_no_camera_says_why(tmp_path: Path) -> None:
    from hardware.platform import module_available

    if module_available("picamera2"):  # pragma: no cover - on a Pi
        pytest.skip("this machine has picamera2")
    found = detect(env={}, model_path=tmp_path / "absent", dev=tmp_path)
    assert found.no_camera == f"no camera is connected (there is no {tmp_path / 'video0'})"
    pi = detect(env={}, model_path=model_file(tmp_path, b"Raspberry Pi 4 Model B Rev 1.5\x00"), dev=tmp_path)
    assert pi.no_camera.startswith("picamera2 is not installed")
    off = detect({"camera": "none"}, env={}, model_path=tmp_path / "absent", dev=tmp_path)
    assert off.no_camera == "the camera is switched off (camera: none)"
    (tmp_path / "video0").touch()
    assert detect(env={}, model_path=tmp_path / "absent", dev=tmp_path).no_camera == ""
