"""Bytewords (BCR-2020-012) and CRC-32: public vectors, structure of the word table, properties."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases

from signer.transport import bytewords
from signer.transport.bytewords import WORDS, Style, crc32
from signer.transport.errors import TransportError

UR_VECTORS = "ur/bc-ur-fountain-bytewords-vectors.json"

# Embedded from PROTOCOLS.md 1.2 / bc-ur test.cpp so the suite means something without ../shared.
EMBEDDED = bytes([0, 1, 2, 128, 255])
EMBEDDED_STANDARD = "able acid also lava zoom jade need echo taxi"
EMBEDDED_URI = "able-acid-also-lava-zoom-jade-need-echo-taxi"
EMBEDDED_MINIMAL = "aeadaolazmjendeoti"


def test_embedded_vector_encodes_in_all_three_styles():
    assert bytewords.encode(EMBEDDED, Style.STANDARD) == EMBEDDED_STANDARD
    assert bytewords.encode(EMBEDDED, Style.URI) == EMBEDDED_URI
    assert bytewords.encode(EMBEDDED) == EMBEDDED_MINIMAL


@pytest.mark.parametrize(
    ("text", "style"),
    [(EMBEDDED_STANDARD, Style.STANDARD), (EMBEDDED_URI, Style.URI), (EMBEDDED_MINIMAL, Style.MINIMAL)],
)
def test_embedded_vector_decodes_in_any_case(text, style):
    assert bytewords.decode(text, style) == EMBEDDED
    assert bytewords.decode(text.upper(), style) == EMBEDDED


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("able acid also lava zero jade need echo wolf", Style.STANDARD),
        ("able-acid-also-lava-zero-jade-need-echo-wolf", Style.URI),
        ("aeadaolazojendeowf", Style.MINIMAL),
        ("wolf", Style.STANDARD),
        ("", Style.STANDARD),
        ("", Style.MINIMAL),
    ],
)
def test_bad_checksum_and_too_short_are_rejected(text, style):
    with pytest.raises(TransportError):
        bytewords.decode(text, style)


def test_crc32_known_values():
    assert crc32(b"Hello, world!") == 0xEBE6C6E6
    assert crc32(b"Wolf") == 0x598C84DC


def test_crc_is_appended_big_endian():
    assert bytewords.encode(b"Wolf", Style.STANDARD).split()[-4:] == [
        WORDS[b] for b in bytes.fromhex("598c84dc")
    ]


def test_word_table_is_256_sorted_words_with_unique_first_last_letters():
    assert len(WORDS) == 256 and len(set(WORDS)) == 256
    assert list(WORDS) == sorted(WORDS)
    assert all(len(w) == 4 and set(w) <= set(string.ascii_lowercase) for w in WORDS)
    assert len({w[0] + w[3] for w in WORDS}) == 256
    assert WORDS[0] == "able" and WORDS[255] == "zoom"


def test_full_words_must_match_their_middle_letters():
    # "abxe" has the first/last letters of "able" but not its middle: must not decode as 0x00.
    good = bytewords.encode(b"\x00abc", Style.STANDARD)
    assert good.startswith("able ")
    with pytest.raises(TransportError, match="position 0"):
        bytewords.decode("abxe" + good[4:], Style.STANDARD)


@pytest.mark.parametrize(
    "text",
    [
        "aeadaolazmjendeot",
        "aeadaolazmjendeot1",
        "aeadaolazmjendeoté",
        "ae adaolazmjendeoti",
        "qqadaolazmjendeoti",
    ],
)
def test_malformed_minimal_text_is_rejected(text):
    with pytest.raises(TransportError):
        bytewords.decode(text)


def test_separator_mismatch_is_rejected():
    with pytest.raises(TransportError):
        bytewords.decode(EMBEDDED_URI, Style.STANDARD)
    with pytest.raises(TransportError):
        bytewords.decode("able  acid also lava zoom jade need echo taxi", Style.STANDARD)


def test_error_messages_do_not_quote_the_input():
    secret_word = "zoom"
    with pytest.raises(TransportError) as info:
        bytewords.decode("able acid also lava zoox jade need echo " + secret_word, Style.STANDARD)
    assert "zoox" not in str(info.value) and secret_word not in str(info.value)


# -- public vectors ------------------------------------------------------------------------------
def _bytewords_cases(data):
    for i, v in enumerate(data["bytewords"]):
        yield f"bytewords-{i}-{len(v['input_hex']) // 2}B", v


@pytest.mark.parametrize("vector", cases(UR_VECTORS, _bytewords_cases))
def test_public_bytewords_vector(vector):
    data = bytes.fromhex(vector["input_hex"])
    for key, style in (("standard", Style.STANDARD), ("uri", Style.URI), ("minimal", Style.MINIMAL)):
        if key in vector:
            assert bytewords.encode(data, style) == vector[key]
            assert bytewords.decode(vector[key], style) == data
    if "crc32_hex" in vector:
        assert crc32(data) == int(vector["crc32_hex"], 16)
    for key, text in vector.get("invalid_bad_checksum", {}).items():
        with pytest.raises(TransportError):
            bytewords.decode(
                text, {"standard": Style.STANDARD, "uri": Style.URI, "minimal": Style.MINIMAL}[key]
            )
    for text in vector.get("invalid_too_short_standard", []):
        with pytest.raises(TransportError):
            bytewords.decode(text, Style.STANDARD)


def _crc_cases(data):
    for v in data["crc32"]:
        yield f"crc32-{v['input_utf8']}", v


@pytest.mark.parametrize("vector", cases(UR_VECTORS, _crc_cases))
def test_public_crc32_vector(vector):
    assert crc32(vector["input_utf8"].encode()) == int(vector["crc32_hex"], 16)


# -- properties ----------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.sampled_from(list(Style)), st.booleans())
def test_round_trip_any_bytes_any_style_any_case(data, style, upper):
    text = bytewords.encode(data, style)
    assert bytewords.decode(text.upper() if upper else text, style) == data


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=120), st.data())
def test_any_single_letter_change_is_detected(data, draw):
    text = bytewords.encode(data)
    position = draw.draw(st.integers(0, len(text) - 1))
    letter = draw.draw(st.sampled_from(string.ascii_lowercase).filter(lambda c: c != text[position]))
    corrupted = text[:position] + letter + text[position + 1 :]
    with pytest.raises(TransportError):
        bytewords.decode(corrupted)
