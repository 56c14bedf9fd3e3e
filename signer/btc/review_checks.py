"""Checks of the transaction as a whole: the network it is for, inputs spent twice, the fee, unusual
outputs, the locktime and the PSBT's own flags (RISK.md section 5).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from embit.transaction import TransactionOutput

from signer.btc.fees import SizeEstimate
from signer.btc.findings import Findings
from signer.btc.keys import BitcoinKeys
from signer.btc.networks import coin_type, format_path, is_mainnet_xpub_version
from signer.btc.paths import STANDARD_PURPOSES
from signer.btc.psbt import MAX_MONEY, Psbt
from signer.btc.psbt_fields import LOCKTIME_THRESHOLD
from signer.btc.review import OutputKind, OutputReview, describe_locktime, fmt_btc
from signer.derivation import HARDENED
from signer.review import Severity

FEE_WARN_PCT, FEE_DANGER_PCT = 5.0, 25.0  # of what is sent
FEE_DANGER_RATE = 500.0  # sat/vB
DUST = 546  # sat: below this an output costs more to spend than it holds
# Coins in an OP_RETURN output are destroyed. Up to the dust limit that is what a protocol marker might
# carry (and could not have been a spendable output anyway): a warning. Above it, money that could have
# gone anywhere is lost for nothing: danger.
BURN_DANGER = DUST
MAX_OP_RETURN_SCRIPT = 83  # bytes: the largest data output nodes relay by default
STANDARD_TX_VERSIONS = (1, 2, 3)
MAX_STANDARD_TX_WEIGHT = 400_000  # Bitcoin Core policy: nodes relay no heavier transaction
TRUC_VERSION, TRUC_MAX_VSIZE = 3, 10_000  # BIP-431: a version 3 transaction is at most 10,000 vB
SEQUENCE_FINAL = 0xFFFFFFFF  # an input that disables the locktime (when every input has it)
MAX_RBF_SEQUENCE = 0xFFFFFFFD  # BIP-125: an input at or below this signals replaceability
# A block height known to be in the past when this code was written, and its time, to estimate
# the tip on a device without network (its clock may be wrong, so this is only a floor).
REFERENCE_HEIGHT, REFERENCE_TIME = 880_000, 1_737_900_000
BLOCK_SECONDS, BLOCKS_PER_DAY = 600, 144
# A height locktime this many blocks past the tip is worth a warning: ~30 days past a tip the person
# gave, ~1 year past the estimate (which may be far behind).
FAR_PAST_GIVEN_TIP, FAR_PAST_ESTIMATED_TIP = 4_320, 52_560


def check_registered_wallets(keys: BitcoinKeys, f: Findings) -> None:
    for problem in keys.unreadable_multisig:
        f.warn(
            "multisig-unreadable",
            Severity.WARN,
            f"registered multisig wallet {problem}; it was left out, so its inputs are not signed here "
            "and its addresses are not recognised",
        )


def check_global_xpubs(psbt: Psbt, network: str, f: Findings) -> None:
    for raw in psbt.xpubs:
        is_main = is_mainnet_xpub_version(raw[:4])
        if is_main is not None and is_main != (network == "main"):
            f.refuse(
                "wrong-network",
                f"the PSBT's global xpubs are for {'mainnet' if is_main else 'a test network'}"
                f", this signer is on {network}",
            )
            return


def check_duplicate_inputs(psbt: Psbt, f: Findings) -> None:
    seen: set[str] = set()
    for inp in psbt.inputs:
        if inp.outpoint in seen:
            f.refuse("duplicate-input", f"input {inp.index} spends {inp.outpoint} a second time")
        seen.add(inp.outpoint)


def check_path_network(path: tuple[int, ...], network: str, where: str, f: Findings) -> None:
    """A standard path's coin type must be this network's (0 mainnet, 1 test networks)."""
    if len(path) >= 2 and path[0] in STANDARD_PURPOSES:
        expected = coin_type(network) + HARDENED
        if path[1] != expected:
            other = (
                "mainnet"
                if path[1] == HARDENED
                else "a test network"
                if path[1] == HARDENED + 1
                else f"coin {path[1] - HARDENED}"
            )
            f.refuse(
                "wrong-network",
                f"{where} is at {format_path(path)}, a path for {other}, but this signer is on {network}",
            )


@dataclass(frozen=True)
class Amounts:
    """The money the transaction moves, as far as its inputs say."""

    known_in: int  # what the inputs that say what they spend bring
    total_in: int | None  # None when some input does not say
    total_out: int
    ours_in: int  # what our inputs bring
    sent: int  # what leaves the wallet: external and data outputs
    change: int  # change and self-transfer outputs

    @property
    def fee(self) -> int | None:
        return None if self.total_in is None else self.total_in - self.total_out


def tally(
    utxos: Sequence[TransactionOutput | None], ours: Sequence[bool], outputs: Sequence[OutputReview]
) -> Amounts:
    known_in = sum(u.value for u in utxos if u is not None)
    return Amounts(
        known_in=known_in,
        total_in=known_in if all(u is not None for u in utxos) else None,
        total_out=sum(o.amount for o in outputs),
        ours_in=sum(u.value for u, o in zip(utxos, ours, strict=True) if o and u is not None),
        sent=sum(o.amount for o in outputs if o.kind in (OutputKind.EXTERNAL, OutputKind.OP_RETURN)),
        change=sum(o.amount for o in outputs if o.kind in (OutputKind.CHANGE, OutputKind.SELF)),
    )


def check_amounts(
    amounts: Amounts,
    fee_rate: float | None,
    outputs: Sequence[OutputReview],
    any_ours: bool,
    is_payment: bool,
    f: Findings,
) -> None:
    """Amounts that cannot exist, a fee that cannot be known or is negative or high, and a payment
    without change."""
    if amounts.known_in > MAX_MONEY:
        f.refuse(
            "amount-invalid",
            f"the inputs claim {fmt_btc(amounts.known_in)} in total, more than the 21 million BTC that can "
            "exist: some of their amounts are false",
        )
    fee = amounts.fee
    if fee is None:
        f.warn(
            "missing-utxo",
            Severity.WARN,
            "the fee cannot be computed: some inputs do not say what they spend",
        )
    elif fee < 0:
        f.refuse(
            "fee-negative",
            f"outputs ({fmt_btc(amounts.total_out)}) exceed inputs ({fmt_btc(amounts.total_in)})",
        )
    elif is_payment:
        check_fee(fee, fee_rate or 0.0, amounts.sent, amounts.total_out, f)
    if is_payment and not any(o.kind == OutputKind.CHANGE for o in outputs) and any_ours:
        f.warn(
            "full-spend",
            Severity.INFO,
            "no change output: all of the inputs leave the wallet (outputs plus fee)",
        )


def check_fee(fee: int, rate: float, sent: int, total_out: int, f: Findings) -> None:
    """A fee that is a large share of what is sent, or a very high rate."""
    basis = sent if sent > 0 else total_out
    if basis == 0:
        if fee:
            detail = f"fee {fmt_btc(fee)} while nothing is sent: all of it goes to miners"
            f.warn("fee-high", Severity.DANGER, detail)
        return
    pct = 100.0 * fee / basis
    detail = f"fee {fmt_btc(fee)} is {pct:.1f}% of the {fmt_btc(basis)} sent, {rate:.1f} sat/vB"
    if pct > FEE_DANGER_PCT or rate > FEE_DANGER_RATE:
        f.warn("fee-high", Severity.DANGER, detail)
    elif pct > FEE_WARN_PCT:
        f.warn("fee-high", Severity.WARN, detail)


def check_outputs(
    psbt: Psbt, outs: Sequence[OutputReview], utxos: Sequence[TransactionOutput | None], f: Findings
) -> None:
    """Coins burnt in data outputs, addresses paid twice or paid back, unusual scripts, dust."""
    input_scripts = {u.script_pubkey.data: i for i, u in enumerate(utxos) if u is not None}
    seen: dict[bytes, int] = {}
    op_returns = 0
    for o, po in zip(outs, psbt.outputs, strict=True):
        spk = po.script
        if o.kind == OutputKind.OP_RETURN:
            op_returns += 1
            if o.amount > 0:
                f.warn(
                    "op-return-burn",
                    Severity.DANGER if o.amount > BURN_DANGER else Severity.WARN,
                    f"output {o.index} destroys {fmt_btc(o.amount)}: coins given to a data (OP_RETURN) "
                    "output can never be spent by anyone",
                )
            if len(spk) > MAX_OP_RETURN_SCRIPT:
                f.warn("op-return-large", Severity.WARN, f"output {o.index} carries {len(spk)} bytes of data")
            f.warn("op-return", Severity.INFO, f"output {o.index} records data: {spk[1:].hex()[:80]}")
            continue
        if spk in input_scripts:
            f.warn(
                "address-reuse",
                Severity.WARN,
                f"output {o.index} pays back to the address of input {input_scripts[spk]} ({o.address})",
            )
        if spk in seen:
            f.warn("address-reuse", Severity.WARN, f"outputs {seen[spk]} and {o.index} pay the same address")
        seen.setdefault(spk, o.index)
        if o.script_type == "unknown" or o.script_type.startswith("witness-v"):
            f.warn(
                "output-nonstandard",
                Severity.WARN,
                f"output {o.index} has an unusual script ({spk.hex()[:40]})",
            )
        elif o.amount < DUST:
            f.warn("dust-output", Severity.WARN, f"output {o.index} is only {o.amount} sat")
    if op_returns > 1:
        f.warn("op-return-large", Severity.WARN, "more than one OP_RETURN output")


def check_tx_version(psbt: Psbt, f: Findings) -> None:
    if psbt.tx_version not in STANDARD_TX_VERSIONS:
        f.warn("tx-version", Severity.WARN, f"unusual transaction version {psbt.tx_version}")


def check_relay_size(psbt: Psbt, size: SizeEstimate, f: Findings) -> None:
    """A transaction nodes will not pass on: heavier than Bitcoin Core's MAX_STANDARD_TX_WEIGHT, or
    a version 3 (BIP-431) one larger than 10,000 vB.

    ``size`` is signer.btc.fees' weight of the finished transaction: the unsigned transaction as it
    is, inputs already finalized with their final scriptSig and witness, and the others with what
    their script type will add once signed (a P2PKH scriptSig of a 72-byte signature and a key, a
    P2WPKH witness, a nested-segwit redeem script push, a taproot key-path signature of 64 bytes, 65
    with an explicit sighash type, the m signatures and script of a multisig, and a P2WPKH witness
    where the script is unknown). ECDSA signatures are counted at 72 bytes; ours are ground to 71, as
    Bitcoin Core does, so the estimate is exact for taproot and at most one byte per ECDSA signature
    above the real weight: a transaction within that margin of the limit is warned about too.
    """
    if size.weight > MAX_STANDARD_TX_WEIGHT:
        limit = f"nodes pass on at most {MAX_STANDARD_TX_WEIGHT // 4:,} vB"
    elif psbt.tx_version == TRUC_VERSION and size.vsize > TRUC_MAX_VSIZE:
        limit = f"nodes pass on version 3 transactions of at most {TRUC_MAX_VSIZE:,} vB"
    else:
        return
    f.warn(
        "tx-too-large",
        Severity.WARN,
        f"This transaction is too large for the network to relay; it may never confirm. "
        f"It is about {size.vsize:,} vB and {limit}.",
    )


def signals_rbf(psbt: Psbt) -> bool:
    return any(i.sequence <= MAX_RBF_SEQUENCE for i in psbt.inputs)


def check_locktime(psbt: Psbt, locktime: int, tip_height: int | None, f: Findings) -> None:
    """A locktime that does nothing, or that keeps the transaction out of blocks for a long time."""
    if locktime == 0:
        return
    if all(i.sequence == SEQUENCE_FINAL for i in psbt.inputs):
        f.warn(
            "locktime-disabled",
            Severity.INFO,
            "a locktime is set but every input is final, so it has no effect",
        )
        return
    if locktime >= LOCKTIME_THRESHOLD:
        f.warn("large-locktime", Severity.WARN, f"cannot be mined before {describe_locktime(locktime)}")
        return
    estimate = (
        tip_height
        if tip_height is not None
        else REFERENCE_HEIGHT + max(0, int(time.time()) - REFERENCE_TIME) // BLOCK_SECONDS
    )
    margin = FAR_PAST_GIVEN_TIP if tip_height is not None else FAR_PAST_ESTIMATED_TIP
    if locktime > estimate + margin:
        f.warn(
            "large-locktime",
            Severity.WARN,
            f"cannot be mined before {describe_locktime(locktime)}, about "
            f"{(locktime - estimate) // BLOCKS_PER_DAY} days after the "
            f"{'given' if tip_height else 'estimated'} tip {estimate}",
        )


def check_tx_modifiable(psbt: Psbt, f: Findings) -> None:
    if psbt.tx_modifiable:
        f.warn(
            "tx-modifiable",
            Severity.INFO,
            "the PSBT allows others to add inputs or outputs; our SIGHASH_ALL "
            "signatures will freeze it as shown",
        )
