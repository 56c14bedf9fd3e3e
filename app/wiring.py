"""Build the devices a platform offers, the UI session around them, and run the frame loop."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardware.input.events import ButtonEvent
from ui.events import Input, Key, Kind

FRAME_S = 0.05  # 20 frames a second at most; the loop sleeps in input.poll between them


def to_input(event: ButtonEvent) -> Input:
    """A hardware button event as the UI's input event."""
    return Input(Key(event.button.value), Kind(event.kind), event.held_for)


@dataclass
class Devices:
    display: Any
    input: Any
    camera: Any = None
    printer: Any = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            with contextlib.suppress(Exception):  # closing is best effort at shutdown
                close()


def open_devices(
    platform: Any,
    *,
    frames: Path | None = None,
    frames_loop: bool = False,
    capture_dir: Path | None = None,
    printer_path: str | None = None,
    pdf_dir: Path | None = None,
    script: list[str] | None = None,
) -> Devices:
    """Open the backend the platform chose for each kind of device."""
    closers: list[Callable[[], None]] = []
    if platform.display == "st7789":
        from hardware.display.st7789 import open_waveshare_hat

        display = open_waveshare_hat()
    elif platform.display == "emulator":
        from hardware.display.emulator import EmulatorWindow

        display = EmulatorWindow(title="Airlock (emulator)")
    else:
        from hardware.display.headless import CaptureDisplay

        display = CaptureDisplay(directory=capture_dir)
    closers.append(display.close)

    if platform.input == "gpio":
        from hardware.input.gpio import GpioButtons

        buttons: Any = GpioButtons()
    elif platform.input == "keyboard":
        buttons = display.input  # the emulator window owns its keyboard and mouse
    else:
        from hardware.input.scripted import ScriptedInput

        buttons = ScriptedInput.from_script(*(script or []))
    closers.append(buttons.close)

    camera = None
    if platform.camera == "picamera2":
        from hardware.camera.picamera import PiCamera

        camera = PiCamera(grayscale=True)
    elif platform.camera == "opencv":
        from hardware.camera.opencv import OpenCVCamera

        camera = OpenCVCamera(0, grayscale=True)
    elif platform.camera == "frames":
        from hardware.camera.frames import FramesCamera

        if frames is None:
            raise ValueError("the frames camera needs --frames DIR (a folder of QR pictures)")
        if frames.is_dir() and not frames_loop:  # a folder another program keeps writing
            camera = FramesCamera.from_directory(frames, grayscale=True)
        else:  # the pictures there now (or one picture), shown again and again
            pictures = (
                sorted(p for p in frames.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
                if frames.is_dir()
                else [frames]
            )
            camera = FramesCamera.from_files(pictures, loop=True, grayscale=True)
    if camera is not None:
        camera.start()
        closers.append(camera.stop)

    printer = None
    if platform.printer in ("escpos-serial", "escpos-usb"):
        from hardware.printer.escpos import EscPosPrinter
        from hardware.printer.sinks import FileSink, SerialSink

        sink: Any = (
            SerialSink(printer_path or "/dev/serial0")
            if platform.printer == "escpos-serial"
            else FileSink(printer_path or "/dev/usb/lp0")
        )
        printer = EscPosPrinter(sink, cut=True)
    elif platform.printer == "pdf":
        from hardware.printer.pdf import PdfPrinter

        folder = pdf_dir or Path("share-cards")
        folder.mkdir(parents=True, exist_ok=True)
        printer = PdfPrinter(folder / "share-cards.pdf", png_dir=folder)
    if printer is not None:
        closers.append(printer.close)
    return Devices(display, buttons, camera, printer, closers)


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

    def step(self, timeout: float = FRAME_S) -> bool:
        """One turn of the loop; False once the emulator window was closed."""
        pump = getattr(self.devices.display, "pump", None)
        if pump is not None and not pump():
            return False
        event = self.devices.input.poll(timeout)
        if event is not None:  # one event a turn, so every state it leads to is drawn
            self.app.handle(to_input(event))
        self.app.tick(self.clock())
        if self.app.dirty:
            self.draw()
        return True

    def draw(self) -> None:
        from ui.capture import should_blank

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
