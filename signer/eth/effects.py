"""What a call or a signature lets happen, in a form the risk rules and the screen share.

Decoders (calls.py, typed_data.py) turn calldata and EIP-712 messages into these effects; the
rules in signer.risk only look at effects, so a nested approve in a multicall and a Permit
signature are judged by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from signer.eth import registry
from signer.eth.primitives import checksum, format_units

UINT256_MAX = 2**256 - 1
UINT160_MAX = 2**160 - 1
UINT48_MAX = 2**48 - 1
# "Unlimited" is defined by what it means: an allowance larger than anyone could hold. Either
#  - it needs 96 bits or more (>= 2^95 base units): within a factor of two of type(uint96).max, the
#    smallest "infinite approval" sentinel in use (UNI, COMP), and ~4e10 whole tokens even at 18
#    decimals; or
#  - the token's decimals are known and it is at least a trillion whole tokens, more than the total
#    supply of any major token (USDT, the largest stablecoin, has ~1.6e11).
# Exact sentinels (2^256-1, 2^160-1) are only the most common case; 2^96-2 USDC is just as unlimited.
UNLIMITED_BITS_FLOOR = 2**95
UNLIMITED_WHOLE_TOKENS = 10**12
_SENTINELS = (UINT256_MAX, UINT160_MAX, 2**96 - 1, 2**255)


def allowance_is_unlimited(chain_id: int, token: bytes | None, amount: int | None) -> bool:
    """True when an allowance of ``amount`` base units of ``token`` is unlimited in practice."""
    if amount is None:
        return False
    if amount >= UNLIMITED_BITS_FLOOR:
        return True
    known = registry.token(chain_id, token) if token is not None else None
    return known is not None and amount >= UNLIMITED_WHOLE_TOKENS * 10**known.decimals


def format_amount(chain_id: int, token: bytes | None, amount: int) -> str:
    """The exact amount: ``1,000.5 USDC``, native units for ``token=None``, raw units when unknown."""
    if token is None:
        info = registry.chain(chain_id)
        return f"{format_units(amount, info.decimals)} {info.symbol}"
    known = registry.token(chain_id, token)
    if known is None:
        return f"{amount} raw units of unknown token {checksum(token)}"
    return f"{format_units(amount, known.decimals)} {known.symbol}"


def describe_allowance(chain_id: int, token: bytes | None, amount: int) -> str:
    """An allowance as the person should read it: UNLIMITED when it is, with the exact figure
    unless it is one of the usual 'infinite' sentinels (where the figure says nothing more)."""
    if not allowance_is_unlimited(chain_id, token, amount):
        return format_amount(chain_id, token, amount)
    known = registry.token(chain_id, token) if token is not None else None
    label = known.symbol if known else f"of token {checksum(token)}" if token else "units"
    if amount in _SENTINELS:
        return f"UNLIMITED {label}"
    return f"UNLIMITED {label} ({format_amount(chain_id, token, amount)}, more than anyone holds)"


@dataclass(frozen=True)
class Approval:
    """Permission for ``spender`` to move the owner's assets.

    standard: erc20 | erc20-or-721 (same selector, contract not in the token list) | nft-all
    (setApprovalForAll) | permit2 (Permit2 allowance) | erc20-permit (EIP-2612) | dai-permit |
    permit2-transfer (Permit2 signature transfer: spender may pull the tokens once, now) |
    nft-permit (ERC-4494 / Uniswap V3 positions: spender may take NFT ``token_id``).
    """

    standard: str
    token: bytes | None
    spender: bytes
    amount: int | None = None  # None: not an amount (nft-all, DAI allowed=true)
    unlimited: bool = False
    revoke: bool = False
    owner: bytes | None = None  # None: the signer
    expiration: int | None = None  # unix time the allowance itself ends; None = never
    deadline: int | None = None  # unix time until which the signature can be submitted; None = none
    signature: bool = False  # granted by an off-chain signature (a permit)
    increase: bool = False  # increaseAllowance: adds to what is already allowed
    token_id: int | None = None

    def describe(self, chain_id: int) -> str:
        who = checksum(self.spender)
        if self.standard == "nft-all":
            what = f"ALL NFTs of collection {checksum(self.token or bytes(20))}"
            return f"{who} may no longer move {what}" if self.revoke else f"{who} may move {what}"
        if self.standard == "nft-permit":
            return f"{who} may take NFT #{self.token_id} of {checksum(self.token or bytes(20))}"
        if self.standard == "erc721" and self.revoke:
            token = checksum(self.token or bytes(20))
            return f"clear the approval of NFT #{self.token_id} of {token} (no one but you may move it)"
        if self.revoke:
            known = registry.token(chain_id, self.token) if self.token is not None else None
            what = known.symbol if known is not None else f"tokens of {checksum(self.token or bytes(20))}"
            return f"{who} may no longer spend your {what} (allowance set to 0)"
        if self.amount is None:
            amount = "UNLIMITED" + (f" of token {checksum(self.token)}" if self.token else "")
        elif self.token is not None and self.standard == "erc20-or-721" and not self.unlimited:
            amount = f"{self.amount} units (or NFT #{self.amount}) of {checksum(self.token)}"
        else:
            amount = describe_allowance(chain_id, self.token, self.amount)
        return f"{who} may spend {amount}" + (" more" if self.increase else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "token": checksum(self.token) if self.token else None,
            "spender": checksum(self.spender),
            "amount": str(self.amount) if self.amount is not None else None,
            "unlimited": self.unlimited,
            "revoke": self.revoke,
            "owner": checksum(self.owner) if self.owner else None,
            "expiration": self.expiration,
            "deadline": self.deadline,
            "signature": self.signature,
            "increase": self.increase,
            "token_id": str(self.token_id) if self.token_id is not None else None,
        }


@dataclass(frozen=True)
class Transfer:
    """Assets leaving for ``recipient``. asset: native | erc20 | erc20-or-721 | erc721 | erc1155."""

    asset: str
    token: bytes | None
    recipient: bytes
    amount: int | None = None  # None: no bound (a Safe gas refund without safeTxGas)
    token_id: int | None = None
    sender: bytes | None = None  # None: the signer
    # send | gas-refund (a Safe paying its executor) | proceeds (a swap's or router's output) |
    # pull (taken from you through an allowance, e.g. a router's Permit2 transfer)
    purpose: str = "send"
    signature: bool = False  # authorised by an off-chain signature (EIP-3009) anyone holding it submits
    valid_until: int | None = None  # for a signature: unix time it stops working; None = never

    def describe(self, chain_id: int) -> str:
        to = checksum(self.recipient)
        if self.purpose == "gas-refund":
            payer = checksum(self.sender) if self.sender else "the Safe"
            cap = (
                f"of up to {format_amount(chain_id, self.token, self.amount)}"
                if self.amount is not None
                else "with NO upper limit (safeTxGas is 0)"
            )
            who = "whoever executes it" if self.recipient == bytes(20) else to
            return f"{payer} pays a gas refund {cap} to {who}"
        if self.asset in ("erc721", "erc1155") or (
            self.asset == "erc20-or-721" and self.token_id is not None
        ):
            count = f"{self.amount} x " if self.asset == "erc1155" and self.amount is not None else ""
            what = f"{count}NFT #{self.token_id} of {checksum(self.token or bytes(20))}"
        else:
            what = format_amount(chain_id, self.token, self.amount or 0)
        source = f" from {checksum(self.sender)}" if self.sender else ""
        return f"send {what}{source} to {to}"

    def to_json(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "token": checksum(self.token) if self.token else None,
            "recipient": checksum(self.recipient),
            "amount": str(self.amount) if self.amount is not None else None,
            "token_id": str(self.token_id) if self.token_id is not None else None,
            "sender": checksum(self.sender) if self.sender else None,
            "purpose": self.purpose,
            "signature": self.signature,
            "valid_until": self.valid_until,
        }


@dataclass(frozen=True)
class Leg:
    """One asset in a trade. asset: native | erc20 | erc721 | erc1155. ``amount`` is the worst case
    for the signer: the most given, the least received (Dutch auctions move between two amounts)."""

    asset: str
    token: bytes | None
    amount: int
    token_id: int | None = None
    any_id: bool = False  # a criteria item: any token of the collection, the taker picks which
    recipient: bytes | None = None  # who receives it (received legs and third-party payments)

    def describe(self, chain_id: int) -> str:
        if self.asset in ("erc721", "erc1155"):
            collection = checksum(self.token or bytes(20))
            count = f"{self.amount} x " if self.asset == "erc1155" else ""
            which = "ANY NFT (the taker picks)" if self.any_id else f"NFT #{self.token_id}"
            return f"{count}{which} of {collection}"
        return format_amount(chain_id, self.token if self.asset == "erc20" else None, self.amount)

    def to_json(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "token": checksum(self.token) if self.token else None,
            "amount": str(self.amount),
            "token_id": str(self.token_id) if self.token_id is not None else None,
            "any_id": self.any_id,
            "recipient": checksum(self.recipient) if self.recipient else None,
        }


@dataclass(frozen=True)
class Trade:
    """An order signed off-chain: ``maker`` gives ``given`` when someone fills it and gets
    ``received`` (sent to ``receiver``, the maker when None); ``others`` are payments the filler
    makes to third parties (marketplace fees, royalties)."""

    venue: str  # seaport | limit-order
    name: str  # "Seaport", "1inch limit order"...
    maker: bytes | None
    given: tuple[Leg, ...]
    received: tuple[Leg, ...]
    receiver: bytes | None = None
    others: tuple[Leg, ...] = ()
    valid_until: int | None = None  # unix time the order stops being fillable; None = not stated

    def describe(self, chain_id: int) -> str:
        give = ", ".join(leg.describe(chain_id) for leg in self.given) or "nothing"
        get = ", ".join(leg.describe(chain_id) for leg in self.received) or "NOTHING"
        to = f" (paid to {checksum(self.receiver)})" if self.receiver else ""
        return f"{self.name}: you give {give}; you receive {get}{to}"

    def to_json(self) -> dict[str, Any]:
        return {
            "venue": self.venue,
            "name": self.name,
            "maker": checksum(self.maker) if self.maker else None,
            "given": [leg.to_json() for leg in self.given],
            "received": [leg.to_json() for leg in self.received],
            "receiver": checksum(self.receiver) if self.receiver else None,
            "others": [leg.to_json() for leg in self.others],
            "valid_until": self.valid_until,
        }


@dataclass(frozen=True)
class Control:
    """A change of who controls an account or contract: a Safe's owners, threshold, modules, guard
    or fallback handler, or a contract's owner. ``grantee`` is who gains power (None: nobody new)."""

    target: bytes | None  # the Safe or contract whose control changes
    what: str  # the change, in words ("becomes an owner (2 signature(s) needed)")
    grantee: bytes | None = None

    def describe(self, chain_id: int) -> str:
        whose = checksum(self.target) if self.target else "the account"
        who = f"{checksum(self.grantee)} " if self.grantee else ""
        return f"Control of {whose}: {who}{self.what}"

    def to_json(self) -> dict[str, Any]:
        return {
            "control_of": checksum(self.target) if self.target else None,
            "change": self.what,
            "grantee": checksum(self.grantee) if self.grantee else None,
        }


Effect = Approval | Transfer | Trade | Control


def permit2_expiration(expiration: int) -> int | None:
    """A Permit2 expiration, None for never (type(uint48).max)."""
    return None if expiration >= UINT48_MAX else expiration


def permit2_approval(
    chain_id: int, owner: bytes | None, spender: bytes, details: Any, sig_deadline: int
) -> Approval:
    """The allowance a Permit2 PermitSingle / PermitBatch entry (token, amount, expiration, nonce) grants."""
    token, amount, expiration = bytes.fromhex(details[0][2:]), details[1], details[2]
    return Approval(
        "permit2",
        token,
        spender,
        amount,
        unlimited=allowance_is_unlimited(chain_id, token, amount),
        revoke=amount == 0,
        owner=owner,
        expiration=permit2_expiration(expiration),
        deadline=sig_deadline,
        signature=True,
    )
