"""Off-chain orders in EIP-712 typed data, as Trade effects: Seaport listings and offers
(``OrderComponents``, and ``BulkOrder`` trees of them), 1inch limit orders (v3 and v4 ``Order``)
and 0x limit / RFQ orders, recognised by their fields.

Amounts are taken at the signer's worst case: the most given and the least received, since a
Dutch auction moves between its start and end amounts while the order is open.
"""

from __future__ import annotations

from typing import Any

from signer.eth.effects import Leg, Trade
from signer.eth.errors import TypedDataError
from signer.eth.typed_data import TypedData, typed_address

# Seaport ItemType: NATIVE, ERC20, ERC721, ERC1155, ERC721_WITH_CRITERIA, ERC1155_WITH_CRITERIA
SEAPORT_ITEM_TYPES = {
    0: ("native", False),
    1: ("erc20", False),
    2: ("erc721", False),
    3: ("erc1155", False),
    4: ("erc721", True),
    5: ("erc1155", True),
}
MAX_BULK_ORDERS = 1024


def _address(value: Any, what: str) -> bytes:
    address = typed_address(value)
    if address is None:
        raise TypedDataError(f"{what} is not an address")
    return address


def _seaport_leg(item: dict[str, Any], *, given: bool) -> Leg:
    try:
        kind, criteria = SEAPORT_ITEM_TYPES[int(item["itemType"])]
    except KeyError as exc:
        raise TypedDataError(f"Seaport item type {item.get('itemType')} is not one Seaport has") from exc
    start, end = int(item["startAmount"]), int(item["endAmount"])
    token = _address(item["token"], "Seaport item token")
    recipient = typed_address(item.get("recipient"))
    return Leg(
        kind,
        None if kind == "native" else token,
        max(start, end) if given else min(start, end),
        token_id=None if kind in ("native", "erc20") or criteria else int(item["identifierOrCriteria"]),
        any_id=criteria,
        recipient=recipient,
    )


def seaport_trade(order: dict[str, Any]) -> Trade:
    """One ``OrderComponents``: the offer is given, consideration to the offerer is received."""
    try:
        offerer = _address(order["offerer"], "Seaport offerer")
        given = tuple(_seaport_leg(i, given=True) for i in order["offer"])
        consideration = [_seaport_leg(i, given=False) for i in order["consideration"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise TypedDataError(f"Seaport order lacks the standard fields: {exc}") from exc
    received = tuple(leg for leg in consideration if leg.recipient == offerer)
    others = tuple(leg for leg in consideration if leg.recipient != offerer)
    end = int(order["endTime"]) if "endTime" in order else None
    return Trade("seaport", "Seaport order", offerer, given, received, None, others, end)


def _flatten_tree(node: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(node, dict):
        out.append(node)
    elif isinstance(node, list):
        for child in node:
            _flatten_tree(child, out)
    if len(out) > MAX_BULK_ORDERS:
        raise TypedDataError(f"a Seaport bulk order of more than {MAX_BULK_ORDERS} orders is not reviewed")


def seaport_trades(td: TypedData) -> tuple[Trade, ...] | None:
    """The orders of a Seaport ``OrderComponents`` or ``BulkOrder`` message; None if it is neither."""
    if td.name != "Seaport":
        return None
    if td.primary_type == "OrderComponents":
        return (seaport_trade(td.message),)
    if td.primary_type == "BulkOrder" and "tree" in td.message:
        orders: list[dict[str, Any]] = []
        _flatten_tree(td.message["tree"], orders)
        return tuple(seaport_trade(o) for o in orders)
    return None


# Placeholders some protocols use for the native coin instead of a token address.
NATIVE_PLACEHOLDERS = (bytes(20), bytes.fromhex("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"))
# (maker asset, taker asset, making amount, taking amount) field names per protocol family.
_LIMIT_ORDER_FIELDS = (
    ("makerAsset", "takerAsset", "makingAmount", "takingAmount"),  # 1inch v3 / v4
    ("makerToken", "takerToken", "makerAmount", "takerAmount"),  # 0x v4 LimitOrder / RfqOrder
)


def _token_leg(token: bytes, amount: int, recipient: bytes | None = None) -> Leg:
    if token in NATIVE_PLACEHOLDERS:
        return Leg("native", None, amount, recipient=recipient)
    return Leg("erc20", token, amount, recipient=recipient)


def limit_order_trade(td: TypedData) -> Trade | None:
    """A token-for-token limit order: the maker gives the maker asset, the receiver gets the taker
    asset (the maker when the order names no receiver or the zero address)."""
    shape = dict(td.types[td.primary_type])
    for maker_asset, taker_asset, making, taking in _LIMIT_ORDER_FIELDS:
        wanted = {maker_asset: "address", taker_asset: "address", "maker": "address"}
        if all(shape.get(k) == v for k, v in wanted.items()) and all(
            shape.get(k, "").startswith("uint") for k in (making, taking)
        ):
            break
    else:
        return None
    m = td.message
    maker = _address(m["maker"], "order maker")
    receiver = typed_address(m.get("receiver")) if "receiver" in shape else None
    receiver = None if receiver in (None, bytes(20), maker) else receiver
    if "1inch" in (td.name or ""):
        name = "1inch limit order"
    else:
        name = "0x order" if maker_asset == "makerToken" else "limit order"
    given = (_token_leg(_address(m[maker_asset], "maker asset"), int(m[making])),)
    received = (_token_leg(_address(m[taker_asset], "taker asset"), int(m[taking]), receiver or maker),)
    expiry = int(m["expiry"]) if shape.get("expiry", "").startswith("uint") else None  # 0x orders
    return Trade("limit-order", name, maker, given, received, receiver, valid_until=expiry)
