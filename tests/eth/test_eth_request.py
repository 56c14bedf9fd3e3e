"""ERC-4527 and raw requests: parsing, key checks, replies (v per data type), custom approval amount."""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_builders import (
    ABANDON_ADDR0,
    ABANDON_FP,
    MAIL,
    MAX,
    PATH,
    SPENDER,
    USDC,
    a,
    calldata,
    erc4527,
    seed,
    tx,
)
from eth_keys import keys

from signer.chains.ethereum_review import review_request
from signer.eth.errors import EthRefusal, RequestError
from signer.eth.request import parse_eth_sign_request, parse_payload, parse_raw, sign_request
from signer.eth.tx import LEGACY
from signer.transport.payload import Payload
from signer.transport.ur import decode_single
from signer.transport.urtypes import EthSignature, decode_ur

SEED = seed()
ADDR = a(ABANDON_ADDR0)


def recover(digest: bytes, r: int, s: int, parity: int) -> bytes:
    sig = keys.Signature(vrs=(parity, r, s))
    return sig.recover_public_key_from_msg_hash(digest).to_canonical_address()


def sign(req: object, accept: bool = False):
    parsed = parse_eth_sign_request(req)
    review = review_request(parsed, SEED)
    return parsed, review, sign_request(parsed, review, SEED, accept_risk=accept)


def test_derived_address_is_metamask_first_account() -> None:
    from signer.eth.sign import address_at
    from signer.keys.accounts import AccountSpec, derive_eth_account

    assert address_at(SEED, PATH) == ADDR
    account = derive_eth_account(SEED, AccountSpec.parse("eth"))
    assert [address_at(SEED, f"m/44'/60'/0'/0/{i}") for i in range(3)] == [
        a(account.address(i)) for i in range(3)
    ]


