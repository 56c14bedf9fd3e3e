"""``airlock device`` as a person starts it: a machine it cannot show anything on, an emulator without
a desktop, options for one backend given with another. Each ends at once with one line saying what
is wrong and what to do; every option given is honoured or refused, never silently ignored.

The commands run in a child process with a timeout: a device that waits for a window nobody can see
fails the test instead of hanging it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from hardware.platform import detect

TIMEOUT_S = 120  # a generous bound for a child process on a busy machine; a hang fails the test


def airlock(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, timeout: float = TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """Run ``airlock device ARGS`` on a machine without a desktop (plus ``env``), with a timeout."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER") and not k.startswith("AIRLOCK_")
    }
    clean.update(env or {}, HOME=str(tmp_path))
    command = [sys.executable, "-m", "app.main", "device", "--vault", str(tmp_path / "v.airlock"), *args]
    try:
        return subprocess.run(command, env=clean, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"'airlock device {' '.join(args)}' still ran after {timeout} s: it must fail fast")


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("airlock:")]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    return lines[0]


def bogus_display() -> str:
    """An X display number nothing listens on here."""
    for number in range(93, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            return f":{number}"
    pytest.skip("every X display number here is taken")


def test_no_screen_at_all_says_what_is_missing_and_what_to_use(tmp_path: Path) -> None:
    if detect(env={}).display != "headless":  # pragma: no cover - a Pi with its HAT
        pytest.skip("this machine has a screen")
    line = one_line_error(airlock(tmp_path))
    assert line.startswith("airlock: device: no screen to show Airlock on: no SPI screen (")
    assert "no desktop for the emulator window (DISPLAY is not set)" in line
    assert "airlock device --emulator" in line and "--display headless --capture-dir DIR" in line
    assert not (tmp_path / "v.airlock").exists()


@pytest.mark.parametrize("display", ["unset", "bogus"])
def test_the_emulator_without_a_desktop_fails_fast(tmp_path: Path, display: str) -> None:
    if importlib.util.find_spec("pygame") is None:
        pytest.skip("pygame is the [emulator] extra")
    env = {} if display == "unset" else {"DISPLAY": bogus_display()}
    line = one_line_error(airlock(tmp_path, "--emulator", env=env))
    if display == "unset":
        assert line == (
            "airlock: device: no desktop for the emulator window: DISPLAY is not set; "
            "run it in a desktop session, or use --display headless --capture-dir DIR"
        )
    else:
        assert line.startswith(f"airlock: device: no desktop answers on DISPLAY={env['DISPLAY']} ")


def test_a_desktop_nobody_answers_on_is_no_screen_either(tmp_path: Path) -> None:
    """Detection picks the emulator when DISPLAY is set; a DISPLAY that does not answer still fails."""
    if importlib.util.find_spec("pygame") is None:
        pytest.skip("pygame is the [emulator] extra")
    line = one_line_error(airlock(tmp_path, env={"DISPLAY": bogus_display()}))
    assert "no desktop answers on DISPLAY=" in line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--emulator", "--capture-dir", "cap"],
            "--capture-dir is for the headless display, not the emulator one",
        ),
        (["--display", "headless", "--camera", "frames"], "the frames camera needs --frames"),
        (
            ["--display", "headless", "--camera", "none", "--frames", "x.png"],
            "--frames is for the frames camera",
        ),
        (["--display", "headless", "--printer-path", "cards.pdf"], "--printer-path needs a printer"),
        (["--display", "headless", "--input", "keyboard"], "the keyboard input is the emulator window's"),
        (
            ["--display", "headless", "--printer", "pdf", "--printer-path", "no/dir/c.pdf"],
            "no/dir does not exist",
        ),
        (["--capture-dir", "cap", "--frames", "missing.png"], "frame files not found: missing.png"),
    ],
)
def test_an_option_for_another_backend_is_refused_in_one_line(
    tmp_path: Path,
    args: list[str],
    said: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.main import main

    monkeypatch.chdir(tmp_path)
    assert main(["device", "--vault", str(tmp_path / "v.airlock"), *args]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("airlock: device: ") and said in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing created: no vault, no folder


def test_capture_dir_alone_runs_headless_even_on_a_desktop(tmp_path: Path) -> None:
    """--capture-dir implies the headless display: a desktop session does not turn it into a window."""
    result = airlock(
        tmp_path, "--capture-dir", str(tmp_path / "cap"), "--camera", "none", env={"DISPLAY": bogus_display()}
    )
    assert result.returncode == 0, result.stderr
    pngs = sorted((tmp_path / "cap").glob("*.png"))
    assert len(pngs) == 1 and Image.open(pngs[0]).size == (240, 240)
    assert result.stdout.strip() == f"airlock device: headless run done, 1 screen in {tmp_path / 'cap'}/"


def test_a_camera_that_cannot_open_does_not_stop_the_device(tmp_path: Path) -> None:
    """The device starts without its camera (the Scan screen says why); a missing camera used to end it."""
    script = tmp_path / "script.txt"
    script.write_text("press DOWN\n")
    result = airlock(
        tmp_path, "--script", str(script), "--camera", "opencv", env={"OPENCV_LOG_LEVEL": "ERROR"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("airlock device: headless run done, ")
