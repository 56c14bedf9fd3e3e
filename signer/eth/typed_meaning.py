"""What a parsed EIP-712 message lets happen, as effects the risk rules judge: permits (EIP-2612
under any type name, DAI, ERC-4494 NFT / Uniswap V3 position permits), Permit2 (and fake Permit2
domains), EIP-3009 transfer authorizations, Seaport and limit orders, Safe transactions. Anything
else is ``unknown``: shown field by field, with a warning."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from signer.eth.decoded_call import Call
from signer.eth.effects import (
    UINT48_MAX,
    Approval,
    Effect,
    Transfer,
    allowance_is_unlimited,
    describe_allowance,
)
from signer.eth.errors import TypedDataError
from signer.eth.orders import limit_order_trade, seaport_trades
from signer.eth.primitives import checksum
from signer.eth.safe import CALL, DELEGATECALL, gas_refund
from signer.eth.typed_data import TypedData, typed_address

PERMIT2 = bytes.fromhex("000000000022d473030f116ddee9f6b43ac78ba3")
EIP2612_FIELDS = ("owner", "spender", "value", "nonce", "deadline")
EIP3009_FIELDS = {
    "from": "address",
    "to": "address",
    "value": "uint",
    "validAfter": "uint",
    "validBefore": "uint",
}
PERMIT2_TYPES = {
    "PermitSingle",
    "PermitBatch",
    "PermitTransferFrom",
    "PermitBatchTransferFrom",
    "PermitWitnessTransferFrom",
    "PermitBatchWitnessTransferFrom",
}


@dataclass(frozen=True)
class TypedMeaning:
    kind: str  # permit | dai-permit | nft-permit | permit2 | permit2-transfer | transfer-authorization |
    # cancel-authorization | permit-for-all | seaport-order | limit-order | safe-tx | unknown
    title: str
    effects: tuple[Effect, ...] = ()
    fake_permit2: bool = False
    notes: tuple[str, ...] = field(default=())
    call: Call | None = None  # safe-tx: the Safe's call, reviewed like a transaction's


def _a(v: Any) -> bytes:
    """An address field's 20 bytes; a value declared with another type is refused, never passed on."""
    address = typed_address(v)
    if address is None:
        raise TypedDataError(f"{str(v)[:42]!r} is not declared as an address")
    return address


def _shape(td: TypedData) -> dict[str, str]:
    """The primary type's fields, name -> type: kinds are recognised by shape, not by type name,
    since a token can call its permit anything ('ERC20Permit', fields in any order)."""
    return dict(td.types[td.primary_type])


def _fits(shape: dict[str, str], **wanted: str) -> bool:
    """Each wanted field is present with that type ('uint' = any unsigned integer)."""
    for name, kind in wanted.items():
        actual = shape.get(name)
        if actual is None or (actual != kind and not (kind == "uint" and actual.startswith("uint"))):
            return False
    return True


def _first(shape: dict[str, str], names: tuple[str, ...], kind: str = "uint") -> str | None:
    return next((n for n in names if _fits(shape, **{n: kind})), None)


Recogniser = Callable[[TypedData, int], "TypedMeaning | None"]


def recognise(td: TypedData) -> TypedMeaning:
    """What the signature would authorise; ``unknown`` when it is none of the kinds known here."""
    chain = td.chain_id or 0
    for recogniser in RECOGNISERS:
        meaning = recogniser(td, chain)
        if meaning is not None:
            return meaning
    where = td.name or (checksum(td.verifying_contract) if td.verifying_contract else "no named app")
    return TypedMeaning("unknown", f"Sign typed data: {td.primary_type} ({where})")


def _erc20_permit(td: TypedData, chain: int) -> TypedMeaning | None:
    """EIP-2612: owner, spender, value (or amount), nonce, deadline (or expiry)."""
    shape = _shape(td)
    value = _first(shape, ("value", "amount"))
    deadline = _first(shape, ("deadline", "expiry"))
    if not (value and deadline and _fits(shape, owner="address", spender="address", nonce="uint")):
        return None
    m, token = td.message, td.verifying_contract
    eff = Approval(
        "erc20-permit",
        token,
        _a(m["spender"]),
        m[value],
        unlimited=allowance_is_unlimited(chain, token, m[value]),
        revoke=m[value] == 0,
        owner=_a(m["owner"]),
        deadline=m[deadline],
        signature=True,
    )
    standard = td.primary_type == "Permit" and list(shape) == list(EIP2612_FIELDS)
    notes = () if standard else (f"a permit in a non-standard form ({td.primary_type}): the token decides",)
    return TypedMeaning("permit", f"EIP-2612 permit: {eff.describe(chain)}", (eff,), notes=notes)


