"""The typed review of an Ethereum request, shared by the device UI and the CLI.

It holds everything the screen shows; ``to_json()`` is the CLI's ``--review-json`` document. It is
built by signer.chains.ethereum_review, which runs the risk rules (signer.risk, a layer above this
package's decoders) on the decoded request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from signer.eth import registry
from signer.eth.decoded_call import Call
from signer.eth.effects import Transfer, format_amount
from signer.eth.message import PersonalMessage
from signer.eth.primitives import checksum
from signer.eth.tx import UnsignedTx
from signer.eth.typed_data import TypedData
from signer.eth.typed_meaning import TypedMeaning
from signer.review import ReviewWarning, Severity


class EthKind(StrEnum):
    """What an Ethereum request asks to sign (the ``kind`` of its request and review)."""

    TX = "eth-tx"
    TYPED_DATA = "eth-typed-data"
    MESSAGE = "eth-message"


KINDS = tuple(EthKind)


@dataclass(frozen=True)
class EthReview:
    kind: str  # eth-tx | eth-typed-data | eth-message
    title: str
    chain: registry.Chain | None
    warnings: tuple[ReviewWarning, ...] = ()
    refusals: tuple[ReviewWarning, ...] = ()  # never signed, whatever the person says
    tx: UnsignedTx | None = None
    call: Call | None = None
    typed_data: TypedData | None = None
    meaning: TypedMeaning | None = None
    message: PersonalMessage | None = None
    signer: bytes | None = None  # the address that will sign, when known
    path: str | None = None
    fingerprint: int | None = None  # the request's source fingerprint (ERC-4527)
    origin: str | None = None
    source: str = "raw"  # erc4527 | raw
    notes: tuple[str, ...] = field(default=())

    @property
    def has_danger(self) -> bool:
        return any(w.severity == Severity.DANGER for w in self.warnings)

    @property
    def danger_codes(self) -> list[str]:
        return sorted({w.code for w in self.warnings if w.severity == Severity.DANGER})

    def codes(self) -> set[str]:
        return {w.code for w in self.warnings} | {r.code for r in self.refusals}

    def recipients(self) -> list[bytes]:
        """Addresses this request sends value to: what to remember in the signer's history once signed."""
        effects = list(self.call.all_effects()) if self.call is not None else []
        if self.meaning is not None:
            effects += [e for e in self.meaning.effects if e not in effects]
        out = [e.recipient for e in effects if isinstance(e, Transfer) and e.purpose == "send"]
        return list(dict.fromkeys(a for a in out if a != bytes(20)))

    def with_extra(
        self, warnings: Sequence[ReviewWarning] = (), refusals: Sequence[ReviewWarning] = ()
    ) -> EthReview:
        """A copy with request-level warnings and refusals added (kept sorted by severity)."""
        merged = [*warnings, *(w for w in self.warnings if w not in warnings)]
        rank = {Severity.DANGER: 0, Severity.WARN: 1, Severity.INFO: 2}
        return replace(
            self,
            warnings=tuple(sorted(merged, key=lambda w: rank[w.severity])),
            refusals=(*self.refusals, *refusals),
        )

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "kind": self.kind,
            "title": self.title,
            "source": self.source,
            "chain": {
                "id": self.chain.chain_id,
                "name": self.chain.name,
                "symbol": self.chain.symbol,
                "known": self.chain.known,
            }
            if self.chain
            else None,
            "signer": {
                "address": checksum(self.signer) if self.signer else None,
                "path": self.path,
                "fingerprint": f"{self.fingerprint:08x}" if self.fingerprint is not None else None,
            },
            "origin": self.origin,
            "warnings": [w.to_json() for w in self.warnings],
            "refusals": [w.to_json() for w in self.refusals],
            "notes": list(self.notes),
        }
        if self.tx is not None:
            doc["tx"] = _tx_json(self.tx)
        if self.call is not None:
            doc["call"] = self.call.to_json()
        if self.typed_data is not None:
            td = self.typed_data
            doc["typed_data"] = {
                "primary_type": td.primary_type,
                "domain": {
                    f.path.removeprefix("domain."): f.display
                    for f in td.fields()
                    if f.path.startswith("domain.")
                },
                "fields": [{"path": f.path, "type": f.type, "value": f.display} for f in td.fields()],
                "digest": "0x" + td.digest().hex(),
                "ignored_fields": list(td.ignored_fields),
            }
        if self.meaning is not None:
            doc["meaning"] = {
                "kind": self.meaning.kind,
                "title": self.meaning.title,
                "effects": [e.to_json() for e in self.meaning.effects],
                "notes": list(self.meaning.notes),
            }
        if self.message is not None:
            m = self.message
            doc["message"] = {
                "text": m.text,
                "hex": "0x" + m.data.hex(),
                "length": len(m.data),
                "digest": "0x" + m.digest().hex(),
            }
        return doc

    def to_text(self) -> str:
        """A plain-text rendering for the CLI (stderr)."""
        lines = [self.title]
        if self.chain:
            lines.append(f"chain: {self.chain.name} ({self.chain.chain_id})")
        if self.signer:
            lines.append(f"signer: {checksum(self.signer)} ({self.path})")
        if self.tx is not None:
            t = _tx_json(self.tx)
            lines += [
                f"to: {t['to'] or '(new contract)'}",
                f"value: {t['value']}",
                f"nonce: {t['nonce']}",
                f"gas limit: {t['gas_limit']}",
                f"max fee: {t['max_fee']}",
            ]
            for a in t["authorizations"]:
                where = "EVERY chain (0)" if a["chain_id"] == 0 else f"chain {a['chain_id']}"
                lines.append(f"7702 authorization: {where}, delegate {a['address']}, nonce {a['nonce']}")
        if self.call is not None:
            for c in self.call.walk():
                lines.append("  " * c.depth + f"- {c.title}")
        if self.typed_data is not None:
            lines += [f"{f.path}: {f.display}" for f in self.typed_data.fields()]
        if self.message is not None:
            lines.append(f"message: {self.message.display()}")
        lines += [f"REFUSED [{r.code}] {r.message}" for r in self.refusals]
        lines += [f"{w.severity.upper()} [{w.code}] {w.message}" for w in self.warnings]
        return "\n".join(lines)


def _tx_json(tx: UnsignedTx) -> dict[str, Any]:
    fees: dict[str, Any] = {}
    if tx.gas_price is not None:
        fees["gas_price"] = str(tx.gas_price)
    else:
        fees["max_fee_per_gas"] = str(tx.max_fee_per_gas)
        fees["max_priority_fee_per_gas"] = str(tx.max_priority_fee_per_gas)
    return {
        "type": tx.tx_type,
        "type_name": tx.type_name,
        "chain_id": tx.chain_id,
        "nonce": tx.nonce,
        "gas_limit": tx.gas_limit,
        **fees,
        "max_fee_wei": str(tx.max_fee),
        "max_fee": format_amount(tx.chain_id, None, tx.max_fee),
        "to": checksum(tx.to) if tx.to else None,
        "value_wei": str(tx.value),
        "value": format_amount(tx.chain_id, None, tx.value),
        "data": "0x" + tx.data.hex(),
        "access_list": [a.to_json() for a in tx.access_list],
        "authorizations": [
            {
                "chain_id": a.chain_id,
                "address": checksum(a.address),
                "nonce": a.nonce,
                "authority": checksum(a.authority) if a.authority else None,
                "valid_signature": a.authority is not None,
            }
            for a in tx.authorization_list
        ],
        "signing_hash": "0x" + tx.signing_hash().hex(),
    }


__all__ = ["KINDS", "EthKind", "EthReview"]
