"""The typed result of reviewing a PSBT: what the UI shows, what the CLI prints, what tests read.

A Review also carries (privately) the exact signing plan it approved, so signing can only ever sign
what was reviewed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from signer.btc.bip322 import MessageProof
from signer.btc.psbt_fields import LOCKTIME_THRESHOLD
from signer.btc.scripts import SpendKind
from signer.review import ReviewWarning, Severity

SAT = 100_000_000
SINGLE_SIG_WALLET = "single-sig"  # the wallet an input or output of this seed's own key belongs to


class ReviewKind(StrEnum):
    TRANSACTION = "btc-psbt"
    MESSAGE_PROOF = "btc-bip322"  # a BIP-322 signed-message proof (see Review.message_proof)


class AmountSource(StrEnum):
    """What vouches for the amount an input spends."""

    PREVIOUS_TX = "previous-tx"  # its txid-checked previous transaction: proven
    TAPROOT_SIGNATURE = "taproot-signature"  # our taproot signature commits to every amount
    CLAIMED = "claimed"  # only the PSBT's witness_utxo says so
    UNKNOWN = "unknown"  # nothing says


class OutputKind(StrEnum):
    """Where an output's coins go, as far as this seed can prove."""

    EXTERNAL = "external"  # someone else (or a place of ours no wallet would find)
    CHANGE = "change"  # back to the account or wallet being spent, on its change branch
    SELF = "self"  # to another findable address, account or registered wallet of this seed
    OP_RETURN = "op_return"  # a data output: its coins are destroyed


AMOUNT_NOTES = {
    AmountSource.TAPROOT_SIGNATURE: " (amount committed by the taproot signature)",
    AmountSource.CLAIMED: " (amount NOT proven: previous transaction missing)",
}
OUTPUT_LABELS = {
    OutputKind.EXTERNAL: "SEND",
    OutputKind.CHANGE: "CHANGE",
    OutputKind.SELF: "to self",
    OutputKind.OP_RETURN: "data",
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
    wallet: str | None = None  # SINGLE_SIG_WALLET or the registered multisig wallet's name
    amount_proven: bool = False  # from the txid-checked previous transaction
    amount_source: AmountSource = AmountSource.UNKNOWN
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
    kind: OutputKind
    path: str | None = None
    wallet: str | None = None
    note: str | None = None

    @property
    def is_change(self) -> bool:
        return self.kind == OutputKind.CHANGE

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
    kind: SpendKind
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
    kind: ReviewKind = ReviewKind.TRANSACTION
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
        names = (i.wallet for i in self.inputs if i.ours and i.wallet not in (None, SINGLE_SIG_WALLET))
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
            note = AMOUNT_NOTES.get(i.amount_source, "") if i.ours else ""
            lines.append(
                f"  in  #{i.index} {fmt_btc(i.amount)}{note} {i.script_type} {i.address or '?'} [{who}]"
            )
        for o in self.outputs:
            label = OUTPUT_LABELS[o.kind]
            where = f" {o.path}" if o.path else ""
            if o.wallet not in (None, SINGLE_SIG_WALLET):
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
            f"  locktime {self.locktime}{' (time)' if self.locktime >= LOCKTIME_THRESHOLD else ''}, "
            f"RBF {'on' if self.rbf else 'off'}"
        )
        for w in self.warnings:
            lines.append(f"  [{w.severity}] {w.code}: {w.message}")
        for r in self.refusals:
            lines.append(f"  [REFUSED] {r.code}: {r.message}")
        return "\n".join(lines)


def describe_locktime(locktime: int) -> str:
    if locktime >= LOCKTIME_THRESHOLD:
        when = dt.datetime.fromtimestamp(locktime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"time {when}"
    return f"block height {locktime}"
