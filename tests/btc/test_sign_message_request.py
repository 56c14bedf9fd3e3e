"""SeedSigner's sign-message QR (``signmessage <path> ascii:<message>``, as Sparrow shows it): the
grammar, the review (address, path, warnings, refusals, safe display) and the signature, which
must be byte-identical to SeedSigner's (RFC 6979 nonce, header 31 + recid whatever the address)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from builders import MNEMONIC

from signer.btc import BtcKeys
from signer.btc.errors import BtcRefusal
from signer.btc.message import verify_message
from signer.btc.message_request import (
    account_paths,
    network_for,
    request_path,
    review_message,
    shown_message,
    sign_reviewed_message,
)
from signer.keys import bip39
from signer.keys.accounts import AccountSpec
from signer.transport import signmessage
from signer.transport.assembler import Assembler
from signer.transport.errors import TransportError
from signer.transport.payload import Payload

SEED = bip39.mnemonic_to_seed(MNEMONIC)
P2WPKH = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"  # BIP-84 vector, m/84'/0'/0'/0/0
P2SH_P2WPKH = "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf"  # BIP-49 / SLIP-132 vector, m/49'/0'/0'/0/0
P2PKH = "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"  # m/44'/0'/0'/0/0 of the same words
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def request(text: str) -> signmessage.SignMessageRequest:
    return signmessage.parse(text)


# --------------------------------------------------------------------------- grammar
@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("signmessage m/84h/0h/0h/0/0 ascii:hello world", "m/84h/0h/0h/0/0", b"hello world"),
        # only the first colon ends the encoding: colons, spaces and a second "ascii:" are message
        (
            "signmessage m/84h/0h/0h/0/0 ascii:notice: 03/Jan/2009 ascii:again",
            "m/84h/0h/0h/0/0",
            b"notice: 03/Jan/2009 ascii:again",
        ),
        ("signmessage m/49'/0'/0'/0/7 ascii:line one\nline two", "m/49'/0'/0'/0/7", b"line one\nline two"),
        ("signmessage  m/84H/1H/0H/1/3\tascii: lead", "m/84H/1H/0H/1/3", b" lead"),
        ("signmessage m/84h/0h/0h/0/0 ascii:Grüße", "m/84h/0h/0h/0/0", "Grüße".encode()),
    ],
)
def test_requests_parse_as_seedsigner_reads_them(text: str, path: str, message: bytes) -> None:
    parsed = request(text)
    assert (parsed.path, parsed.encoding, parsed.message) == (path, "ascii", message)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("signmessage", "no key path and message"),
        ("signmessage m/84h/0h/0h/0/0", "no key path and message"),
        ("signmessage m/84h/0h/0h/0/0 ascii", "no message encoding"),
        ("signmessage m/84h/0h/0h/0/0 :hello", "no message encoding"),
        ("signmessage m/84h/0h/0h/0/0 ascii:", "empty message"),
        ("signmessage m/84h/0h/0h/0/0 utf8:¡hola!", "encoding 'utf8'; Airlock reads only 'ascii:'"),
        ("signmessage m/84h/0h/0h/0/0 base64:aGVsbG8=", "encoding 'base64'"),
        ("signmessage m/84h/0h/0h/0/0 " + "x" * 500 + ":y", "encoding 'xxxxxxxxxxxxxxxxxxxxxxxx...'"),
        ("signmessage 84h/0h/0h/0/0 ascii:hi", "is not a derivation path"),
        ("signmessage m/84x/0h/0h/0/0 ascii:hi", "is not a derivation path"),
        ("signmessage m/８４h/0h/0h/0/0 ascii:hi", "is not a derivation path"),
        ("signmessage bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu ascii:hi", "is not a derivation path"),
    ],
)
def test_hostile_requests_get_a_specific_error(text: str, match: str) -> None:
    with pytest.raises(TransportError, match=match):
        request(text)
    status = Assembler().add(text)  # as scanned: refused with the reason, nothing assembled
    assert status.outcome == "garbage" and match.split("'")[0] in (status.reason or "")


def test_a_scanned_request_becomes_a_sign_message_payload() -> None:
    assembler = Assembler()
    assembler.add("signmessage m/84h/0h/0h/0/0 ascii:hello world")
    payload = assembler.result
    assert payload.kind == "btc-sign-message" and payload.obj == request(
        "signmessage m/84h/0h/0h/0/0 ascii:hello world"
    )
    assert Assembler().add("signmessages are fun").reason == "not an Airlock request: plain text"


@pytest.mark.parametrize(("kind", "fmt"), [("bytes", "ur"), ("text", "bbqr")])
def test_a_request_inside_ur_bytes_or_bbqr_text_is_found(kind: str, fmt: str) -> None:
    data = b"signmessage m/84h/0h/0h/0/0 ascii:hello world\n"
    found = signmessage.from_payload(Payload(kind, fmt, data))
    assert found is not None and found.kind == "btc-sign-message" and found.format == fmt
    assert found.obj.message == b"hello world"
    assert signmessage.from_payload(Payload(kind, fmt, b"hello world")) is None
    with pytest.raises(TransportError, match="encoding"):
        signmessage.from_payload(Payload(kind, fmt, b"signmessage m/84h/0h/0h/0/0 hex:00"))


# --------------------------------------------------------------------------- display
@pytest.mark.parametrize(
    ("message", "shown", "escaped"),
    [
        (b"hello world", "hello world", 0),
        (b"two\nlines", "two\nlines", 0),
        (b"tab\there\r\n", "tab\\x09here\\x0d\n", 2),
        (b"\x1b[2Jcleared", "\\x1b[2Jcleared", 1),  # a terminal escape cannot act
        ("pay \u202ekcab".encode(), "pay \\u202ekcab", 1),  # right-to-left override shown, not applied
        ("a\u200bb".encode(), "a\\u200bb", 1),  # zero-width space
        ("\u0430pple".encode(), "\\u0430pple", 1),  # Cyrillic a that looks Latin
        ("ok \U0001f600".encode(), "ok \\U0001f600", 1),
        (b"back\\x41slash", "back\\\\x41slash", 0),  # a typed escape code cannot pass for a real one
        (b"bad \xff\xfe utf8", "bad \\xff\\xfe utf8", 2),
    ],
)
def test_messages_are_shown_with_every_unusual_character_escaped(
    message: bytes, shown: str, escaped: int
) -> None:
    assert shown_message(message) == (shown, escaped)


# --------------------------------------------------------------------------- review
@pytest.fixture(scope="module")
def keys() -> BtcKeys:
    return BtcKeys.from_seed(SEED, "main")


@pytest.mark.parametrize(
    ("path", "address", "script"),
    [
        ("m/84h/0h/0h/0/0", P2WPKH, "p2wpkh"),
        ("m/49h/0h/0h/0/0", P2SH_P2WPKH, "p2sh-p2wpkh"),
        ("m/44h/0h/0h/0/0", P2PKH, "p2pkh"),
    ],
)
def test_review_shows_the_address_whose_key_signs(
    keys: BtcKeys, path: str, address: str, script: str
) -> None:
    review = review_message(request(f"signmessage {path} ascii:hello world"), keys)
    assert (review.address, review.path_text, review.script_type) == (address, path, script)
    assert review.shown == "hello world" and review.warnings == ()
    assert review.to_json()["address"] == address and "hello world" in review.to_text()


def test_review_warns_about_paths_that_are_not_a_receive_address_of_our_accounts(keys: BtcKeys) -> None:
    ours = account_paths([AccountSpec("btc-84"), AccountSpec("eth"), AccountSpec("btc-48-2")])
    assert ours == [(84 + 0x80000000, 0x80000000, 0x80000000)]

    def codes(path: str) -> set[str]:
        return review_message(request(f"signmessage {path} ascii:hi"), keys, ours).codes()

    assert codes("m/84h/0h/0h/0/5") == set()
    assert codes("m/84h/0h/0h/1/0") == {"message-change-address"}
    assert codes("m/84h/0h/7h/0/0") == {"message-unknown-account"}
    assert codes("m/49h/0h/0h/0/0") == {"message-unknown-account"}  # a type this seed does not use
    assert codes("m/84h/0h/0h/0/1000") == {"message-far-index"}
    warning = review_message(request("signmessage m/84h/0h/3h/0/0 ascii:hi"), keys, ours).warnings[0]
    assert "m/84h/0h/3h is not one of this seed's accounts (m/84h/0h/0h)" in warning.message


def test_review_warns_about_escaped_characters(keys: BtcKeys) -> None:
    review = review_message(request("signmessage m/84h/0h/0h/0/0 ascii:pay \u202ekcab"), keys)
    assert review.codes() == {"message-escaped"} and review.shown == "pay \\u202ekcab"
    assert "1 character(s) that are not plain ASCII" in review.warnings[0].message


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ("m/86h/0h/0h/0/0", "taproot address, which this QR format cannot prove"),
        ("m/48h/0h/0h/2h/0/0", "is not a BIP-44/49/84/86 address path"),
        ("m/84h/0h/0h", "is not a BIP-44/49/84/86 address path"),
        ("m", "is not a BIP-44/49/84/86 address path"),
        ("m/84/0/0/0/0", "is not a BIP-44/49/84/86 address path"),
        ("m/84h/0h/0h/2/0", "must end in /0/i or /1/i"),
        ("m/84h/0h/0h/0/0h", "must end in /0/i or /1/i"),
        ("m/84h/1h/0h/0/0", "coin type of another network"),
        ("m/84h/0h/0h/0/4294967295", "index out of range"),
    ],
)
def test_paths_that_cannot_sign_here_are_refused(keys: BtcKeys, path: str, match: str) -> None:
    with pytest.raises(BtcRefusal, match=match):
        review_message(request(f"signmessage {path} ascii:hi"), keys)


def test_the_path_picks_the_network() -> None:
    assert network_for(request_path(request("signmessage m/84h/0h/0h/0/0 ascii:x"))) == "main"
    testnet = request_path(request("signmessage m/84h/1h/0h/0/0 ascii:x"))
    assert network_for(testnet) == "test" and network_for(testnet, ["main", "regtest"]) == "regtest"
    with pytest.raises(BtcRefusal, match="coin type must be 0' or 1'"):
        network_for(request_path(request("signmessage m/44h/60h/0h/0/0 ascii:x")))
    keys = BtcKeys.from_seed(SEED, "test")
    review = review_message(request("signmessage m/84h/1h/0h/0/0 ascii:x"), keys)
    assert review.address.startswith("tb1q") and review.codes() == {"testnet"}


# --------------------------------------------------------------------------- signature
def independent_seedsigner_signature(keys: BtcKeys, path: str, message: bytes) -> str:
    """The signature SeedSigner makes, computed with OpenSSL instead of libsecp256k1: RFC 6979 over
    sha256d(varint-prefixed "Bitcoin Signed Message"), low s, header 27 + 4 (compressed) + recid."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
    from embit.util import secp256k1

    from signer.btc.networks import parse_path

    node = keys.derive(parse_path(path))
    assert len(message) < 253
    data = b"\x18Bitcoin Signed Message:\n" + bytes([len(message)]) + message
    digest = hashlib.sha256(hashlib.sha256(data).digest()).digest()
    private = ec.derive_private_key(int.from_bytes(node.key.secret, "big"), ec.SECP256K1())
    der = private.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    s = min(s, N - s)
    compact = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    sec = node.key.get_public_key().sec()
    for recid in range(4):
        try:
            point = secp256k1.ecdsa_recover(
                secp256k1.ecdsa_recoverable_signature_parse_compact(compact, recid), digest
            )
        except ValueError:
            continue
        if secp256k1.ec_pubkey_serialize(point) == sec:
            return base64.b64encode(bytes([31 + recid]) + compact).decode()
    raise AssertionError("no recovery id gives the signing key")


