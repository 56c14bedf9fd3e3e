"""The revoking transactions of a set of approvals: one per ERC-20 / ERC-721 / ApprovalForAll pair, and
one Permit2 ``lockdown`` for every Permit2 pair at once; EIP-1559, consecutive nonces, fees from the node.

The calls are the standard ones, so the device's own decoder reviews them plainly (``approve(spender, 0)``
reads "Revoke", ``setApprovalForAll(op, false)`` "Revoke", lockdown "Permit2 lockdown (revoke)").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from companion.approvals.chain_calls import PERMIT2, calldata
from companion.approvals.model import Approval
from signer.eth.tx import DYNAMIC_FEE, UnsignedTx

ZERO = "0x0000000000000000000000000000000000000000"


@dataclass(frozen=True)
class RevokeCall:
    to: str
    data: bytes
    approvals: tuple[Approval, ...]  # what it revokes

    @property
    def short(self) -> str:
        """A file-name-safe word for it: ``approve-tDAI``, ``lockdown-3``."""
        first = self.approvals[0]
        if self.to == PERMIT2:
            return f"permit2-lockdown-{len(self.approvals)}"
        what = "".join(c for c in (first.symbol or first.token[:10]) if c.isalnum())[:12] or "token"
        return f"{first.kind}-{what}"


def revoke_calls(approvals: Sequence[Approval]) -> list[RevokeCall]:
    """The calls that revoke ``approvals``, in a stable order (the Permit2 lockdown last)."""
    calls: list[RevokeCall] = []
    permit2: list[Approval] = []
    for a in approvals:
        if a.kind == "permit2":
            permit2.append(a)
        elif a.kind == "erc20":
            data = calldata("approve(address,uint256)", ("address", "uint256"), (a.spender, 0))
            calls.append(RevokeCall(a.token, data, (a,)))
        elif a.kind == "erc721" and a.token_id is not None:
            data = calldata("approve(address,uint256)", ("address", "uint256"), (ZERO, a.token_id))
            calls.append(RevokeCall(a.token, data, (a,)))
        else:
            data = calldata("setApprovalForAll(address,bool)", ("address", "bool"), (a.spender, False))
            calls.append(RevokeCall(a.token, data, (a,)))
    if permit2:
        pairs = [(a.token, a.spender) for a in permit2]
        data = calldata("lockdown((address,address)[])", ("(address,address)[]",), (pairs,))
        calls.append(RevokeCall(PERMIT2, data, tuple(permit2)))
    return calls


def revoke_transactions(
    calls: Sequence[RevokeCall], *, chain_id: int, first_nonce: int, fees: tuple[int, int],
    gas: Callable[[RevokeCall], int],
) -> list[UnsignedTx]:  # fmt: skip
    """One EIP-1559 transaction per call, nonces ``first_nonce``, ``first_nonce + 1``, ..."""
    max_fee, tip = fees
    out = []
    for i, c in enumerate(calls):
        tx = UnsignedTx(
            tx_type=DYNAMIC_FEE, chain_id=chain_id, nonce=first_nonce + i, gas_limit=gas(c),
            to=bytes.fromhex(c.to[2:]), value=0, data=c.data, max_fee_per_gas=max_fee,
            max_priority_fee_per_gas=tip,
        )  # fmt: skip
        out.append(replace(tx, raw=tx.encode()))
    return out
