"""Printers: one interface (:class:`Printer`), backends ESC/POS thermal (serial or USB) and PDF/PNG.

Backend modules are imported on use, e.g. ``from hardware.printer.escpos import EscPosPrinter``.
"""

from hardware.printer.base import Printer

__all__ = ["Printer"]