@pytest.mark.parametrize("chain_id", [1, 7822, 2**40])
def test_type1_legacy_reply_v_is_eip155(chain_id: int) -> None:
    t = tx(a(SPENDER), value=10**15, chain_id=chain_id, tx_type=LEGACY)
    _, _, result = sign(erc4527(t.raw, 1, chain_id=chain_id), accept=True)
    sig = result.signature
    r, s, v = (
        int.from_bytes(sig[:32], "big"),
        int.from_bytes(sig[32:64], "big"),
        int.from_bytes(sig[64:], "big"),
    )
    assert v - chain_id * 2 - 35 in (0, 1)
    assert len(sig) == 64 + max(1, (v.bit_length() + 7) // 8)  # multi-byte v for large chain ids
    assert recover(t.signing_hash(), r, s, v - chain_id * 2 - 35) == ADDR
    assert Account.recover_transaction(result.signed_tx) == ABANDON_ADDR0


@pytest.mark.parametrize("tx_type", [1, 2])
def test_type4_typed_tx_reply_is_y_parity(tx_type: int) -> None:
    t = tx(USDC, calldata("transfer(address,uint256)", SPENDER, 10), tx_type=tx_type)
    req = erc4527(t.raw, 4, chain_id=1, request_id=b"\x42" * 16)
    _, _, result = sign(req)
    assert len(result.signature) == 65 and result.signature[64] in (0, 1)
    r, s = int.from_bytes(result.signature[:32], "big"), int.from_bytes(result.signature[32:64], "big")
    assert recover(t.signing_hash(), r, s, result.signature[64]) == ADDR
    reply = decode_ur(decode_single(result.response_ur()))
    assert (
        isinstance(reply, EthSignature)
        and reply.request_id == b"\x42" * 16
        and reply.signature == result.signature
    )


def test_type3_personal_message_reply() -> None:
    req = erc4527(b"I agree", 3, chain_id=None, address=ADDR)
    _, review, result = sign(req)
    assert review.kind == "eth-message" and result.signature[64] in (27, 28)
    assert Account.recover_message(encode_defunct(b"I agree"), signature=result.signature) == ABANDON_ADDR0


def test_type2_typed_data_reply() -> None:
    req = erc4527(json.dumps(MAIL).encode(), 2, chain_id=1, address=ADDR)
    _, review, result = sign(req)
    assert review.kind == "eth-typed-data" and result.signature[64] in (27, 28)
    assert (
        Account.recover_message(encode_typed_data(full_message=MAIL), signature=result.signature)
        == ABANDON_ADDR0
    )


def test_wrong_seed_is_refused() -> None:
    t = tx(a(SPENDER), value=1)
    parsed = parse_eth_sign_request(erc4527(t.raw, 4, fingerprint=ABANDON_FP ^ 1))
    review = review_request(parsed, SEED)
    assert [r.code for r in review.refusals] == ["wrong-seed"]
    with pytest.raises(EthRefusal, match="wrong-seed"):
        sign_request(parsed, review, SEED, accept_risk=True)


def test_address_mismatch_is_refused() -> None:
    parsed = parse_eth_sign_request(erc4527(b"hi", 3, chain_id=None, address=a(SPENDER)))
    review = review_request(parsed, SEED)
    assert "address-mismatch" in review.codes()
    with pytest.raises(EthRefusal, match="address-mismatch"):
        sign_request(parsed, review, SEED, accept_risk=True)


def test_data_type_must_match_transaction_kind() -> None:
    with pytest.raises(RequestError, match="typed transaction"):
        parse_eth_sign_request(erc4527(tx(USDC).raw, 1))
    with pytest.raises(RequestError, match="legacy"):
        parse_eth_sign_request(erc4527(tx(USDC, tx_type=LEGACY).raw, 4))


def test_unusual_path_warns_and_signs_with_that_key() -> None:
    t = tx(a(SPENDER), value=1)
    parsed = parse_eth_sign_request(erc4527(t.raw, 4, path="m/44'/61'/0'/0/0"))  # Ethereum Classic's
    review = review_request(parsed, SEED)
    assert "unusual-derivation-path" in review.codes()
    result = sign_request(parsed, review, SEED)
    assert Account.recover_transaction(result.signed_tx) != ABANDON_ADDR0


def test_review_must_belong_to_the_request() -> None:
    one = parse_eth_sign_request(erc4527(tx(a(SPENDER), value=1).raw, 4))
    other = parse_eth_sign_request(erc4527(tx(a(SPENDER), value=2).raw, 4))
    with pytest.raises(EthRefusal, match="review is not of this request"):
        sign_request(one, review_request(other, SEED), SEED)


def test_raw_requests() -> None:
    t = tx(USDC, calldata("transfer(address,uint256)", SPENDER, 10))
    for req in (
        parse_raw(t.raw),
        parse_raw(("0x" + t.raw.hex()).encode(), text=True),
        parse_payload(Payload("bytes", "ur", t.raw, ur_type="bytes")),
    ):
        review = review_request(req, SEED)
        result = sign_request(req, review, SEED)
        assert Account.recover_transaction(result.raw_reply()) == ABANDON_ADDR0
    msg = parse_raw(b"0x" + b"ab" * 5, text=True)
    assert msg.kind == "eth-message" and msg.payload.data == b"\xab" * 5
    assert parse_raw(b"hello", text=True).payload.data == b"hello"
    assert parse_payload(Payload("json", "plain", json.dumps(MAIL).encode())).kind == "eth-typed-data"
    with pytest.raises(RequestError, match="neither"):
        parse_raw(b"\x10\x11")
    with pytest.raises(RequestError, match="not an Ethereum"):
        parse_payload(Payload("psbt", "plain", b"psbt\xff"))


def test_review_json_shape() -> None:
    parsed = parse_eth_sign_request(
        erc4527(tx(USDC, calldata("approve(address,uint256)", SPENDER, MAX)).raw, 4)
    )
    doc = review_request(parsed, SEED).to_json()
    json.dumps(doc)
    assert (
        doc["kind"] == "eth-tx" and doc["signer"]["address"] == ABANDON_ADDR0 and doc["origin"] == "metamask"
    )
    assert {"code", "severity", "message"} <= set(doc["warnings"][0])
    assert doc["tx"]["max_fee"] == "0.003 ETH" and doc["call"]["function"] == "approve(address,uint256)"