def _dai_permit(td: TypedData, chain: int) -> TypedMeaning | None:
    shape = _shape(td)
    if not _fits(shape, holder="address", spender="address", nonce="uint", expiry="uint", allowed="bool"):
        return None
    m = td.message
    allowed = bool(m["allowed"])
    eff = Approval(
        "dai-permit",
        td.verifying_contract,
        _a(m["spender"]),
        None,
        unlimited=allowed,
        revoke=not allowed,
        owner=_a(m["holder"]),
        deadline=m["expiry"] or None,
        signature=True,
    )
    return TypedMeaning("dai-permit", f"DAI-style permit: {eff.describe(chain)}", (eff,))


def _nft_permit(td: TypedData, chain: int) -> TypedMeaning | None:
    """ERC-4494 NFT permits, e.g. Uniswap V3 positions: ``spender`` may take NFT ``tokenId``."""
    shape = _shape(td)
    deadline = _first(shape, ("deadline", "expiry"))
    if not (deadline and _fits(shape, spender="address", tokenId="uint", nonce="uint")):
        return None
    if _first(shape, ("value", "amount")):
        return None
    m = td.message
    eff = Approval(
        "nft-permit",
        td.verifying_contract,
        _a(m["spender"]),
        None,
        token_id=m["tokenId"],
        deadline=m[deadline],
        signature=True,
    )
    what = "liquidity position" if (td.name or "").startswith("Uniswap V3 Positions") else "NFT"
    return TypedMeaning("nft-permit", f"Permit for your {what}: {eff.describe(chain)}", (eff,))


def _permit_for_all(td: TypedData, chain: int) -> TypedMeaning | None:
    """A signed setApprovalForAll (ERC-721 / ERC-1155 'PermitForAll'): operator, approved, deadline."""
    shape = _shape(td)
    operator = _first(shape, ("operator", "spender"), "address")
    deadline = _first(shape, ("deadline", "expiry"))
    if not (operator and deadline and _fits(shape, owner="address", approved="bool")):
        return None
    m = td.message
    approved = bool(m["approved"])
    eff = Approval(
        "nft-all",
        td.verifying_contract,
        _a(m[operator]),
        None,
        unlimited=approved,
        revoke=not approved,
        owner=_a(m["owner"]),
        deadline=m[deadline],
        signature=True,
    )
    return TypedMeaning("permit-for-all", f"Signed approval for all NFTs: {eff.describe(chain)}", (eff,))


def _transfer_authorization(td: TypedData, chain: int) -> TypedMeaning | None:
    """EIP-3009 (USDC and others): a signed payment of ``value`` to ``to``."""
    shape = _shape(td)
    if td.primary_type == "CancelAuthorization" and _fits(shape, authorizer="address"):
        return TypedMeaning("cancel-authorization", "Cancel an unused EIP-3009 transfer authorization")
    if not _fits(shape, **EIP3009_FIELDS):
        return None
    m = td.message
    eff = Transfer(
        "erc20",
        td.verifying_contract,
        _a(m["to"]),
        m["value"],
        sender=_a(m["from"]),
        signature=True,
        valid_until=m["validBefore"],
    )
    return TypedMeaning("transfer-authorization", f"Signed payment: {eff.describe(chain)}", (eff,))


def _orders(td: TypedData, chain: int) -> TypedMeaning | None:
    trades = seaport_trades(td)
    if trades is not None:
        if len(trades) == 1:
            return TypedMeaning("seaport-order", trades[0].describe(chain), trades)
        return TypedMeaning("seaport-order", f"Seaport bulk order: {len(trades)} orders", trades)
    trade = limit_order_trade(td)
    if trade is not None:
        return TypedMeaning("limit-order", trade.describe(chain), (trade,))
    return None


