"""What a parsed EIP-712 message lets happen: the signatures that move money (EIP-2612 / DAI
permits, Permit2 and fake Permit2 domains, Seaport orders), as effects the risk rules judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from signer.eth.effects import UINT48_MAX, Approval, Effect, allowance_is_unlimited, describe_allowance
from signer.eth.errors import TypedDataError
from signer.eth.orders import seaport_trades
from signer.eth.primitives import checksum
from signer.eth.typed_data import TypedData, typed_address

PERMIT2 = bytes.fromhex("000000000022d473030f116ddee9f6b43ac78ba3")
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
    kind: str  # permit | dai-permit | permit2 | permit2-transfer | seaport-order | generic
    title: str
    effects: tuple[Effect, ...] = ()
    fake_permit2: bool = False
    notes: tuple[str, ...] = field(default=())


def _a(v: Any) -> bytes:
    address = typed_address(v)
    return address if address is not None else v


def _names(td: TypedData, type_: str) -> list[str]:
    return [n for n, _ in td.types.get(type_, ())]


def recognise(td: TypedData) -> TypedMeaning:
    """What the signature would authorise, when it is one of the well-known money-moving kinds."""
    m, chain = td.message, td.chain_id or 0
    token = td.verifying_contract
    if td.primary_type == "Permit" and _names(td, "Permit") == [
        "owner",
        "spender",
        "value",
        "nonce",
        "deadline",
    ]:
        eff = Approval(
            "erc20-permit",
            token,
            _a(m["spender"]),
            m["value"],
            unlimited=allowance_is_unlimited(chain, token, m["value"]),
            revoke=m["value"] == 0,
            owner=_a(m["owner"]),
            deadline=m["deadline"],
            signature=True,
        )
        return TypedMeaning("permit", f"EIP-2612 permit: {eff.describe(chain)}", (eff,))
    if td.primary_type == "Permit" and _names(td, "Permit") == [
        "holder",
        "spender",
        "nonce",
        "expiry",
        "allowed",
    ]:
        allowed = bool(m["allowed"])
        eff = Approval(
            "dai-permit",
            token,
            _a(m["spender"]),
            None,
            unlimited=allowed,
            revoke=not allowed,
            owner=_a(m["holder"]),
            deadline=m["expiry"] or None,
            signature=True,
        )
        return TypedMeaning("dai-permit", f"DAI-style permit: {eff.describe(chain)}", (eff,))
    if td.name == "Permit2" or td.primary_type in PERMIT2_TYPES:
        return _permit2(td, chain)
    trades = seaport_trades(td)
    if trades is not None:
        if len(trades) == 1:
            return TypedMeaning("seaport-order", trades[0].describe(chain), trades)
        return TypedMeaning("seaport-order", f"Seaport bulk order: {len(trades)} orders", trades)
    return TypedMeaning("generic", f"Sign typed data: {td.primary_type}")


def _permit2(td: TypedData, chain: int) -> TypedMeaning:
    m, fake = td.message, td.verifying_contract != PERMIT2
    notes = (
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
            effs = [
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
                for e in effs
            )
            return TypedMeaning("permit2-transfer", title, tuple(effs), fake_permit2=fake, notes=notes)
    except (KeyError, TypeError) as exc:
        raise TypedDataError(f"Permit2 message {td.primary_type} lacks the standard fields: {exc}") from exc
    return TypedMeaning("permit2", f"Permit2 message {td.primary_type}", fake_permit2=fake, notes=notes)
