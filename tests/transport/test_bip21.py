"""BIP-21/321 ``bitcoin:`` URIs: the grammar's forms (parameters without a value, empty parameters,
upper-case QR form, no address), percent-decoding, amounts, and what is refused (unknown ``req-``,
ambiguous repeats, broken escapes)."""

from __future__ import annotations

import pytest

from signer.transport import plain
from signer.transport.bip21 import BIP21, btc_to_sats, parse_bip21
from signer.transport.errors import TransportError

BIP84_FIRST = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"  # BIP-84 m/84'/0'/0'/0/0
SATOSHI_P2PKH = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
# BIP-21's examples use 175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W, whose base58 checksum is broken.
BIP21_EXAMPLE_ADDRESS = "175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W"
LUKE = SATOSHI_P2PKH
INVOICE = "lnbc20m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqhp58yjmdan79s6qq"


def test_bip21_examples() -> None:
    """The examples in BIP-21's text, with a valid address in place of the example's broken one."""
    with pytest.raises(TransportError, match="base58 checksum"):
        parse_bip21(f"bitcoin:{BIP21_EXAMPLE_ADDRESS}")
    assert parse_bip21(f"bitcoin:{LUKE}").address.address == LUKE  # type: ignore[union-attr]
    assert parse_bip21(f"bitcoin:{LUKE}?label=Luke-Jr").label == "Luke-Jr"
    uri = parse_bip21(f"bitcoin:{LUKE}?amount=20.3&label=Luke-Jr")
    assert (uri.amount_sats, uri.label) == (2_030_000_000, "Luke-Jr")
    uri = parse_bip21(f"bitcoin:{LUKE}?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz")
    assert (uri.amount_sats, uri.message) == (5_000_000_000, "Donation for project xyz")
    uri = parse_bip21(f"bitcoin:{LUKE}?somethingyoudontunderstand=50&somethingelseyoudontget=999")
    assert uri.params == (("somethingyoudontunderstand", "50"), ("somethingelseyoudontget", "999"))
    with pytest.raises(TransportError, match="requires parameter 'req-somethingyoudontunderstand'"):
        parse_bip21(f"bitcoin:{LUKE}?req-somethingyoudontunderstand=50&req-somethingelseyoudontget=999")


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("?foo", (("foo", None),)),  # otherparam = qchar *qchar [ "=" *qchar ]: no value is allowed
        ("?foo=", (("foo", ""),)),
        ("?foo&bar=1", (("foo", None), ("bar", "1"))),
        ("?", ()),
        ("?&", ()),  # bitcoinparam may be empty
        ("?amount=1&&label=x&", ()),
        ("?lightning=" + INVOICE, (("lightning", INVOICE),)),
        ("?LIGHTNING=" + INVOICE.upper(), (("lightning", INVOICE.upper()),)),
        ("?pj=https://example.com/pj%3Fv%3D1", (("pj", "https://example.com/pj?v=1"),)),
    ],
)
def test_parameters_the_grammar_allows(query: str, params: tuple) -> None:
    uri = parse_bip21(f"bitcoin:{BIP84_FIRST}{query}")
    assert uri.address is not None and uri.address.address == BIP84_FIRST
    assert uri.params == params


def test_label_and_message_without_value() -> None:
    uri = parse_bip21(f"bitcoin:{BIP84_FIRST}?label&message=")
    assert (uri.label, uri.message, uri.params) == (None, None, ())


def test_qr_alphanumeric_upper_case_form() -> None:
    """BIP-173 advises upper case in QR codes; the scheme and parameter names are case-insensitive."""
    uri = parse_bip21(f"BITCOIN:{BIP84_FIRST.upper()}?AMOUNT=0.00000001&Label=L%C3%A9o")
    assert uri.address is not None and uri.address.address == BIP84_FIRST
    assert (uri.amount_sats, uri.label) == (1, "Léo")
    assert parse_bip21(f"BitCoin:{SATOSHI_P2PKH}").amount_sats is None


def test_no_address_with_a_lightning_invoice() -> None:
    """BIP-321: the address may be left out when another payment instruction is given."""
    uri = parse_bip21(f"bitcoin:?lightning={INVOICE}")
    assert uri.address is None and uri.param("lightning") == INVOICE
    payload = plain.recognise(f"bitcoin:?lightning={INVOICE}")
    assert payload is not None and payload.kind == "bip21"


