"""What an off-chain order is worth to the signer, judged offline: no prices, only what can be
known for sure.

* The chain's native coin and its wrapped token (WETH...) are one asset.
* A token not in this device's token list has no value that can be checked: it counts as nothing
  (paying with a look-alike 'USDC' is the usual way around 'you receive nothing').
* Dust counts as nothing: less than 1/100 of the chain's fee cap in native coin (0.0005 ETH on
  Ethereum: less than a cheap transaction fee), or less than 1/1000 of a whole listed token.
* When the same asset is given and received, the amounts are compared directly.
NFTs cannot be valued offline: receiving one counts as receiving something.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from signer.eth import registry
from signer.eth.effects import Leg, Trade, format_amount

NATIVE_DUST_DIVISOR = 100  # of the chain's fee cap
TOKEN_DUST_DIVISOR = 1000  # of one whole token

AssetKey = tuple[str, bytes | None]


def asset_key(chain_id: int, leg: Leg) -> AssetKey:
    """native (coin or wrapped coin) | erc20 (listed) | unknown (unlisted token) | nft."""
    if leg.asset == "native":
        return ("native", None)
    if leg.asset == "erc20":
        token = registry.token(chain_id, leg.token) if leg.token else None
        if token is None:
            return ("unknown", leg.token)
        return ("native", None) if token.wrapped else ("erc20", leg.token)
    return ("nft", leg.token)


def dust_limit(chain_id: int, key: AssetKey) -> int:
    """Amounts below this are nothing of value (native or a listed token)."""
    if key[0] == "native":
        return registry.chain(chain_id).fee_cap // NATIVE_DUST_DIVISOR
    token = registry.token(chain_id, key[1]) if key[1] else None
    return 10**token.decimals // TOKEN_DUST_DIVISOR if token else 0


def _amount_text(chain_id: int, key: AssetKey, amount: int) -> str:
    return format_amount(chain_id, key[1] if key[0] == "erc20" else None, amount)


@dataclass(frozen=True)
class TradeVerdict:
    nothing: str | None = None  # why what comes back is worth nothing, when it is
    shortfalls: tuple[str, ...] = ()  # "you give 1 ETH and get back only 0.5 ETH"
    any_nft: tuple[Leg, ...] = field(default=())  # criteria offers: the taker picks the NFT


def judge(trade: Trade, chain_id: int) -> TradeVerdict:
    given: dict[AssetKey, int] = defaultdict(int)
    received: dict[AssetKey, int] = defaultdict(int)
    for leg in trade.given:
        given[asset_key(chain_id, leg)] += leg.amount
    for leg in trade.received:
        received[asset_key(chain_id, leg)] += leg.amount
    valuable = [
        key
        for key, amount in received.items()
        if key[0] == "nft" or (key[0] != "unknown" and amount and amount >= dust_limit(chain_id, key))
    ]
    nothing = None
    if trade.given and not valuable:
        if not any(received.values()):
            nothing = "you receive NOTHING in return"
        elif all(key[0] == "unknown" for key, amount in received.items() if amount):
            nothing = "you are paid only in tokens this device does not know, whose value cannot be checked"
        else:
            nothing = "what you receive is dust, next to nothing"
    shortfalls = tuple(
        f"you give {_amount_text(chain_id, key, amount)} and get back only "
        f"{_amount_text(chain_id, key, received[key])}: less than you give"
        + (" (the coin and its wrapped token count as one)" if key[0] == "native" else "")
        for key, amount in given.items()
        if key[0] in ("native", "erc20") and key in received and received[key] < amount
    )
    return TradeVerdict(nothing, shortfalls, tuple(leg for leg in trade.given if leg.any_id))
