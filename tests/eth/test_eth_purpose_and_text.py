"""Keys outside their purpose and bytes outside their kind (issues 10.8 and 9.15):
an Ethereum request for a Bitcoin key path is danger; hex that starts like a transaction but is
not one says so; a readable 32-byte sentence is a message, not a bare hash."""

from __future__ import annotations

import pytest
from eth_builders import ABANDON_FP, BOB, a, erc4527, seed, tx

from signer.chains.ethereum_review import review_request
from signer.eth.errors import EthRefusal, TxFormatError
from signer.eth.message import parse_personal_message
from signer.eth.request import parse_eth_sign_request, parse_raw, sign_request
from signer.review import Severity

SEED = seed()


@pytest.mark.parametrize(
    "path",
    [
        "m/84'/0'/0'/0/0",
        "m/86'/0'/0'/0/0",
        "m/49'/1'/0'/0/0",
        "m/48'/0'/0'/2'/0/0",
        "m/44'/0'/0'/0/0",
        "m/44'/1'/0'/0/0",
        "m/45'/0/0/0",
        "m/84h/0h/0h/0/0",
    ],
)
def test_ethereum_request_for_a_bitcoin_key_is_danger(path: str) -> None:
    request = parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, path=path, fingerprint=ABANDON_FP))
    review = review_request(request, SEED)
    found = [w for w in review.warnings if w.code == "key-purpose-mismatch"]
    assert [w.severity for w in found] == [Severity.DANGER]
    assert "Bitcoin" in found[0].message and path.replace("h", "'") in found[0].message
    assert "unusual-derivation-path" not in review.codes()
    with pytest.raises(EthRefusal, match="key-purpose-mismatch"):
        sign_request(request, review, SEED)


@pytest.mark.parametrize("path", ["m/44'/60'/0'/0/0", "m/44'/60'/3'/0/0", "m/44'/60'/0'/0/17"])
def test_ethereum_paths_raise_nothing(path: str) -> None:
    review = review_request(parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, path=path)), SEED)
    assert not {"key-purpose-mismatch", "unusual-derivation-path"} & review.codes()


@pytest.mark.parametrize(
    "text",
    [
        "0x03" + "11" * 40,  # a blob-type byte
        "0x02" + "11" * 40,  # an EIP-1559 type byte, then no RLP list
        "0x01c0",
        "0x04c3010203",
        "0xc0",  # an empty RLP list: a 'legacy transaction' with no fields
        "0xf8" + "00" * 10,
    ],
)
def test_hex_that_starts_like_a_transaction_says_it_is_not_one(text: str) -> None:
    with pytest.raises(TxFormatError, match=r"^not a valid transaction: "):
        parse_raw(text.encode(), text=True)
    with pytest.raises(TxFormatError, match=r"^not a valid transaction: "):
        parse_raw(bytes.fromhex(text[2:]))


def test_readable_32_byte_sentence_is_text_not_a_bare_hash() -> None:
    sentence = b"I agree to the terms of service."
    assert len(sentence) == 32
    erc = parse_eth_sign_request(erc4527(sentence, 3, chain_id=None))
    for request in (parse_raw(sentence, text=True), erc):
        review = review_request(request, SEED)
        assert review.message.text == sentence.decode()
        assert "blind-hash-signature" not in review.codes() and not review.has_danger
        sign_request(request, review, SEED)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(32)),
        bytes.fromhex("ab" * 32),
        b"kQ3xZ9pL7mR2vT8wY4nB6cH1jF5gD0sA",  # printable, but no words: what a hash grinder could reach
        ("\u00e9" * 16).encode(),  # 32 bytes of one letter: text, but not a sentence
    ],
)
def test_unreadable_32_bytes_stay_a_blind_hash(data: bytes) -> None:
    assert len(data) == 32
    msg = parse_personal_message(data)
    assert msg.is_bare_hash
