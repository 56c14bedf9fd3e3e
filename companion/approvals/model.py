"""One approval as the person reads it: who may move which tokens, how much, since when, why flagged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("erc20", "erc721", "erc1155", "permit2")
STALE_AFTER = 30 * 86400  # no grant and no use for this long (chain time): listed for review


@dataclass(frozen=True)
class Approval:
    kind: str  # erc20 | erc721 | erc1155 | permit2
    token: str  # checksummed; for permit2 the ERC-20 inside Permit2
    spender: str  # checksummed
    amount: int | None  # base units; None for ApprovalForAll and single NFT approvals
    token_id: int | None  # ERC-721 single-token approval
    unlimited: bool
    stale: bool
    risky: bool
    granted_at: int | None  # unix seconds (chain time) of the latest approval log of the pair
    last_used_at: int | None  # unix seconds of the latest transfer of the owner's tokens by the spender
    spender_name: str | None = None
    risk_tags: tuple[str, ...] = ()
    symbol: str | None = None
    decimals: int | None = None
    expiration: int | None = None  # permit2: unix seconds; None for never

    @property
    def key(self) -> str:
        """Stable id of the approval: ``kind:token:spender[:token_id]``."""
        base = f"{self.kind}:{self.token}:{self.spender}"
        return base if self.token_id is None else f"{base}:{self.token_id}"

    @property
    def flagged(self) -> bool:
        return self.unlimited or self.stale or self.risky

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it is flagged, in words."""
        out = []
        if self.unlimited:
            out.append("unlimited")
        if self.stale:
            out.append("not used for 30 days")
        out.extend(f"spender: {tag}" for tag in self.risk_tags)
        return tuple(out)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "token": self.token,
            "spender": self.spender,
            "amount": self.amount,  # a JSON number of any size: exact in Python's and jq's readers
            "token_id": self.token_id,
            "unlimited": self.unlimited,
            "stale": self.stale,
            "risky": self.risky,
            "flagged": self.flagged,
            "reasons": list(self.reasons),
            "granted_at": self.granted_at,
            "last_used_at": self.last_used_at,
            "spender_name": self.spender_name,
            "risk_tags": list(self.risk_tags),
            "symbol": self.symbol,
            "decimals": self.decimals,
            "expiration": self.expiration,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Approval:
        """The inverse of :meth:`to_json` (a stored scan read back)."""

        def number(value: Any) -> int | None:
            return None if value is None else int(value)

        return cls(
            kind=str(data["kind"]), token=str(data["token"]), spender=str(data["spender"]),
            amount=number(data["amount"]), token_id=number(data["token_id"]),
            unlimited=bool(data["unlimited"]), stale=bool(data["stale"]), risky=bool(data["risky"]),
            granted_at=number(data["granted_at"]), last_used_at=number(data["last_used_at"]),
            spender_name=data["spender_name"], risk_tags=tuple(str(t) for t in data["risk_tags"]),
            symbol=data["symbol"], decimals=number(data["decimals"]), expiration=number(data["expiration"]),
        )  # fmt: skip

    def describe(self) -> str:
        """One line for the command line."""
        what = self.symbol or self.token
        if self.kind == "erc721" and self.token_id is not None:
            amount = f"NFT #{self.token_id}"
        elif self.amount is None:
            amount = "all tokens"
        elif self.unlimited:
            amount = "UNLIMITED"
        else:
            amount = f"{self.amount} base units"
        who = f"{self.spender} ({self.spender_name})" if self.spender_name else self.spender
        flags = f"  [{'; '.join(self.reasons)}]" if self.flagged else ""
        return f"{self.kind} {what}: {amount} to {who}{flags}"
