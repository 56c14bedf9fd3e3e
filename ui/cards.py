"""SLIP-39 share cards as images: for a thermal printer (384 px = 48 mm at 203 dpi) or a PDF/PNG set.

Each card names its set (the 15-bit identifier every share of one split has in common), which
share it is, its group and the thresholds, lists the words numbered in two columns, and carries a
QR code of the share (the words in capitals, so the code uses QR's compact alphanumeric mode; the
device reads it back on "Scan a share card"). Black on white, no greys: thermal printers dither.
Reading a share loads shamir-mnemonic: ``signer.keys.slip39`` is imported where a card is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from signer.transport.frames import render_qr
from ui import text, theme

CARD_WIDTH = 384
PAD = 16
WORD_SIZE = 22
BLACK, WHITE = 0, 255


@dataclass(frozen=True)
class ShareInfo:
    """What a card says about its share (all public; the words are the secret)."""

    identifier: int
    group: int  # 1-based
    group_count: int
    group_threshold: int
    member: int  # 1-based
    member_count: int | None  # shares made in this group (the share itself does not record it)
    member_threshold: int
    fingerprint: str = ""
    note: str = ""  # e.g. "restores BIP-39 words in Airlock"

    @classmethod
    def of(
        cls, mnemonic: str, member_count: int | None = None, fingerprint: str = "", note: str = ""
    ) -> ShareInfo:
        from signer.keys.slip39 import parse_share

        share = parse_share(mnemonic)
        return cls(
            share.identifier,
            share.group_index + 1,
            share.group_count,
            share.group_threshold,
            share.index + 1,
            member_count,
            share.member_threshold,
            fingerprint,
            note,
        )

    def lines(self) -> list[str]:
        member = f"share {self.member}" + (f" of {self.member_count}" if self.member_count else "")
        lines = [
            f"Set {self.identifier:05d}   {member}",
            f"{self.member_threshold} shares of this group needed",
        ]
        if self.group_count > 1:
            lines.insert(1, f"Group {self.group} of {self.group_count}, {self.group_threshold} groups needed")
        if self.fingerprint:
            lines.append(f"Wallet fingerprint {self.fingerprint}")
        if self.note:
            lines.append(self.note)
        return lines


def share_card(words: list[str], info: ShareInfo, width: int = CARD_WIDTH) -> Image.Image:
    """One card as a 1-bit-friendly grayscale image ``width`` pixels wide."""
    inner = width - 2 * PAD
    font_title, font_info, font_word = theme.font(26), theme.font(17), theme.font(WORD_SIZE)
    info_lines = [part for line in info.lines() for part in text.wrap(line, inner, 17)]
    half = (len(words) + 1) // 2
    row_h = WORD_SIZE + 10
    qr = render_qr(" ".join(words).upper(), ecc="M", module_px=1, quiet_zone=4)
    scale = max(1, inner // qr.width)
    qr = qr.resize((qr.width * scale, qr.height * scale), Image.Resampling.NEAREST)
    height = PAD + 34 + len(info_lines) * 22 + 12 + half * row_h + 16 + qr.height + 30 + PAD
    card = Image.new("L", (width, height), WHITE)
    draw = ImageDraw.Draw(card)
    y = PAD
    draw.text((PAD, y), "SLIP-39 SHARE", fill=BLACK, font=font_title)
    y += 34
    for line in info_lines:
        draw.text((PAD, y), line, fill=BLACK, font=font_info)
        y += 22
    y += 4
    draw.line((PAD, y, width - PAD, y), fill=BLACK, width=2)
    y += 8
    column = inner // 2
    for i, word in enumerate(words):
        x = PAD + (column if i >= half else 0)
        row = i - half if i >= half else i
        yy = y + row * row_h
        draw.text((x + 30, yy), f"{i + 1}.", fill=BLACK, font=font_info, anchor="ra")
        draw.text((x + 36, yy - 2), word, fill=BLACK, font=font_word)
    y += half * row_h + 8
    draw.line((PAD, y, width - PAD, y), fill=BLACK, width=2)
    y += 8
    card.paste(qr, ((width - qr.width) // 2, y))
    y += qr.height + 6
    draw.text(
        (width / 2, y),
        "Keep secret. Anyone with enough shares takes the funds.",
        fill=BLACK,
        font=theme.font(14),
        anchor="mt",
    )
    return card


def save_pdf(cards: list[Image.Image], path: str, dpi: float = 203.0) -> None:
    """All cards in one PDF, a page each, at the thermal printer's resolution (for a PDF "printer")."""
    if not cards:
        raise ValueError("no cards to save")
    pages = [card.convert("L") for card in cards]
    pages[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
