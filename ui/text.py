"""Text measuring and wrapping, so every screen can prove its text fits 240x240.

Text laid out here is first made visible (``signer.safe_text.visible``): a control, bidi or
invisible character that reached a screen from a request shows as its code, so it can neither
reorder the line (the font layout applies bidi) nor hide inside an address or a name.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from signer.display import chunked as chunked  # addresses in groups: one home, shared with the signer's facts
from signer.safe_text import visible
from ui import theme


def width(text: str, size: int = theme.BODY) -> float:
    return theme.font(size).getlength(text)


def line_height(size: int = theme.BODY) -> int:
    return size + 5


def wrap(text: str, max_width: float, size: int = theme.BODY) -> list[str]:
    """Greedy word wrap; words longer than the line (addresses, xpubs) are split by character."""
    lines: list[str] = []
    for paragraph in visible(text).split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if width(candidate, size) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while width(word, size) > max_width:
                cut = len(word)
                while cut > 1 and width(word[:cut], size) > max_width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def sentence(text: str) -> str:
    """``text`` as a sentence on the screen: a capital first letter, a full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def fits(text: str, max_width: float, size: int = theme.BODY) -> bool:
    return width(text, size) <= max_width


def ellipsize(text: str, max_width: float, size: int = theme.BODY) -> str:
    text = visible(text, keep="")
    if fits(text, max_width, size):
        return text
    while text and not fits(text + "…", max_width, size):
        text = text[:-1]
    return text + "…"


def middle_ellipsize(text: str, max_width: float, size: int = theme.BODY) -> str:
    """Keep both ends of an address or key visible: ``bc1qcr8t…306fyu``."""
    text = visible(text, keep="")
    if fits(text, max_width, size):
        return text
    keep = len(text) // 2
    while keep > 2:
        candidate = text[:keep] + "…" + text[-keep:]
        if fits(candidate, max_width, size):
            return candidate
        keep -= 1
    return ellipsize(text, max_width, size)


def fit_size(
    text: str, max_width: float, sizes: tuple[int, ...] = (theme.LARGE, theme.TITLE, theme.BODY, theme.SMALL)
) -> int:
    """The largest of ``sizes`` at which ``text`` fits on one line (the smallest if none does)."""
    for size in sizes:
        if fits(text, max_width, size):
            return size
    return sizes[-1]


_GLYPH_CACHE: dict[str, bool] = {}


def has_glyph(char: str, size: int = theme.BODY) -> bool:
    """Whether the built-in font draws ``char`` (rather than its "missing glyph" box)."""
    if char.isspace():
        return True
    known = _GLYPH_CACHE.get(char)
    if known is None:

        def pixels(c: str) -> bytes:
            image = Image.new("L", (48, 48))
            ImageDraw.Draw(image).text((8, 8), c, font=theme.font(size), fill=255)
            return image.tobytes()

        known = pixels(char) != pixels("\uffff")
        _GLYPH_CACHE[char] = known
    return known


def missing_glyphs(value: str) -> set[str]:
    return {c for c in value if not has_glyph(c)}
