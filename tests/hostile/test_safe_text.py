"""Strings from a request are shown so that nothing hides, redraws or reorders: the one escaping
rule (signer.safe_text), the CLI's output streams and the device's text layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from signer import safe_text
from signer.cli import main

HIDDEN = {
    "escape code": "\x1b[2J",
    "carriage return": "\r",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "zero-width space": "\u200b",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "tag letter": "\U000e0041",
    "variation selector": "\ufe0f",
    "hangul filler": "\u3164",
    "no-break space": "\u00a0",
    "line separator": "\u2028",
    "private use": "\ue000",
    "unassigned": "\U000e0080",
}


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_every_hidden_character_is_shown_as_its_code(hidden: str) -> None:
    shown = safe_text.visible(f"pay{hidden}me")
    assert shown.isascii() and shown.isprintable(), repr(shown)
    assert shown.startswith("pay\\") and shown.endswith("me")
    assert safe_text.visible(shown) == shown  # idempotent: text escaped earlier passes unchanged


def test_readable_text_in_any_script_is_left_as_it_is() -> None:
    for text in ("Grüße aus München", "東京で会いましょう", "Αθήνα", "line one\nline two", "a\\u202eb"):
        assert safe_text.visible(text) == text
    assert safe_text.visible("tab\there") == "tab\\x09here"
    assert safe_text.visible("tab\there", keep="\t") == "tab\there"


def test_escape_for_signed_text_doubles_backslashes_and_counts() -> None:
    typed = safe_text.escape("a\\u202eb")  # someone typed the six characters \u202e
    real = safe_text.escape("a\u202eb")
    assert typed.text != real.text and typed.escaped == 0 and real.escaped == 1
    assert safe_text.escape("café", ascii_only=True) == safe_text.Escaped("caf\\xe9", 1)
    assert safe_text.escape_bytes(b"ok\xff").text == "ok\\xff"


@pytest.mark.parametrize(
    ("domain", "reason", "deceptive"),
    [
        ("example.com", None, False),
        ("app.uniswap.org", None, False),
        ("\u0430\u0440\u0440.uniswap.org", "non-ASCII letters (Cyrillic)", False),  # "app" in Cyrillic
        ("uniswap\u0430.org", "several scripts (Cyrillic, Latin)", True),
        ("xn--pp-8cd.uniswap.org", "punycode", False),
        ("uni\u200bswap.org", "hidden characters", True),
        ("m\u00fcnchen.de", "non-ASCII letters (Latin)", False),
    ],
)
def test_lookalike_domains_are_named(domain: str, reason: str | None, deceptive: bool) -> None:
    found = safe_text.lookalike(domain)
    if reason is None:
        assert found is None
    else:
        assert found is not None and reason in found.reason and found.deceptive == deceptive, found


def test_the_cli_never_prints_a_requests_control_or_bidi_characters(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], secret_input
) -> None:
    """A string in typed data cannot clear the terminal, move the cursor or reverse a line."""
    typed = {
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}],
            "Note": [{"name": "text", "type": "string"}],
        },
        "primaryType": "Note",
        "domain": {"name": "Dapp\u202e"},
        "message": {"text": "hello\x1b[2J\x1b[1;1HAll good\u200b"},
    }
    request = tmp_path / "typed.json"
    request.write_text(json.dumps(typed))
    words = secret_input("words", "abandon " * 11 + "about")
    main(["sign", str(request), "--mnemonic-file", str(words), "--accept-risk"])
    out, err = capsysbinary.readouterr()
    printed = (out + err).decode()
    for hidden in ("\x1b", "\u202e", "\u200b"):
        assert hidden not in printed
    assert "hello\\x1b[2J\\x1b[1;1HAll good\\u200b" in printed and "Dapp\\u202e" in printed


def test_the_device_lays_out_hidden_characters_as_codes() -> None:
    from ui import text

    assert text.wrap("to \u202eevil\u200b", 200) == ["to \\u202eevil\\u200b"]
    assert text.ellipsize("name\u202e", 200) == "name\\u202e"
    assert "\\u2066" in text.middle_ellipsize("bc1q\u2066" + "x" * 80, 200)
