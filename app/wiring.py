"""Build the devices a platform offers, the UI session around them, and run the frame loop.

Each backend's module is imported only when it is the one chosen: the drivers bring their libraries
(spidev and gpiozero, pygame, OpenCV, picamera2, a serial port) that other platforms lack, and the
device's start-up needs none but its own.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardware.display.headless import CaptureDisplay
from hardware.errors import BackendUnavailable, ConfigError, HardwareError
from hardware.input.events import ButtonEvent
from hardware.input.scripted import ScriptedInput
from ui.capture import should_blank
from ui.events import Input, Key, Kind
from ui.session import CameraMissing, CameraStopped

FRAME_S = 0.05  # 20 frames a second at most; the loop waits in input.poll for what is left of a frame
PDF_FOLDER = "share-cards"  # where the PDF printer writes when no --printer-path is given


def to_input(event: ButtonEvent) -> Input:
    """A hardware button event as the UI's input event."""
    return Input(Key(event.button.value), Kind(event.kind), event.held_for)


@dataclass
class Devices:
    display: Any
    input: Any = None
    camera: Any = None
    printer: Any = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            with contextlib.suppress(Exception):  # closing is best effort at shutdown
                close()


def check_options(
    platform: Any, *, frames: Path | None, capture_dir: Path | None, printer_path: str | None
) -> None:
    """An option for one backend given with another is refused, never silently ignored."""
    if capture_dir is not None and platform.display != "headless":
        raise ConfigError(f"--capture-dir is for the headless display, not the {platform.display} one")
    if frames is not None and platform.camera != "frames":
        raise ConfigError(f"--frames is for the frames camera, not {platform.camera}: add --camera frames")
    if platform.camera == "frames" and frames is None:
        raise ConfigError("the frames camera needs --frames: a QR picture, or a folder of them")
    if printer_path is not None and platform.printer == "none":
        raise ConfigError("--printer-path needs a printer: add --printer escpos-serial, escpos-usb or pdf")


def open_devices(
    platform: Any,
    *,
    frames: Path | None = None,
    frames_loop: bool = False,
    capture_dir: Path | None = None,
    printer_path: str | None = None,
    script: list[str] | None = None,
) -> Devices:
    """Open the backend the platform chose for each kind of device (options checked first).

    A real camera is opened on its own thread (:class:`CameraFeed`): a camera that is missing or
    hangs never stops the device from starting; the Scan screen says what is wrong."""
    check_options(platform, frames=frames, capture_dir=capture_dir, printer_path=printer_path)
    devices = Devices(None)
    try:  # the camera and printer first: their options are checked before a window or a folder appears
        devices.camera = open_camera(platform, frames, frames_loop)
        if devices.camera is not None:
            devices.closers.append(devices.camera.stop)
        devices.printer = open_printer(platform, printer_path)
        if devices.printer is not None:
            devices.closers.append(devices.printer.close)
        devices.display = open_display(platform, capture_dir)
        devices.closers.append(devices.display.close)
        devices.input = open_input(platform, devices.display, script)
        devices.closers.append(devices.input.close)
    except BaseException:
        devices.close()  # what opened before the error must not outlive it
        raise
    return devices


def open_display(platform: Any, capture_dir: Path | None) -> Any:
    if platform.display == "st7789":
        from hardware.display.st7789 import open_waveshare_hat

        return open_waveshare_hat()
    if platform.display == "emulator":
        from hardware.display.emulator import EmulatorWindow

        return EmulatorWindow(title="Airlock (emulator)")

    return CaptureDisplay(directory=capture_dir)


def open_input(platform: Any, display: Any, script: list[str] | None) -> Any:
    if platform.input == "gpio":
        from hardware.input.gpio import GpioButtons

        return GpioButtons()
    if platform.input == "keyboard":
        return display.input  # the emulator window owns its keyboard and mouse

    return ScriptedInput.from_script(*(script or []))


