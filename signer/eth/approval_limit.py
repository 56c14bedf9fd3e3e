"""Lowering a token approval before signing: the device's 'limit' key and
``airlock sign --approval-limit AMOUNT``.

What can be edited: the amount of one top-level ``approve`` / ``increaseAllowance`` (ERC-20) or
Permit2 ``approve`` call. The edited transaction is reviewed again from the start and is the only
thing signed; a limit can only lower the amount.

ERC-4527 requests (MetaMask, Rabby...): these wallets put the returned r, s, v on *their own*
transaction (Keystone's base-eth-keyring builds ``Transaction.fromTxData({...txParams, r, s, v})``),
so a signature over an edited transaction would make the wallet's transaction recover to a random
address and fail. The honest answer is therefore not an eth-signature: the device signs the edited
transaction and returns the complete signed transaction (a 0x-hex text QR, ur:bytes on request) for
the person to broadcast themselves (a block explorer's 'broadcast transaction' page), and tells them
to reject the request in the wallet. The edit keeps the wallet's nonce, so at most one of the two
transactions can ever be mined, and the wallet never gets a signature for the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from signer.eth import registry
from signer.eth.effects import Approval, describe_allowance
from signer.eth.errors import EthError
from signer.eth.primitives import UINT256_MAX, parse_units
from signer.eth.tx import UnsignedTx

if TYPE_CHECKING:
    from signer.eth.request import EthRequest

EDITABLE = {
    "approve(address,uint256)": (1, "uint256", UINT256_MAX),
    "increaseAllowance(address,uint256)": (1, "uint256", UINT256_MAX),
    "approve(address,address,uint160,uint48)": (2, "uint160", 2**160 - 1),  # Permit2
}
RAW_SUFFIX = "raw"
BROADCAST_NOTE = (
    "Your wallet cannot use a signature of a changed transaction: this device shows the complete "
    "signed transaction instead. Broadcast it yourself (e.g. a block explorer's 'broadcast "
    "transaction' page) and reject the request in your wallet"
)


@dataclass(frozen=True)
class EditableApproval:
    """The approval a transaction grants, in the terms a person types a limit in."""

    signature: str
    token: bytes | None
    spender: bytes
    amount: int
    chain_id: int
    decimals: int | None  # None: the token is not in the list (limits are then given in base units)
    symbol: str | None

    @property
    def unit(self) -> str:
        return self.symbol or "raw units"

    def describe(self, amount: int | None = None) -> str:
        return describe_allowance(self.chain_id, self.token, self.amount if amount is None else amount)


def editable_approval(tx: UnsignedTx | None) -> EditableApproval | None:
    """The approval of ``tx`` whose amount can be edited, or None."""
    if tx is None or tx.to is None or len(tx.data) < 4:  # every editable call has a selector
        return None
    from signer.eth.calls import decode_call  # the calldata decoders, only for calldata

    call = decode_call(tx.chain_id, tx.to, tx.value, tx.data)
    if call.signature not in EDITABLE or call.problem or call.trailing:
        return None
    approval = next(e for e in call.effects if isinstance(e, Approval))
    known = registry.token(tx.chain_id, approval.token) if approval.token else None
    return EditableApproval(
        call.signature,
        approval.token,
        approval.spender,
        approval.amount or 0,
        tx.chain_id,
        known.decimals if known else None,
        known.symbol if known else None,
    )


def parse_limit(text: str, approval: EditableApproval) -> int:
    """Base units from ``250.5``, ``250.5 USDC`` (token units) or ``250500000raw`` (base units)."""
    cleaned = text.strip()
    if cleaned.lower().endswith(RAW_SUFFIX):
        digits = cleaned[: -len(RAW_SUFFIX)].strip().replace(",", "").replace("_", "")
        if not (digits.isascii() and digits.isdigit()):  # isdigit() alone takes "²", which int() refuses
            raise EthError(f"{text!r} is not a whole number of base units (e.g. 250500000raw)")
        if len(digits.lstrip("0")) > len(str(UINT256_MAX)):  # before int(): it reads 4300 digits at most
            raise EthError(f"{text[:24]!r}... is too large for a uint256")
        amount = int(digits)
    else:
        m = re.fullmatch(r"([0-9][0-9,_]*(?:\.[0-9]*)?)\s*([A-Za-z][A-Za-z0-9.]*)?", cleaned)
        if m is None:
            raise EthError(f"{text!r} is not an amount (e.g. 250.5, '250.5 {approval.unit}' or 250500000raw)")
        number, symbol = m.group(1), m.group(2)
        if approval.decimals is None:
            raise EthError(
                "this token is not in the device's token list, so its decimals are unknown: give the "
                f"limit in base units, e.g. {number.replace(',', '').split('.')[0]}raw"
            )
        if symbol and symbol.lower() != (approval.symbol or "").lower():
            raise EthError(f"the approval is for {approval.symbol}, not {symbol}")
        amount = parse_units(number, approval.decimals)
    limit = EDITABLE[approval.signature][2]
    if amount > limit:
        raise EthError(f"{text!r} does not fit the approval's amount field")
    if amount > approval.amount:
        raise EthError(
            f"{approval.describe(amount)} is more than the {approval.describe()} asked for: a limit can "
            "only lower an approval"
        )
    return amount


def edit_approval_amount(tx: UnsignedTx, new_amount: int) -> UnsignedTx:
    """The same transaction with the approval's amount replaced (calldata re-encoded, nothing else)."""
    approval = editable_approval(tx)
    if approval is None:
        raise EthError(
            "only a plain approve / increaseAllowance (or Permit2 approve) call can have its amount "
            "edited, not this transaction"
        )
    index, abi_type, limit = EDITABLE[approval.signature]
    if not 0 <= new_amount <= limit:
        raise EthError(f"the amount must fit in a {abi_type}")
    from signer.eth.abi import encode_args
    from signer.eth.calls import decode_call

    call = decode_call(tx.chain_id, tx.to, tx.value, tx.data)
    values = [a.value for a in call.args]
    values[index] = new_amount
    return tx.with_data(tx.data[:4] + encode_args([a.abi_type for a in call.args], values))


def apply_limit(request: EthRequest, amount: int) -> EthRequest:
    """The request carrying the edited transaction, marked as edited here (review it again)."""
    tx = request.payload
    approval = editable_approval(tx if isinstance(tx, UnsignedTx) else None)
    if approval is None or not isinstance(tx, UnsignedTx):
        raise EthError("the request has no approve / increaseAllowance call whose amount can be limited")
    before, after = approval.describe(), approval.describe(amount)
    note = f"You lowered the approval on this device from {before} to {after}"
    notes = (note, BROADCAST_NOTE) if request.source == "erc4527" else (note,)
    return replace(request, payload=edit_approval_amount(tx, amount), edited=True, edit_notes=notes)
