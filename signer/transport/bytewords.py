"""Bytewords (BCR-2020-012): bytes as four-letter words, with a CRC-32 on the end.

Encoding appends CRC-32 (zlib / ISO-HDLC) of the data big-endian, then maps every byte to
its word. Three styles: ``standard`` (words joined by spaces), ``uri`` (joined by ``-``)
and ``minimal`` (first and last letter of each word, no separator; what URs use).
Decoding is case-insensitive, checks the middle letters of full words, needs at least
one data byte plus the 4-byte CRC, and verifies the CRC.
"""

from __future__ import annotations

import zlib
from enum import Enum

from signer.transport.errors import TransportError

_ALL_WORDS = (
    "ableacidalsoapexaquaarchatomauntawayaxisbackbaldbarnbeltbetabiasbluebodybragbrewbulbbuzz"
    "calmcashcatschefcityclawcodecolacookcostcruxcurlcuspcyandarkdatadaysdelidicedietdoordown"
    "drawdropdrumdulldutyeacheasyechoedgeepicevenexamexiteyesfactfairfernfigsfilmfishfizzflap"
    "flewfluxfoxyfreefrogfuelfundgalagamegeargemsgiftgirlglowgoodgraygrimgurugushgyrohalfhang"
    "hardhawkheathelphighhillholyhopehornhutsicedideaidleinchinkyintoirisironitemjadejazzjoin"
    "joltjowljudojugsjumpjunkjurykeepkenokeptkeyskickkilnkingkitekiwiknoblamblavalazyleaflegs"
    "liarlimplionlistlogoloudloveluaulucklungmainmanymathmazememomenumeowmildmintmissmonknail"
    "navyneednewsnextnoonnotenumbobeyoboeomitonyxopenovalowlspaidpartpeckplaypluspoempoolpose"
    "puffpumapurrquadquizraceramprealredorichroadrockroofrubyruinrunsrustsafesagascarsetssilk"
    "skewslotsoapsolosongstubsurfswantacotasktaxitenttiedtimetinytoiltombtoystriptunatwinugly"
    "undouniturgeuservastveryvetovialvibeviewvisavoidvowswallwandwarmwaspwavewaxywebswhatwhen"
    "whizwolfworkyankyawnyellyogayurtzapszerozestzinczonezoom"
)

WORDS: tuple[str, ...] = tuple(_ALL_WORDS[i : i + 4] for i in range(0, 1024, 4))
"""The 256 words, alphabetical: ``WORDS[0x00] == "able"`` ... ``WORDS[0xff] == "zoom"``."""

_MINIMAL: tuple[str, ...] = tuple(w[0] + w[3] for w in WORDS)

# 26x26 table indexed by (first letter, last letter): the byte, or -1 when no word fits.
_BY_ENDS: list[int] = [-1] * (26 * 26)
for _byte, _word in enumerate(WORDS):
    _BY_ENDS[(ord(_word[0]) - 97) * 26 + ord(_word[3]) - 97] = _byte

CHECKSUM_LEN = 4


class Style(Enum):
    STANDARD = " "
    URI = "-"
    MINIMAL = ""


def crc32(data: bytes) -> int:
    """CRC-32/ISO-HDLC as an unsigned 32-bit integer (what bc-ur calls crc32_int)."""
    return zlib.crc32(data) & 0xFFFFFFFF


def encode(data: bytes, style: Style = Style.MINIMAL) -> str:
    """Words for ``data || crc32(data)`` (CRC big-endian), lower case."""
    framed = bytes(data) + crc32(data).to_bytes(CHECKSUM_LEN, "big")
    table = _MINIMAL if style is Style.MINIMAL else WORDS
    return style.value.join(table[b] for b in framed)


def decode(text: str, style: Style = Style.MINIMAL) -> bytes:
    """The data bytes (CRC stripped) or TransportError saying what is wrong (never quoting input)."""
    if not isinstance(text, str):
        raise TransportError("bytewords: expected text")
    if not text.isascii():
        raise TransportError("bytewords: non-ASCII character")
    text = text.lower()
    if style is Style.MINIMAL:
        if len(text) % 2:
            raise TransportError("bytewords: minimal text has an odd number of letters")
        words = [text[i : i + 2] for i in range(0, len(text), 2)]
    else:
        words = text.split(style.value) if text else []
    framed = bytearray()
    for position, word in enumerate(words):
        framed.append(_word_to_byte(word, position, full=style is not Style.MINIMAL))
    if len(framed) < CHECKSUM_LEN + 1:
        raise TransportError("bytewords: too short (needs at least one byte plus the 4-byte checksum)")
    body, checksum = bytes(framed[:-CHECKSUM_LEN]), bytes(framed[-CHECKSUM_LEN:])
    if crc32(body).to_bytes(CHECKSUM_LEN, "big") != checksum:
        raise TransportError("bytewords: checksum mismatch (misread or corrupted)")
    return body


def _word_to_byte(word: str, position: int, *, full: bool) -> int:
    expected_len = 4 if full else 2
    if len(word) != expected_len or not all("a" <= c <= "z" for c in word):
        raise TransportError(f"bytewords: invalid word at position {position}")
    value = _BY_ENDS[(ord(word[0]) - 97) * 26 + ord(word[-1]) - 97]
    if value < 0 or (full and WORDS[value] != word):
        raise TransportError(f"bytewords: invalid word at position {position}")
    return value
