"""Typed data can no longer sign silently (issue 10.3): unknown kinds warn and show every field;
permits under other names, NFT position permits, EIP-3009 transfer authorizations, 1inch / 0x
limit orders and Safe transactions are decoded and judged like their on-chain equivalents."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from eth_abi import encode
from eth_builders import (
    ABANDON_ADDR0,
    BOB,
    MAIL,
    MAX,
    NOW,
    SPENDER,
    USDC,
    WETH,
    a,
    calldata,
    seed,
    tx,
    typed,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.chains.ethereum_review import review_request
from signer.eth.errors import EthError
from signer.eth.request import parse_raw
from signer.eth.safe import SAFE_TX_FIELDS
from signer.risk.rules import RiskContext

SEED = seed()
CTX = RiskContext(now=NOW)
ME = ABANDON_ADDR0
DAY = 86_400
SAFE = "0x" + "5a" * 20
MULTISEND_CALL_ONLY = "0x40A2aCCbd92BCA938b02010E17A5b8929b49130D"  # Safe 1.3.0 (safe-deployments)
UNI_V3_POSITIONS = "0xC36442b4a4522E871399CD717aBDD847Ab11FE88"
ONEINCH_V6 = "0x111111125421cA6dc452d289314280a0f8842A65"
ZEROEX = "0xDef1C0ded9bec7F1a1670819833240f027b25EfF"


def review(data: bytes):
    return review_request(parse_raw(data), SEED, CTX)


def severities(r, code: str) -> set[str]:
    return {str(w.severity) for w in r.warnings if w.code == code}


def test_unknown_typed_data_warns_and_shows_every_field() -> None:
    r = review(json.dumps(MAIL).encode())
    assert severities(r, "unknown-typed-data") == {"warn"}
    shown = {f["path"] for f in r.to_json()["typed_data"]["fields"]}
    assert {"message.from.name", "message.from.wallet", "message.to.wallet", "message.contents"} <= shown


@pytest.mark.parametrize("primary", ["Permit", "ERC20Permit", "PermitWithAmount"])
def test_permit_shapes_are_recognised_whatever_the_type_name(primary: str) -> None:
    fields = [
        ("spender", "address"),
        ("owner", "address"),
        ("amount", "uint256"),
        ("deadline", "uint256"),
        ("nonce", "uint256"),
    ]
    doc = typed(
        primary,
        {primary: fields},
        {"name": "USD Coin", "version": "2", "chainId": 1, "verifyingContract": "0x" + USDC.hex()},
        {"spender": SPENDER, "owner": ME, "amount": str(MAX - 1), "deadline": NOW + 600, "nonce": 0},
    )
    r = review(doc)
    assert severities(r, "unlimited-approval") == {"danger"} and "permit-signature" in r.codes()
    assert "unknown-typed-data" not in r.codes()


def test_uniswap_v3_position_permit_is_danger() -> None:
    doc = typed(
        "Permit",
        {
            "Permit": [
                ("spender", "address"),
                ("tokenId", "uint256"),
                ("nonce", "uint256"),
                ("deadline", "uint256"),
            ]
        },
        {
            "name": "Uniswap V3 Positions NFT-V1",
            "version": "1",
            "chainId": 1,
            "verifyingContract": UNI_V3_POSITIONS,
        },
        {"spender": SPENDER, "tokenId": 4242, "nonce": 0, "deadline": NOW + 600},
    )
    r = review(doc)
    assert severities(r, "permit-signature") == {"danger"}
    assert "#4242" in r.title and SPENDER.lower() in r.title.lower()


@pytest.mark.parametrize("primary", ["TransferWithAuthorization", "ReceiveWithAuthorization"])
def test_eip3009_transfer_authorization_is_a_signed_payment(primary: str) -> None:
    fields = [
        ("from", "address"),
        ("to", "address"),
        ("value", "uint256"),
        ("validAfter", "uint256"),
        ("validBefore", "uint256"),
        ("nonce", "bytes32"),
    ]
    domain = {"name": "USD Coin", "version": "2", "chainId": 1, "verifyingContract": "0x" + USDC.hex()}

    def auth(valid_before: int) -> Any:
        msg = {
            "from": ME,
            "to": BOB,
            "value": str(5_000 * 10**6),
            "validAfter": 0,
            "validBefore": valid_before,
            "nonce": "0x" + "01" * 32,
        }
        return review(typed(primary, {primary: fields}, domain, msg))

    short = auth(NOW + 3600)
    assert severities(short, "transfer-signature") == {"warn"} and "5,000 USDC" in short.title
    assert severities(auth(2**256 - 1), "transfer-signature") == {"danger"}


def oneinch(receiver: str, taking: int, taker_asset: bytes = WETH) -> bytes:
    return typed(
        "Order",
        {
            "Order": [
                ("salt", "uint256"),
                ("maker", "address"),
                ("receiver", "address"),
                ("makerAsset", "address"),
                ("takerAsset", "address"),
                ("makingAmount", "uint256"),
                ("takingAmount", "uint256"),
                ("makerTraits", "uint256"),
            ]
        },
        {"name": "1inch Aggregation Router", "version": "6", "chainId": 1, "verifyingContract": ONEINCH_V6},
        {
            "salt": 1,
            "maker": ME,
            "receiver": receiver,
            "makerAsset": "0x" + USDC.hex(),
            "takerAsset": "0x" + taker_asset.hex(),
            "makingAmount": str(1000 * 10**6),
            "takingAmount": str(taking),
            "makerTraits": 0,
        },
    )


def test_1inch_limit_order() -> None:
    fair = review(oneinch("0x" + "00" * 20, 4 * 10**17))
    assert severities(fair, "limit-order") == {"warn"} and not fair.has_danger
    assert "1,000 USDC" in fair.title
    assert severities(review(oneinch(BOB, 4 * 10**17)), "foreign-recipient") == {"danger"}
    assert severities(review(oneinch("0x" + "00" * 20, 1)), "limit-order") == {"danger"}  # 1 wei WETH back
    fake = review(oneinch("0x" + "00" * 20, 10**30, taker_asset=b"\x77" * 20))
    assert severities(fake, "limit-order") == {"danger"}


def test_0x_limit_order() -> None:
    types = [
        ("makerToken", "address"),
        ("takerToken", "address"),
        ("makerAmount", "uint128"),
        ("takerAmount", "uint128"),
        ("takerTokenFeeAmount", "uint128"),
        ("maker", "address"),
        ("taker", "address"),
        ("sender", "address"),
        ("feeRecipient", "address"),
        ("pool", "bytes32"),
        ("expiry", "uint64"),
        ("salt", "uint256"),
    ]
    msg = {
        "makerToken": "0x" + USDC.hex(),
        "takerToken": "0x" + WETH.hex(),
        "makerAmount": str(10**9),
        "takerAmount": "1",
        "takerTokenFeeAmount": 0,
        "maker": ME,
        "taker": "0x" + "00" * 20,
        "sender": "0x" + "00" * 20,
        "feeRecipient": "0x" + "00" * 20,
        "pool": "0x" + "00" * 32,
        "expiry": NOW + DAY,
        "salt": 1,
    }
    domain = {"name": "ZeroEx", "version": "1.0.0", "chainId": 1, "verifyingContract": ZEROEX}
    r = review(typed("LimitOrder", {"LimitOrder": types}, domain, msg))
    assert severities(r, "limit-order") == {"danger"} and "0x" in r.title


SAFE_TX = [list(field) for field in SAFE_TX_FIELDS]


def safe_tx(to: str | bytes, data: bytes, operation: int = 0, gas_price: int = 0, refund: str | None = None):
    to = to if isinstance(to, str) else "0x" + to.hex()
    msg = {
        "to": to,
        "value": 0,
        "data": "0x" + data.hex(),
        "operation": operation,
        "safeTxGas": 0,
        "baseGas": 0,
        "gasPrice": gas_price,
        "gasToken": "0x" + "00" * 20,
        "refundReceiver": refund or "0x" + "00" * 20,
        "nonce": 3,
    }
    return review(typed("SafeTx", {"SafeTx": SAFE_TX}, {"chainId": 1, "verifyingContract": SAFE}, msg))


def test_safe_tx_inner_call_is_reviewed_like_any_call() -> None:
    r = safe_tx(USDC, calldata("approve(address,uint256)", SPENDER, MAX - 1))
    assert severities(r, "unlimited-approval") == {"danger"}
    assert "Safe" in r.title and "UNLIMITED USDC" in r.title
    plain = safe_tx(USDC, calldata("transfer(address,uint256)", BOB, 10**6))
    assert not plain.has_danger and "unknown-typed-data" not in plain.codes()


def test_safe_delegatecall_is_danger_except_to_the_official_batch_contracts() -> None:
    r = safe_tx("0x" + "66" * 20, bytes.fromhex("deadbeef"), operation=1)
    assert severities(r, "delegatecall") == {"danger"}
    transfer = calldata("transfer(address,uint256)", BOB, 10**6)
    packed = b"\x00" + USDC + (0).to_bytes(32, "big") + len(transfer).to_bytes(32, "big") + transfer
    batch = safe_tx(MULTISEND_CALL_ONLY, calldata("multiSend(bytes)", packed), operation=1)
    assert "delegatecall" not in batch.codes() and not batch.has_danger
    assert any("Send 1 USDC" in c.title for c in batch.meaning.call.walk())
    inner_delegate = b"\x01" + USDC + (0).to_bytes(32, "big") + len(transfer).to_bytes(32, "big") + transfer
    nested = safe_tx(MULTISEND_CALL_ONLY, calldata("multiSend(bytes)", inner_delegate), operation=1)
    assert severities(nested, "delegatecall") == {"danger"}


def test_safe_gas_refund_to_a_stranger_is_danger() -> None:
    r = safe_tx(USDC, calldata("transfer(address,uint256)", BOB, 1), gas_price=10**12, refund=BOB)
    assert severities(r, "safe-gas-refund") == {"danger"}
    own = safe_tx(USDC, calldata("transfer(address,uint256)", BOB, 1), gas_price=10**12)
    assert severities(own, "safe-gas-refund") == {"warn"}


def test_safe_exec_transaction_calldata_is_decoded() -> None:
    inner = calldata("approve(address,uint256)", SPENDER, MAX - 1)
    args = [USDC, 0, inner, 0, 0, 0, 0, b"\x00" * 20, b"\x00" * 20, b"\x00" * 65]
    types = [
        "address",
        "uint256",
        "bytes",
        "uint8",
        "uint256",
        "uint256",
        "uint256",
        "address",
        "address",
        "bytes",
    ]
    data = bytes.fromhex("6a761202") + encode(types, args)
    r = review_request(parse_raw(tx(a(SAFE), data).raw), SEED, CTX)
    assert severities(r, "unlimited-approval") == {"danger"} and "Safe" in r.title
    args[3] = 1
    r = review_request(parse_raw(tx(a(SAFE), bytes.fromhex("6a761202") + encode(types, args)).raw), SEED, CTX)
    assert severities(r, "delegatecall") == {"danger"}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**300)
    | st.text(max_size=8)
    | st.just("0x" + "11" * 20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
TYPE_NAMES = st.sampled_from(["address", "uint256", "uint8", "bool", "bytes", "string", "bytes32", "int256"])


def recognised_docs() -> list[dict[str, Any]]:
    transfer = calldata("transfer(address,uint256)", BOB, 1)
    safe = json.loads(
        typed(
            "SafeTx",
            {"SafeTx": SAFE_TX},
            {"chainId": 1, "verifyingContract": SAFE},
            {
                "to": "0x" + USDC.hex(),
                "value": 0,
                "data": "0x" + transfer.hex(),
                "operation": 0,
                "safeTxGas": 0,
                "baseGas": 0,
                "gasPrice": 0,
                "gasToken": "0x" + "00" * 20,
                "refundReceiver": "0x" + "00" * 20,
                "nonce": 1,
            },
        )
    )
    return [safe, json.loads(oneinch(BOB, 5))]


@pytest.fixture(scope="module")
def reviewed_once() -> None:
    """Review each kind once first: the key code's lazy imports (py_ecc raises the recursion limit)
    must not happen inside the hypothesis run."""
    for doc in recognised_docs():
        review_request(parse_raw(json.dumps(doc).encode()), SEED, CTX)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 1), st.data())
def test_mutated_recognised_kinds_review_or_fail_cleanly(
    reviewed_once: None, which: int, data: st.DataObject
) -> None:
    doc = recognised_docs()[which]
    primary = doc["primaryType"]
    fields = doc["types"][primary]
    index = data.draw(st.integers(0, len(fields) - 1))
    if data.draw(st.booleans()):
        fields[index]["type"] = data.draw(TYPE_NAMES)  # the same name with another type
    doc["message"][fields[index]["name"]] = data.draw(json_values)
    try:
        request = parse_raw(json.dumps(doc).encode())
    except EthError:
        return
    with contextlib.suppress(EthError):
        review_request(request, SEED, CTX).to_json()
