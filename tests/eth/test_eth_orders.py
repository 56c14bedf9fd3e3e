"""Orders judged by value (issue 10.4): what comes back to you against what you give.

Seaport's old rule ('nothing paid to the offerer') was bypassed by paying 1 wei. Now native coin
and its wrapped token count as one asset; tokens this device does not know count as nothing;
dust counts as nothing; getting back less of the asset you give is danger."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eth_builders import ABANDON_ADDR0, BOB, NOW, USDC, WETH, seed, typed

from signer.chains.ethereum_review import review_request, review_typed_data
from signer.eth.request import parse_raw
from signer.eth.typed_data import parse_typed_data
from signer.review import Severity
from signer.risk.rules import RiskContext

CTX = RiskContext(now=NOW)
ME = ABANDON_ADDR0
COLLECTION = "0x" + "33" * 20
FAKE_TOKEN = "0x" + "77" * 20
SEAPORT_1_6 = "0x0000000000000068F116a894984e2DB1123eB395"
ITEM = [
    ("itemType", "uint8"),
    ("token", "address"),
    ("identifierOrCriteria", "uint256"),
    ("startAmount", "uint256"),
    ("endAmount", "uint256"),
]
ORDER_TYPES = {
    "OrderComponents": [
        ("offerer", "address"),
        ("zone", "address"),
        ("offer", "OfferItem[]"),
        ("consideration", "ConsiderationItem[]"),
        ("orderType", "uint8"),
        ("startTime", "uint256"),
        ("endTime", "uint256"),
        ("zoneHash", "bytes32"),
        ("salt", "uint256"),
        ("conduitKey", "bytes32"),
        ("counter", "uint256"),
    ],
    "OfferItem": ITEM,
    "ConsiderationItem": [*ITEM, ("recipient", "address")],
}
DOMAIN = {"name": "Seaport", "version": "1.6", "chainId": 1, "verifyingContract": SEAPORT_1_6}


def item(kind: int, token: str, amount: int, ident: int = 0, end: int | None = None, to: str | None = None):
    out: dict[str, Any] = {
        "itemType": kind,
        "token": token,
        "identifierOrCriteria": ident,
        "startAmount": str(amount),
        "endAmount": str(amount if end is None else end),
    }
    if to is not None:
        out["recipient"] = to
    return out


def nft(ident: int = 7) -> dict[str, Any]:
    return item(2, COLLECTION, 1, ident)


def eth(amount: int, to: str = ME, end: int | None = None) -> dict[str, Any]:
    return item(0, "0x" + "00" * 20, amount, end=end, to=to)


def erc20(token: str | bytes, amount: int, to: str = ME) -> dict[str, Any]:
    token = token if isinstance(token, str) else "0x" + token.hex()
    return item(1, token, amount, to=to)


def components(offer: list, consideration: list) -> dict[str, Any]:
    return {
        "offerer": ME,
        "zone": "0x" + "00" * 20,
        "offer": offer,
        "consideration": consideration,
        "orderType": 0,
        "startTime": 0,
        "endTime": NOW + 86_400,
        "zoneHash": "0x" + "00" * 32,
        "salt": 1,
        "conduitKey": "0x" + "00" * 32,
        "counter": 0,
    }


def order(offer: list, consideration: list) -> bytes:
    return typed("OrderComponents", ORDER_TYPES, DOMAIN, components(offer, consideration))


def seaport_warnings(data: bytes) -> list:
    review = review_typed_data(parse_typed_data(data), CTX)
    return [w for w in review.warnings if w.code == "seaport-order"]


@pytest.mark.parametrize(
    "consideration",
    [
        [],
        [eth(0)],
        [eth(1)],  # the 1 wei bypass
        [erc20(WETH, 1)],  # 1 wei of wrapped ether: the same asset
        [erc20(USDC, 1)],  # one millionth of a dollar
        [erc20(FAKE_TOKEN, 10**24)],  # a fortune in a token nobody can value
        [eth(10**18, to=BOB), eth(1)],  # the price goes to someone else, 1 wei to you
        [eth(10**18, end=1)],  # a 'Dutch auction' that ends at 1 wei
    ],
    ids=["nothing", "zero", "1 wei", "1 wei WETH", "1 USDC unit", "fake token", "paid to another", "dutch"],
)
def test_nft_listing_for_nothing_of_value_is_danger(consideration: list) -> None:
    found = seaport_warnings(order([nft()], consideration))
    assert [w.severity for w in found] == [Severity.DANGER], [w.message for w in found]


@pytest.mark.parametrize(
    "consideration",
    [
        [eth(5 * 10**17)],
        [erc20(WETH, 5 * 10**17)],
        [erc20(USDC, 1500 * 10**6)],
        [eth(10**17), erc20(WETH, 10**17)],
    ],
)
def test_nft_listing_for_a_real_price_is_a_warning(consideration: list) -> None:
    found = seaport_warnings(order([nft()], consideration))
    assert [w.severity for w in found] == [Severity.WARN]


def test_getting_back_less_of_the_same_asset_is_danger() -> None:
    """Offer 1 WETH, get 0.5 ETH back: native and wrapped are one asset, compared by amount."""
    found = seaport_warnings(order([erc20(WETH, 10**18)], [eth(5 * 10**17)]))
    assert [w.severity for w in found] == [Severity.DANGER] and "less" in found[0].message
    fair = seaport_warnings(order([erc20(WETH, 10**18)], [nft() | {"recipient": ME}]))
    assert [w.severity for w in fair] == [Severity.WARN]  # a WETH offer for an NFT: a bid


def test_criteria_offer_says_the_taker_picks() -> None:
    any_nft = item(4, COLLECTION, 1, 0)
    found = seaport_warnings(order([any_nft], [eth(10**18)]))
    assert found and "ANY" in " ".join(w.message for w in found)


def test_bulk_listing_is_judged_order_by_order() -> None:
    good = components([nft(1)], [eth(10**18)])
    drain = components([nft(2)], [eth(1)])
    tree = [[good, drain], [good, good]]
    doc = json.loads(
        typed(
            "BulkOrder",
            {**ORDER_TYPES, "BulkOrder": [("tree", "OrderComponents[2][2]")]},
            DOMAIN,
            {"tree": tree},
        )
    )
    review = review_request(parse_raw(json.dumps(doc).encode()), seed(), CTX)
    assert "Seaport" in review.title and "4" in review.title
    assert any(w.code == "seaport-order" and w.severity == Severity.DANGER for w in review.warnings)


def test_order_end_time_is_worded_like_every_deadline() -> None:
    def message(end: int) -> str:
        doc = components([nft()], [eth(10**18)]) | {"endTime": end}
        (w,) = seaport_warnings(typed("OrderComponents", ORDER_TYPES, DOMAIN, doc))
        return w.message

    assert "until 2025-10-10" in message(NOW + 86_400)
    for far in (2**40, 2**256 - 1):
        assert "never expires" in message(far) and "practically" not in message(far)
