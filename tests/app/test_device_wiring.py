"""The app wiring: real hardware backends (simulated panel, gpiozero MockFactory pins, scripted and
headless devices) connected to the real UI, end to end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from app.wiring import Devices, Runner, to_input
from hardware.input.events import Button, ButtonEvent
from signer.keys import envelope
from signer.netcheck import Interface
from ui.device import build_app
from ui.events import Input, Key, Kind
from ui.session import Session


@pytest.mark.parametrize("button", list(Button))
@pytest.mark.parametrize("kind", ["press", "release", "hold", "repeat"])
def test_every_button_event_maps_to_a_ui_input(button: Button, kind: str) -> None:
    assert to_input(ButtonEvent(button, kind, 1.0, 2.5)) == Input(Key(button.value), Kind(kind), 2.5)  # type: ignore[arg-type]


def session_for(tmp_path: Path, interfaces: list[Interface] | None = None) -> Session:
    return Session(
        tmp_path / "vault.airlock", kdf=envelope.TEST_KDF, interfaces=interfaces or [], capture_allowed=True
    )


def test_ui_frames_reach_the_st7789_panel_pixel_exact(tmp_path: Path) -> None:
    from hardware.display.rgb565 import to_rgb565
    from hardware.display.sim_panel import SimPanel
    from hardware.display.st7789 import ST7789Display
    from hardware.input.scripted import ScriptedInput

    panel = SimPanel()
    display = ST7789Display(panel.transport, panel.dc, panel.rst, panel.backlight, sleep=panel.sleep)  # type: ignore[arg-type]
    buttons = ScriptedInput.from_script("press DOWN")
    session = session_for(tmp_path)
    runner = Runner(build_app(session), session, Devices(display, buttons))
    runner.run(until_script_ends=True)
    assert runner.app.content().selected == 1  # the press moved the menu selection
    expected = runner.app.frame()
    assert panel.violations == []
    assert (panel.viewed_rgb565() == to_rgb565(expected)).all()


def test_gpio_buttons_on_mock_pins_drive_the_ui(tmp_path: Path) -> None:
    from gpiozero.pins.mock import MockFactory

    from hardware.display.headless import CaptureDisplay
    from hardware.input.gpio import GpioButtons
    from hardware.input.tracker import InputPolicy

    factory = MockFactory()
    buttons = GpioButtons(policy=InputPolicy(debounce=0.02), pin_factory=factory)
    session = session_for(tmp_path)
    runner = Runner(build_app(session), session, Devices(CaptureDisplay(), buttons))
    try:
        runner.draw()
        assert runner.app.content().title == "Welcome to Airlock" and runner.app.content().selected == 0
        factory.pin(19).drive_low()  # joystick DOWN (BCM 19, active low)
        time.sleep(0.1)
        factory.pin(19).drive_high()
        deadline = time.monotonic() + 2
        while runner.app.content().selected != 1 and time.monotonic() < deadline:
            runner.step(0.05)
        assert runner.app.content().selected == 1
    finally:
        buttons.close()
        factory.reset()


def test_airlock_device_headless_script_blanks_secret_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.main import main
    from hardware.display.headless import secret_placeholder

    # The host's network state is not what this test is about: pin it to one interface that is up.
    monkeypatch.setattr("signer.netcheck.interfaces", lambda *a, **k: [Interface("eth0", True, False)])
    script = tmp_path / "script.txt"
    script.write_text("press PRESS\npress PRESS\n")  # "I understand", then "Set up a vault"
    frames = tmp_path / "frames"
    code = main(
        [
            "device",
            "--vault",
            str(tmp_path / "v.airlock"),
            "--script",
            str(script),
            "--capture-dir",
            str(frames),
            "--camera",
            "none",
        ]
    )
    assert code == 0
    pngs = sorted(frames.glob("*.png"))
    assert len(pngs) >= 3
    first, last = Image.open(pngs[0]).convert("RGB"), Image.open(pngs[-1]).convert("RGB")
    placeholder = secret_placeholder((240, 240))
    assert first.tobytes() != placeholder.tobytes()  # the network warning is shown as it is
    assert last.tobytes() == placeholder.tobytes()  # the password keyboard is secret: blanked
    assert not (tmp_path / "v.airlock").exists()  # nothing typed, nothing created


def test_a_missing_device_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    from app.main import main

    if importlib.util.find_spec("spidev") is not None:
        pytest.skip("spidev is installed here: the ST7789 backend would try the real SPI bus")
    code = main(["device", "--display", "st7789", "--vault", str(tmp_path / "v.airlock")])
    assert code == 1 and "spidev" in capsys.readouterr().err


def pdf_platform() -> object:
    from hardware.platform import Platform

    return Platform(model=None, display="headless", input="scripted", camera="none", printer="pdf")


@pytest.mark.parametrize("where", ["cards.pdf", "cards-folder", None])
def test_the_pdf_printer_writes_where_printer_path_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str | None
) -> None:
    from app.wiring import open_devices, printer_writer

    monkeypatch.chdir(tmp_path)
    devices = open_devices(pdf_platform(), printer_path=str(tmp_path / where) if where else None)
    try:
        printer_writer(devices.printer)([Image.new("1", (384, 200), 1)] * 2)  # two blank cards
    finally:
        devices.close()
    if where == "cards.pdf":
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.pdf"]
        assert (tmp_path / "cards.pdf").read_bytes().startswith(b"%PDF")
    else:
        folder = tmp_path / (where or "share-cards")
        assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]
        assert sorted(p.name for p in folder.iterdir()) == ["page-01.png", "page-02.png", "share-cards.pdf"]


def test_scan_says_no_camera_found_when_the_camera_cannot_open(tmp_path: Path) -> None:
    """The real OpenCV backend on a camera that is not there, opened on the feed's thread, through the
    wiring's error mapping to the Scan screen; OK goes back to the menu."""
    from app.person import Driver
    from app.wiring import camera_reader
    from hardware.camera.feed import CameraFeed
    from hardware.camera.opencv import OpenCVCamera
    from signer.keys.vault import Vault

    Vault.create(tmp_path / "vault.airlock", "pass word 1", envelope.TEST_KDF).lock()
    feed = CameraFeed(OpenCVCamera(str(tmp_path / "no-camera.avi")))
    feed.start()
    try:
        session = session_for(tmp_path)
        session.camera = camera_reader(feed)
        d = Driver(build_app(session))
        d.choose("Unlock")
        d.type_text("pass word 1")
        d.choose("Scan")
        deadline = time.monotonic() + 10
        while d.title == "Scan" and time.monotonic() < deadline:  # the open fails on the feed's thread
            d.tick()
            time.sleep(0.01)
        assert d.title == "No camera found"
        assert d.content().extra["body"].startswith(f"Cannot open camera '{tmp_path / 'no-camera.avi'}'")
        d.choose("OK")
        assert d.title == "Airlock" and "Scan" in d.content().items
    finally:
        feed.stop()


