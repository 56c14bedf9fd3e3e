"""Printing to files: a multi-page PDF (Pillow) and/or one PNG per page.

For demos, docs and tests. A share card printed here is secret material on disk in plaintext: the
device never uses this backend unless asked to explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hardware.errors import ConfigError, DeviceError
from hardware.printer.base import Printer, check_image

if TYPE_CHECKING:
    from PIL import Image

THERMAL_DPI = 203


def write_pdf(images: Sequence[Image.Image], path: Path | str, *, dpi: int = THERMAL_DPI) -> Path:
    """One page per image, each page the image's size at ``dpi``."""
    if not images:
        raise ConfigError("a PDF needs at least one page")
    if dpi <= 0:
        raise ConfigError(f"dpi must be positive, not {dpi}")
    pages = [check_image(image).convert("RGB") for image in images]
    target = Path(path)
    try:
        pages[0].save(target, format="PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    except OSError as exc:
        raise DeviceError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target


def write_pngs(images: Sequence[Image.Image], directory: Path | str, *, stem: str = "page") -> list[Path]:
    """``stem-01.png``, ``stem-02.png``, ... in ``directory`` (made if missing)."""
    folder = Path(directory)
    paths = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for number, image in enumerate(images, start=1):
            path = folder / f"{stem}-{number:02d}.png"
            check_image(image).save(path, format="PNG")
            paths.append(path)
    except OSError as exc:
        raise DeviceError(f"cannot write pages to {folder}: {exc.strerror or exc}") from exc
    return paths


class PdfPrinter(Printer):
    """Each printed image becomes a page; the PDF is rewritten after every page so it is always whole."""

    def __init__(
        self, pdf_path: Path | str | None, *, png_dir: Path | str | None = None, dpi: int = THERMAL_DPI
    ) -> None:
        if pdf_path is None and png_dir is None:
            raise ConfigError("give a PDF path, a PNG directory, or both")
        self.pdf_path = Path(pdf_path) if pdf_path is not None else None
        self.png_dir = Path(png_dir) if png_dir is not None else None
        self.dpi = dpi
        self.pages: list[Image.Image] = []

    def print_image(self, image: Image.Image) -> None:
        page = check_image(image).copy()
        self.pages.append(page)
        if self.pdf_path is not None:
            write_pdf(self.pages, self.pdf_path, dpi=self.dpi)
        if self.png_dir is not None:
            number = len(self.pages)
            path = self.png_dir / f"page-{number:02d}.png"
            try:
                self.png_dir.mkdir(parents=True, exist_ok=True)
                page.save(path, format="PNG")
            except OSError as exc:
                raise DeviceError(f"cannot write {path}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        self.pages.clear()
