"""Strings an Ethereum request carries cannot hide, redraw or reorder what the review shows: messages
and typed-data strings show hidden characters as codes with a warning, and a Sign-In with Ethereum
message whose site imitates another is flagged."""

from __future__ import annotations

import json

import pytest
from eth_builders import ABANDON_ADDR0, MAIL, NOW

from signer.chains.ethereum_review import review_message, review_typed_data
from signer.eth.message import parse_personal_message
from signer.eth.typed_data import parse_typed_data
from signer.risk.rules import RiskContext

CTX = RiskContext(now=NOW)


def codes(review) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for w in review.warnings:
        out.setdefault(w.code, set()).add(str(w.severity))
    return out


def test_a_message_with_bidi_and_zero_width_characters_is_shown_with_codes_and_a_warning() -> None:
    raw = "Send to \u202eevil\u200b now".encode()
    review = review_message(parse_personal_message(raw), CTX)
    assert review.message is not None and review.message.data == raw  # what is signed is untouched
    assert review.message.display() == "Send to \\u202eevil\\u200b now"
    assert codes(review)["hidden-characters"] == {"warn"}
    assert "\u202e" not in review.to_text() and "\\u202e" in review.to_text()


def test_control_codes_in_a_message_stay_a_danger() -> None:
    review = review_message(parse_personal_message(b"clear\x1b[2Jscreen"), CTX)
    assert codes(review)["message-not-text"] == {"danger"} and "\x1b" not in review.to_text()


def test_plain_text_in_any_script_has_no_warning() -> None:
    review = review_message(parse_personal_message("Grüße, 東京 ✓".encode()), CTX)
    assert codes(review) == {} and review.message is not None
    assert review.message.display() == "Grüße, 東京 ✓"


def test_typed_data_strings_with_hidden_characters_are_named_and_shown_with_codes() -> None:
    doc = json.loads(json.dumps(MAIL))
    doc["domain"]["name"] = "Ether Mail\u202e"
    doc["message"]["contents"] = "Hello\x1b[1A\x1b[2K, Bob!\u2066"
    review = review_typed_data(parse_typed_data(json.dumps(doc)), CTX)
    assert codes(review)["hidden-characters"] == {"warn"}
    (warning,) = [w for w in review.warnings if w.code == "hidden-characters"]
    assert "domain.name" in warning.message and "message.contents" in warning.message
    shown = {f.path: f.display for f in review.typed_data.fields()}
    assert shown["domain.name"] == "Ether Mail\\u202e"
    assert shown["message.contents"] == "Hello\\x1b[1A\\x1b[2K, Bob!\\u2066"
    assert parse_typed_data(json.dumps(doc)).digest() != parse_typed_data(json.dumps(MAIL)).digest()


def test_typed_data_without_hidden_characters_has_no_such_warning() -> None:
    assert "hidden-characters" not in codes(review_typed_data(parse_typed_data(json.dumps(MAIL)), CTX))


def siwe(domain: str, uri: str | None = None) -> bytes:
    lines = [f"{domain} wants you to sign in with your Ethereum account:", ABANDON_ADDR0, "", "Sign in."]
    if uri is not None:
        lines += ["", f"URI: {uri}", "Version: 1", "Chain ID: 1", "Nonce: 32891756"]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("domain", "uri", "expected"),
    [
        ("app.uniswap.org", "https://app.uniswap.org/login", {"sign-in-request": {"info"}}),
        ("app.uniswap.org:443", "https://app.uniswap.org:443", {"sign-in-request": {"info"}}),
        (
            "app.un\u0456swap.org",  # a Cyrillic i among Latin letters
            "https://app.un\u0456swap.org",
            {"sign-in-request": {"info"}, "sign-in-lookalike-domain": {"danger"}},
        ),
        (
            "xn--pp-8cd.uniswap.org",
            None,
            {"sign-in-request": {"info"}, "sign-in-lookalike-domain": {"warn"}},
        ),
        (
            "app.uniswap.org",
            "https://app.uniswap.org.evil.example/login",
            {"sign-in-request": {"info"}, "sign-in-domain-mismatch": {"warn"}},
        ),
    ],
)
def test_sign_in_with_ethereum_names_sites_that_imitate_others(
    domain: str, uri: str | None, expected: dict[str, set[str]]
) -> None:
    assert codes(review_message(parse_personal_message(siwe(domain, uri)), CTX)) == expected