def _safe_tx(td: TypedData, chain: int) -> TypedMeaning | None:
    """A Safe transaction (SafeTx, domain verifyingContract = the Safe): the inner call is decoded and
    reviewed like any call; operation 1 runs it with DELEGATECALL."""
    shape = _shape(td)
    base = _first(shape, ("baseGas", "dataGas"))  # dataGas: Safe before 1.0
    wanted = {"to": "address", "value": "uint", "data": "bytes", "operation": "uint8", "safeTxGas": "uint"}
    if td.primary_type != "SafeTx" or not base or not _fits(shape, **wanted, gasPrice="uint"):
        return None
    m, safe = td.message, td.verifying_contract
    operation = m["operation"]
    if operation not in (CALL, DELEGATECALL):
        raise TypedDataError(f"SafeTx operation {operation} is neither CALL (0) nor DELEGATECALL (1)")
    from signer.eth.calls import decode_call  # the calldata decoders, only for a Safe transaction

    call = decode_call(chain, _a(m["to"]), m["value"], m["data"], delegatecall=operation == DELEGATECALL)
    effects = list(call.all_effects())
    gas_token = typed_address(m.get("gasToken")) or bytes(20)  # absent or not an address: none
    receiver = typed_address(m.get("refundReceiver")) or bytes(20)
    refund = gas_refund(safe, m["safeTxGas"], m[base], m["gasPrice"], gas_token, receiver)
    if refund is not None:
        effects.append(refund)
    who = checksum(safe) if safe else "a Safe"
    title = f"Safe {who} transaction #{m.get('nonce', '?')}: {call.title}"
    return TypedMeaning("safe-tx", title, tuple(effects), call=call)


def _permit2(td: TypedData, chain: int) -> TypedMeaning | None:
    if td.name != "Permit2" and td.primary_type not in PERMIT2_TYPES:
        return None
    m, fake = td.message, td.verifying_contract != PERMIT2
    notes: tuple[str, ...] = (
        ("FAKE Permit2: the verifying contract is not the real Permit2 (0x000000000022D4…8BA3)",)
        if fake
        else ()
    )
    try:
        if td.primary_type in ("PermitSingle", "PermitBatch"):
            details = m["details"] if isinstance(m["details"], list) else [m["details"]]
            effs: list[Effect] = []
            for d in details:
                amount, exp = d["amount"], d["expiration"]
                effs.append(
                    Approval(
                        "permit2",
                        _a(d["token"]),
                        _a(m["spender"]),
                        amount,
                        unlimited=allowance_is_unlimited(chain, _a(d["token"]), amount),
                        revoke=amount == 0,
                        expiration=None if exp >= UINT48_MAX else exp,
                        deadline=m["sigDeadline"],
                        signature=True,
                    )
                )
            title = f"Permit2 allowance: {'; '.join(e.describe(chain) for e in effs)}"
            return TypedMeaning("permit2", title, tuple(effs), fake_permit2=fake, notes=notes)
        if td.primary_type.startswith("Permit") and "TransferFrom" in td.primary_type:
            permitted = m["permitted"] if isinstance(m["permitted"], list) else [m["permitted"]]
            approvals = [
                Approval(
                    "permit2-transfer",
                    _a(p["token"]),
                    _a(m["spender"]),
                    p["amount"],
                    unlimited=allowance_is_unlimited(chain, _a(p["token"]), p["amount"]),
                    deadline=m["deadline"],
                    signature=True,
                )
                for p in permitted
            ]
            title = "Permit2 signature transfer: " + "; ".join(
                f"{checksum(_a(m['spender']))} may take {describe_allowance(chain, e.token, e.amount or 0)}"
                for e in approvals
            )
            if "Witness" in td.primary_type:
                notes += ("the witness (what the order promises in return) is shown below, not checked",)
            return TypedMeaning("permit2-transfer", title, tuple(approvals), fake_permit2=fake, notes=notes)
    except (KeyError, TypeError, TypedDataError) as exc:
        raise TypedDataError(f"Permit2 message {td.primary_type} lacks the standard fields: {exc}") from exc
    return TypedMeaning("unknown", f"Permit2 message {td.primary_type}", fake_permit2=fake, notes=notes)


RECOGNISERS: tuple[Recogniser, ...] = (
    _permit2,
    _safe_tx,
    _orders,
    _dai_permit,
    _erc20_permit,
    _nft_permit,
    _permit_for_all,
    _transfer_authorization,
)
