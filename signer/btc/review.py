"""The typed result of reviewing a PSBT: what the UI shows, what the CLI prints, what tests read.

A Review also carries (privately) the exact signing plan it approved, so signing can only ever sign
what was reviewed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from signer.btc.bip322 import MessageProof
from signer.review import ReviewWarning, Severity

SAT = 100_000_000
AMOUNT_NOTES = {
    "taproot-signature": " (amount committed by the taproot signature)",
    "claimed": " (amount NOT proven: previous transaction missing)",
}


def fmt_btc(sats: int | None) -> str:
    if sats is None:
        return "unknown"
    sign = "-" if sats < 0 else ""
    sats = abs(sats)
    return f"{sign}{sats // SAT}.{sats % SAT:08d} BTC"


@dataclass(frozen=True)
class InputReview:
    index: int
    outpoint: str
    amount: int | None
    script_type: str
    address: str | None
    ours: bool
    path: str | None = None
    wallet: str | None = None  # "single-sig" or the registered multisig wallet's name
    amount_proven: bool = False  # from the txid-checked previous transaction
    # previous-tx (proven) | taproot-signature (our signature commits to it) | claimed | unknown
    amount_source: str = "unknown"
    sighash: str | None = None
    sequence: int = 0xFFFFFFFF
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "outpoint": self.outpoint,
            "amount": self.amount,
            "script_type": self.script_type,
            "address": self.address,
            "ours": self.ours,
            "path": self.path,
            "wallet": self.wallet,
            "amount_proven": self.amount_proven,
            "amount_source": self.amount_source,
            "sighash": self.sighash,
            "sequence": self.sequence,
            "note": self.note,
        }


@dataclass(frozen=True)
class OutputReview:
    index: int
    address: str | None
    script_hex: str
    script_type: str
    amount: int
    kind: str  # "external" | "change" | "self" | "op_return"
    path: str | None = None
    wallet: str | None = None
    note: str | None = None

    @property
    def is_change(self) -> bool:
        return self.kind == "change"

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "address": self.address,
            "script_hex": self.script_hex,
            "script_type": self.script_type,
            "amount": self.amount,
            "kind": self.kind,
            "is_change": self.is_change,
            "path": self.path,
            "wallet": self.wallet,
            "note": self.note,
        }


@dataclass(frozen=True)
class InputPlan:
    """How one of our inputs will be signed (fixed at review time)."""

    index: int
    kind: str  # p2pkh | p2sh-p2wpkh | p2wpkh | p2tr | p2wsh-multisig | p2sh-p2wsh-multisig | p2sh-multisig
    path: tuple[int, ...]
    pubkey: bytes  # compressed SEC key (for p2tr: the internal key's SEC)
    sighash: int
    script_code: bytes  # BIP-143 scriptCode / legacy scriptPubKey or redeem script; unused for p2tr
    amount: int
    redeem_script: bytes | None = None


@dataclass(frozen=True)
class Review:
    network: str
    psbt_version: int
    tx_version: int
    inputs: tuple[InputReview, ...]
    outputs: tuple[OutputReview, ...]
    total_in: int | None
    total_out: int
    fee: int | None
    vsize: int
    vsize_exact: bool
    fee_rate: float | None  # sat/vB
    locktime: int
    rbf: bool
    ours_in: int  # what our inputs bring
    sent: int  # what leaves the wallet (external outputs)
    change: int  # change + self-transfer outputs
    warnings: tuple[ReviewWarning, ...]
    refusals: tuple[ReviewWarning, ...]
    fingerprint: str
    kind: str = "btc-psbt"  # "btc-bip322" for a BIP-322 message proof (see message_proof)
    message_proof: MessageProof | None = None
    _plan: tuple[InputPlan, ...] = field(default=(), repr=False, compare=False)
    _psbt: Any = field(default=None, repr=False, compare=False)
    _utxos: tuple[tuple[int, bytes] | None, ...] = field(default=(), repr=False, compare=False)

    @property
    def can_sign(self) -> bool:
        return not self.refusals and bool(self._plan)

    @property
    def has_danger(self) -> bool:
        return any(w.severity == Severity.DANGER for w in self.warnings)

    @property
    def to_sign(self) -> tuple[int, ...]:
        return tuple(p.index for p in self._plan)

    @property
    def multisig_wallets(self) -> tuple[str, ...]:
        """Registered names of the multisig wallets this seed spends from, in input order."""
        names = (i.wallet for i in self.inputs if i.ours and i.wallet not in (None, "single-sig"))
        return tuple(dict.fromkeys(n for n in names if n is not None))

    def codes(self) -> set[str]:
        return {w.code for w in self.warnings} | {r.code for r in self.refusals}

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "network": self.network,
            "psbt_version": self.psbt_version,
            "tx_version": self.tx_version,
            "fingerprint": self.fingerprint,
            "inputs": [i.to_json() for i in self.inputs],
            "outputs": [o.to_json() for o in self.outputs],
            "total_in": self.total_in,
            "total_out": self.total_out,
            "fee": self.fee,
            "fee_rate": None if self.fee_rate is None else round(self.fee_rate, 2),
            "vsize": self.vsize,
            "vsize_exact": self.vsize_exact,
            "locktime": self.locktime,
            "rbf": self.rbf,
            "ours_in": self.ours_in,
            "sent": self.sent,
            "change": self.change,
            "to_sign": list(self.to_sign),
            "multisig_wallets": list(self.multisig_wallets),
            "can_sign": self.can_sign,
            "warnings": [w.to_json() for w in self.warnings],
            "refusals": [r.to_json() for r in self.refusals],
            "message_proof": self.message_proof.to_json(self.network) if self.message_proof else None,
        }

    def to_text(self) -> str:
        lines = [f"Bitcoin transaction ({self.network}, PSBT v{self.psbt_version}), seed {self.fingerprint}"]
        proof = self.message_proof
        if proof is not None:
            lines[0] = (
                f"Bitcoin signed-message proof (BIP-322, {self.network}) for "
                f"{proof.address(self.network) or '?'}, seed {self.fingerprint}"
            )
            shown = proof.display() if proof.message is not None else "(not included: will not be signed)"
            lines += ["  message:"] + [f"    {line}" for line in shown.split("\n")]
        for name in self.multisig_wallets:
            lines.append(f"  wallet: {name}")
        for i in self.inputs:
            who = f"ours {i.path}" if i.ours else "NOT signed by this seed"
            who += f"; {i.note}" if i.note else ""
            proof = AMOUNT_NOTES.get(i.amount_source, "") if i.ours else ""
            lines.append(
                f"  in  #{i.index} {fmt_btc(i.amount)}{proof} {i.script_type} {i.address or '?'} [{who}]"
            )
        for o in self.outputs:
            label = {"change": "CHANGE", "self": "to self", "op_return": "data"}.get(o.kind, "SEND")
            where = f" {o.path}" if o.path else ""
            if o.wallet not in (None, "single-sig"):
                where += f" ({o.wallet})"
            lines.append(
                f"  out #{o.index} {label:7} {fmt_btc(o.amount)} {o.address or o.script_type}{where}"
            )
        fee_rate = "unknown" if self.fee_rate is None else f"{self.fee_rate:.1f} sat/vB"
        approx = "" if self.vsize_exact else "~"
        if proof is None:  # a proof moves nothing and pays no fee
            size = f"{approx}{self.vsize} vB"
            lines.append(f"  sending {fmt_btc(self.sent)}, fee {fmt_btc(self.fee)} ({fee_rate}, {size})")
        lines.append(
            f"  locktime {self.locktime}{' (time)' if self.locktime >= 500_000_000 else ''}, "
            f"RBF {'on' if self.rbf else 'off'}"
        )
        for w in self.warnings:
            lines.append(f"  [{w.severity}] {w.code}: {w.message}")
        for r in self.refusals:
            lines.append(f"  [REFUSED] {r.code}: {r.message}")
        return "\n".join(lines)


def describe_locktime(locktime: int) -> str:
    if locktime >= 500_000_000:
        when = dt.datetime.fromtimestamp(locktime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"time {when}"
    return f"block height {locktime}"