def open_camera(platform: Any, frames: Path | None, frames_loop: bool) -> Any:
    """The camera, started: a real one as a :class:`CameraFeed` (opening in the background), the
    frames camera at once (a wrong path is an option error, said before the device starts)."""
    camera: Any
    if platform.camera in ("picamera2", "opencv"):
        from hardware.camera.feed import CameraFeed

        if platform.camera == "picamera2":
            from hardware.camera.picamera import PiCamera

            camera = CameraFeed(PiCamera(grayscale=True))
        else:
            from hardware.camera.opencv import OpenCVCamera

            camera = CameraFeed(OpenCVCamera(0, grayscale=True))
    elif platform.camera == "frames":
        from hardware.camera.frames import FramesCamera

        assert frames is not None  # check_options
        if frames.is_dir() and not frames_loop:  # a folder another program keeps writing
            camera = FramesCamera.from_directory(frames, grayscale=True)
        else:  # the pictures there now (or one picture), shown again and again
            pictures = (
                sorted(p for p in frames.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
                if frames.is_dir()
                else [frames]
            )
            camera = FramesCamera.from_files(pictures, loop=True, grayscale=True)
    else:
        return None
    camera.start()
    return camera


def open_printer(platform: Any, printer_path: str | None) -> Any:
    if platform.printer in ("escpos-serial", "escpos-usb"):
        from hardware.printer.escpos import EscPosPrinter
        from hardware.printer.sinks import FileSink, SerialSink

        sink: Any = (
            SerialSink(printer_path or "/dev/serial0")
            if platform.printer == "escpos-serial"
            else FileSink(printer_path or "/dev/usb/lp0")
        )
        return EscPosPrinter(sink, cut=True)
    if platform.printer == "pdf":
        from hardware.printer.pdf import PdfPrinter

        target = Path(printer_path or PDF_FOLDER)
        if target.suffix.lower() == ".pdf":  # one PDF file, a page a card
            if not target.parent.is_dir():
                raise ConfigError(f"--printer-path {target}: the folder {target.parent} does not exist")
            return PdfPrinter(target)
        try:  # a folder: the PDF and a PNG a card
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"--printer-path {target}: cannot create the folder ({exc.strerror})") from None
        return PdfPrinter(target / "share-cards.pdf", png_dir=target)
    return None


def camera_reader(camera: Any) -> Callable[[], Any]:
    """``camera.read`` for the UI session, its hardware errors told apart the way the Scan screen
    tells them to a person: no camera (it could not be opened) or a camera that stopped."""
    def read() -> Any:
        try:
            return camera.read()
        except BackendUnavailable as exc:
            raise CameraMissing(str(exc)) from None
        except HardwareError as exc:
            raise CameraStopped(str(exc)) from None

    return read


def printer_writer(printer: Any) -> Callable[[list[Any]], None]:
    def write(images: list[Any]) -> None:
        for image in images:
            printer.print_image(image)

    return write


class Runner:
    """Feeds input and clock ticks to the app and pushes changed frames to the display."""

    def __init__(
        self,
        app: Any,
        session: Any,
        devices: Devices,
        clock: Callable[[], float] = time.monotonic,
        on_frame: Callable[[Any, Any], None] | None = None,
    ) -> None:
        self.app, self.session, self.devices, self.clock = app, session, devices, clock
        self.on_frame = on_frame
        self.frames = 0
        self._due = 0.0  # when the next turn is due: FRAME_S after the last one began

    def step(self, timeout: float | None = None) -> bool:
        """One turn of the loop; False once the emulator window was closed.

        It waits for input at most ``timeout`` seconds, by default only what is left of the frame
        period after the last turn's work (ticking, drawing): a turn that took 30 ms waits 20, so a
        camera preview keeps its 20 frames a second. The wait also ends at the screen's next
        deadline when that comes first (an animation frame is due), so a frame is drawn when it is
        due, not a fixed wait after the last one was drawn. After drawing, the screen may work ahead
        (draw its next frame) before the next wait.
        """
        pump = getattr(self.devices.display, "pump", None)
        if pump is not None and not pump():
            return False
        if timeout is None:
            timeout = max(0.0, min(FRAME_S, self._due - self.clock()))
        event = self.devices.input.poll(self._wait(timeout))
        self._due = self.clock() + FRAME_S
        with self._turn():  # never importing while the warm-up thread does (see signer.chains.warm_up)
            if event is not None:  # one event a turn, so every state it leads to is drawn
                self.app.handle(to_input(event))
            self.app.tick(self.clock())
            if self.app.dirty:
                self.draw()
            self.app.idle()
        return True

    def _wait(self, timeout: float) -> float:
        """``timeout``, cut short to the screen's next deadline."""
        due = self.app.next_tick()
        if due is None:
            return timeout
        return min(timeout, max(0.0, due - self.clock()))

    def _turn(self) -> Any:
        warm_up = getattr(self.session, "warm_up", None)
        return warm_up.turn() if warm_up is not None else contextlib.nullcontext()

    def draw(self) -> None:
        frame = self.app.frame()
        secret = should_blank(self.app.screen, self.session)
        self.devices.display.show(frame, secret=secret)
        self.frames += 1
        if self.on_frame is not None:
            self.on_frame(self.app, frame)

    def run(self, until_script_ends: bool = False) -> None:
        """Loop until the emulator window closes (or, with a scripted input, its script ends)."""
        self.draw()
        while self.step():
            if until_script_ends and getattr(self.devices.input, "remaining", 1) == 0:
                self.step(0.0)  # let the last event's effects draw
                return
