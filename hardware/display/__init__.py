"""Displays: one interface (:class:`Display`), backends ST7789 (SPI), emulator window, headless capture.

Backend modules are imported on use, e.g. ``from hardware.display.st7789 import ST7789Display``.
"""

from hardware.display.base import Display, check_frame

__all__ = ["Display", "check_frame"]