@pytest.mark.parametrize(
    ("path", "address"),
    [("m/84h/0h/0h/0/0", P2WPKH), ("m/49h/0h/0h/0/0", P2SH_P2WPKH), ("m/44h/0h/0h/0/0", P2PKH)],
)
@pytest.mark.parametrize("message", ["hello world", "I control this address: 2025-01-01", "Grüße\nzwei"])
def test_signature_is_seedsigners_byte_for_byte(keys: BtcKeys, path: str, address: str, message: str) -> None:
    review = review_message(request(f"signmessage {path} ascii:{message}"), keys)
    signed = sign_reviewed_message(review, keys)
    assert signed.signature == independent_seedsigner_signature(keys, path, message.encode())
    assert base64.b64decode(signed.signature)[0] in (31, 32, 33, 34)  # Electrum header, any address type
    assert verify_message(address, message.encode(), signed.signature).valid
    assert not verify_message(address, message.encode() + b".", signed.signature).valid


def test_keys_of_another_seed_do_not_sign_a_review(keys: BtcKeys) -> None:
    review = review_message(request("signmessage m/84h/0h/0h/0/0 ascii:hi"), keys)
    other = BtcKeys.from_seed(bip39.mnemonic_to_seed(MNEMONIC, "another passphrase"), "main")
    with pytest.raises(BtcRefusal, match="do not belong to the reviewed address"):
        sign_reviewed_message(review, other)