class _RecordingInput:
    """No button events; records how long each poll was allowed to wait, and lets that time pass."""

    def __init__(self, clock: list[float]) -> None:
        self.clock = clock
        self.timeouts: list[float] = []

    def poll(self, timeout: float | None = 0.0) -> None:
        assert timeout is not None
        self.timeouts.append(timeout)
        self.clock[0] += timeout


def test_the_loop_waits_for_input_only_for_what_is_left_of_a_frame(tmp_path: Path) -> None:
    """A turn whose drawing took 30 ms waits 20 ms for input, not a fixed 50 ms on top of its work:
    the camera preview keeps 20 frames a second (FRAME_S)."""
    from app.wiring import FRAME_S
    from hardware.display.headless import CaptureDisplay

    now = [100.0]
    buttons = _RecordingInput(now)

    def drawing_takes_30_ms(app: object, frame: object) -> None:
        now[0] += 0.03

    session = session_for(tmp_path)
    runner = Runner(
        build_app(session),
        session,
        Devices(CaptureDisplay(), buttons),
        clock=lambda: now[0],
        on_frame=drawing_takes_30_ms,
    )
    runner.step()  # the first turn draws the first screen
    assert runner.frames == 1
    runner.step()
    assert buttons.timeouts[1] == pytest.approx(FRAME_S - 0.03)
    runner.step(0.0)  # an explicit timeout is kept
    assert buttons.timeouts[2] == 0.0


def test_the_image_unit_asks_for_the_vault_partition_and_a_missing_one_is_reported(tmp_path: Path) -> None:
    from app.device import vault_storage_problem

    folder = tmp_path / "vault-folder"
    # a laptop's folder of its own is created; the image's partition never is (nothing is mounted here)
    assert vault_storage_problem(folder, env={}) is None and folder.is_dir()
    unit = {"AIRLOCK_VAULT_STORAGE": "partition"}
    assert vault_storage_problem(folder, env=unit) == f"the vault partition is not mounted at {folder}"
    assert vault_storage_problem(tmp_path / "absent", env=unit) is not None
    assert not (tmp_path / "absent").exists()
    image_unit = (Path(__file__).parents[2] / "image" / "airlock.service").read_text()
    assert "Environment=AIRLOCK_VAULT_STORAGE=partition" in image_unit


def test_airlock_device_without_its_vault_partition_shows_storage_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.main import main
    from ui.flows.home import storage_unavailable

    monkeypatch.setattr("signer.netcheck.interfaces", lambda *a, **k: [])
    monkeypatch.setenv("AIRLOCK_VAULT_STORAGE", "partition")
    folder = tmp_path / "lib"
    folder.mkdir()
    script = tmp_path / "script.txt"
    script.write_text("press PRESS\n")  # the one button: "Temporary seed"
    frames = tmp_path / "frames"
    args = ["device", "--vault", str(folder / "vault.airlock"), "--script", str(script)]
    assert main([*args, "--capture-dir", str(frames), "--camera", "none"]) == 0
    pngs = sorted(frames.glob("*.png"))
    reason = f"the vault partition is not mounted at {folder}"
    expected = storage_unavailable(Session(tmp_path / "unused"), reason)
    assert expected.title == "Vault storage unavailable"
    first = Image.open(pngs[0]).convert("RGB")
    assert first.tobytes() == expected.render().convert("RGB").tobytes()
    assert list(folder.iterdir()) == []  # nothing written where the vault would be