def test_plus_is_not_a_space() -> None:
    """RFC 3986 percent-decoding: '+' stays '+' (it is the form encoding of HTML that maps it)."""
    assert parse_bip21(f"bitcoin:{BIP84_FIRST}?message=1+1%202").message == "1+1 2"


@pytest.mark.parametrize(
    ("amount", "sats"),
    [("20.3", 2_030_000_000), ("50", 5_000_000_000), ("0.00000001", 1), (".5", 50_000_000),
     ("1.", 100_000_000), ("21000000", 2_100_000_000_000_000), ("0", 0), ("007.10", 710_000_000),
     ("0.10000000000000000000", 10_000_000), ("000000000000000000001", 100_000_000)],
)  # fmt: skip
def test_amounts(amount: str, sats: int) -> None:
    assert btc_to_sats(amount) == sats
    assert parse_bip21(f"bitcoin:{BIP84_FIRST}?amount={amount}").amount_sats == sats


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        (f"bitcoin:{BIP84_FIRST}?amount=1.123456789", "more than 8 decimals"),
        # a 9th decimal far enough down was rounded away (28-digit decimal context): taken as 1 BTC
        (f"bitcoin:{BIP84_FIRST}?amount=1.0000000000000000000000000001", "more than 8 decimals"),
        (f"bitcoin:{BIP84_FIRST}?amount=21000000.0000000000000000000001", "more than 8 decimals"),
        (f"bitcoin:{BIP84_FIRST}?amount=" + "1" * 5000, "exceeds 21 million"),
        (f"bitcoin:{BIP84_FIRST}?amount=1e3", "plain decimal"),
        (f"bitcoin:{BIP84_FIRST}?amount=-1", "plain decimal"),
        (f"bitcoin:{BIP84_FIRST}?amount=50,000.00", "plain decimal"),  # BIP-21: commas are invalid
        (f"bitcoin:{BIP84_FIRST}?amount=.", "plain decimal"),
        (f"bitcoin:{BIP84_FIRST}?amount", "amount has no value"),
        (f"bitcoin:{BIP84_FIRST}?amount=", "amount has no value"),
        (f"bitcoin:{BIP84_FIRST}?amount=21000000.00000001", "exceeds 21 million"),
        (f"bitcoin:{BIP84_FIRST}?amount=1&amount=2", "gives amount twice"),
        (f"bitcoin:{BIP84_FIRST}?amount=1&AMOUNT=1", "gives amount twice"),
        (f"bitcoin:{BIP84_FIRST}?label=a&label=b", "gives label twice"),
        (f"bitcoin:{BIP84_FIRST}?req-somethingyoudontunderstand=50", "requires parameter"),
        (f"bitcoin:{BIP84_FIRST}?req-pop", "requires parameter"),
        (f"bitcoin:{BIP84_FIRST}?label=%FF", "percent-encoded UTF-8"),
        (f"bitcoin:{BIP84_FIRST}?label=100%", "'%' that is not followed by two hex digits"),
        (f"bitcoin:{BIP84_FIRST}?label=%G1", "'%' that is not followed by two hex digits"),
        (f"bitcoin:{BIP84_FIRST}?=1", "without a name"),
        ("bitcoin:", "no on-chain address and no other payment instruction"),
        ("bitcoin:?amount=1", "no on-chain address and no other payment instruction"),
        (f"bitcoin:{BIP84_FIRST[:-1]}x", "bech32"),
        (f"bitcoin:{BIP84_FIRST[:10]}{BIP84_FIRST[10:].upper()}", "mixes upper and lower case"),
        (f"bitcoin:{SATOSHI_P2PKH.upper()}", "not a Bitcoin address"),  # base58 is case-sensitive
        ("bitcoin:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "not a Bitcoin address"),
    ],
)
def test_bad_bip21_is_refused(uri: str, reason: str) -> None:
    with pytest.raises(TransportError, match=reason):
        plain.recognise(uri)


def test_recognised_as_a_bip21_payload() -> None:
    uri = f"bitcoin:{BIP84_FIRST}?amount=20.3&label=Luke-Jr&message=Donation%20for%20project%20xyz&pj=https://x.y"
    payload = plain.recognise(uri)
    assert payload is not None and payload.kind == "bip21" and payload.data == uri.encode()
    parsed = payload.obj
    assert isinstance(parsed, BIP21) and parsed is not None
    assert parsed.address is not None and parsed.address.address == BIP84_FIRST
    assert (parsed.amount_sats, parsed.label) == (2_030_000_000, "Luke-Jr")
    assert parsed.message == "Donation for project xyz"
    assert parsed.params == (("pj", "https://x.y"),)
