"""Speeding up an unconfirmed transaction: replace it with a higher fee (RBF), or pay for it with a child
(CPFP).

``bump`` builds, with BDK's ``BumpFeeTxBuilder``, a replacement of one of the wallet's own
transactions (every input the wallet's, RBF signalled) at a higher fee rate: the same payments, a
smaller change. Bitcoin Core relays a replacement only when it pays more than the original by its
incremental relay fee, so the new rate must be at least the original's plus ``MIN_STEP`` sat/vB.

``cpfp`` builds a child that spends the wallet's own outputs of an unconfirmed parent back to the
wallet, with the fee that lifts parent and child together to the asked rate::

    child fee = rate * (parent vsize + child vsize) - parent fee

the child's vsize as BDK estimates it for the signed transaction. For a ``bitcoind://`` wallet the
parent's fee and vsize are the node's mempool figures for the parent with its own unconfirmed
ancestors; elsewhere, the wallet's own, and a parent whose own parent is unconfirmed is refused.

Both refuse in one line, before anything is written: a transaction not the wallet's, confirmed, not
replaceable, a rate that would not raise the fee. Then they write the PSBT as ``btc send`` does.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from companion.btc.handover import Sent, check_density, check_frame_folder, plan_qr, write_frames, write_psbt
from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.btc.wallets import OpenWallet, WalletRecord, Wallets

MIN_STEP = 1  # sat/vB over the original: Bitcoin Core's default incremental relay fee, at its highest
RBF_MAX_SEQUENCE = 0xFFFFFFFD  # BIP-125: an input with a sequence at most this signals replaceability
_TXID = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Parent:
    """What a CPFP child has to pay for: the unconfirmed parent (with its unconfirmed ancestors)."""

    fee: int  # sats
    vsize: int  # vbytes


def parse_txid(text: str) -> str:
    if not _TXID.fullmatch(text.strip()):
        raise CompanionError(f"a transaction id is 64 hex digits, not {text[:80]!r}")
    return text.strip().lower()


def bump(wallets: Wallets, args: argparse.Namespace) -> Sent:
    """``btc bump NAME TXID --fee-rate N -o FILE``: the replacement's PSBT and the device's review."""
    import bdkpython as bdk

    from companion.btc.spend import check_fee_rate

    txid, rate = parse_txid(args.txid), check_fee_rate(args.fee_rate)
    record, opened, wallet = _wallet(wallets, args, txid)
    tx = _unconfirmed(record, wallet, txid)
    for index, txin in enumerate(tx.input()):
        if not is_ours(wallet, txin.previous_output):
            raise CompanionError(
                f"{txid} spends a coin that is not this wallet's (input {index}): only who sent it can "
                f"replace it; to speed up a payment you received, use `btc cpfp {record.name} {txid}`"
            )
    if not any(txin.sequence <= RBF_MAX_SEQUENCE for txin in tx.input()):
        raise CompanionError(
            f"{txid} did not signal replace-by-fee (BIP-125) when it was sent: it cannot be replaced; "
            f"`btc cpfp {record.name} {txid}` can speed it up if it pays this wallet change"
        )
    old = wallet.calculate_fee(tx).to_sat() / tx.vsize()
    if rate < old + MIN_STEP:
        raise CompanionError(
            f"the fee rate {rate} sat/vB is too low: {txid} pays {old:.1f} sat/vB, and the network relays "
            f"a replacement only when it pays at least {MIN_STEP} sat/vB more"
        )
    builder = bdk.BumpFeeTxBuilder(bdk.Txid.from_string(txid), bdk.FeeRate.from_sat_per_vb(rate))
    try:
        psbt = builder.finish(wallet)
    except Exception as exc:  # bdkpython's CreateTxError: the change cannot pay the higher fee, ...
        raise CompanionError(_bump_refused(exc, rate)) from None
    return _finish(wallets, args, record, opened, _psbt_bytes(psbt))


def cpfp(wallets: Wallets, args: argparse.Namespace) -> Sent:
    """``btc cpfp NAME TXID --fee-rate N -o FILE``: the child's PSBT and the device's review."""
    import bdkpython as bdk

    from companion.btc.spend import MIN_FEE_RATE, check_fee_rate

    txid, rate = parse_txid(args.txid), check_fee_rate(args.fee_rate)
    record, opened, wallet = _wallet(wallets, args, txid)
    tx = _unconfirmed(record, wallet, txid)
    mine = [u for u in wallet.list_unspent() if str(u.outpoint.txid) == txid]
    if not mine:
        raise CompanionError(
            f"{txid} has no unspent output of this wallet: there is nothing for a child to spend"
        )
    parent = _parent(record, wallet, tx, txid)
    if parent.fee >= rate * parent.vsize:
        raise CompanionError(
            f"{txid} already pays {parent.fee / parent.vsize:.1f} sat/vB (with its unconfirmed parents): "
            f"a child at {rate} sat/vB would not speed it up"
        )
    home = wallet.reveal_next_address(bdk.KeychainKind.INTERNAL).address.script_pubkey()
    outpoints = [u.outpoint for u in mine]
    # at 1 sat/vB BDK's fee is the child's estimated signed vsize, rounded up
    child_vsize = _child(wallet, outpoints, home, bdk.FeeRate.from_sat_per_vb(1)).fee()
    fee = math.ceil(rate * (parent.vsize + child_vsize)) - parent.fee
    fee = max(fee, MIN_FEE_RATE * child_vsize)
    value = sum(u.txout.value.to_sat() for u in mine)
    psbt = _child(wallet, outpoints, home, bdk.Amount.from_sat(fee), value)
    return _finish(wallets, args, record, opened, _psbt_bytes(psbt))


def _wallet(
    wallets: Wallets, args: argparse.Namespace, txid: str
) -> tuple[WalletRecord, OpenWallet | None, Any]:
    """The wallet's record, its BDK store (None for ``bitcoind://``) and the BDK wallet to build with."""
    from companion.btc.wallets import open_bdk

    record = wallets.load(args.name)
    if wallets.status(args.name) is None:
        raise CompanionError(
            f"{record.name} was never synced: run `airlock-companion btc sync {record.name}`"
        )
    if args.qr_dir is not None:
        check_frame_folder(args.qr_dir)
    if record.node.startswith("bitcoind://"):
        from companion.btc.core_coins import node_coins_wallet

        return record, None, node_coins_wallet(record, also=[txid])
    opened = open_bdk(record, wallets.folder(args.name))
    return record, opened, opened.wallet


def _unconfirmed(record: WalletRecord, wallet: Any, txid: str) -> Any:
    import bdkpython as bdk

    found = wallet.get_tx(bdk.Txid.from_string(txid))
    if found is None:
        raise CompanionError(
            f"{txid} is not a transaction of the wallet {record.name} (as of its last sync, or replaced)"
        )
    position = found.chain_position
    if position.is_confirmed():
        height = position.confirmation_block_time.block_id.height
        raise CompanionError(f"{txid} is already confirmed (in block {height}): there is nothing to speed up")
    return found.transaction


def is_ours(wallet: Any, outpoint: Any) -> bool:
    """Whether the output ``outpoint`` names pays the wallet (as far as its transactions show)."""
    import bdkpython as bdk

    found = wallet.get_tx(outpoint.txid)
    outputs = found.transaction.output() if found is not None else []
    if outpoint.vout >= len(outputs):
        return False
    return bool(wallet.is_mine(bdk.Script(bytes(outputs[outpoint.vout].script_pubkey.to_bytes()))))


def _parent(record: WalletRecord, wallet: Any, tx: Any, txid: str) -> Parent:
    """The fee and vsize a child must pay for: the node's mempool package, or the wallet's own figures."""
    if record.node.startswith("bitcoind://"):
        from companion.btc.core_rpc import CoreRPC, RPCError
        from companion.btc.node_url import parse_node_url

        try:
            entry = CoreRPC(parse_node_url(record.node)).call("getmempoolentry", txid)
        except RPCError:
            raise CompanionError(
                f"{txid} is not in the node's mempool: it was replaced, or dropped"
            ) from None
        return Parent(fee=_sats(entry["fees"]["ancestor"]), vsize=int(entry["ancestorsize"]))
    for txin in tx.input():
        found = wallet.get_tx(txin.previous_output.txid)
        if found is not None and not found.chain_position.is_confirmed():
            raise CompanionError(
                f"{txid} spends {txin.previous_output.txid}, unconfirmed too: speed up that one first"
            )
    try:
        fee = wallet.calculate_fee(tx).to_sat()
    except Exception:  # bdkpython's CalculateFeeError: an input's amount is not known to the wallet
        raise CompanionError(
            f"the fee {txid} pays is unknown to this wallet (it spends coins of others it never saw), so "
            "the child's fee cannot be computed"
        ) from None
    return Parent(fee=fee, vsize=int(tx.vsize()))


def _child(wallet: Any, outpoints: list[Any], home: Any, fee: Any, value: int | None = None) -> Any:
    """The child spending exactly ``outpoints`` to ``home`` (the wallet's change), at a FeeRate or an
    absolute fee."""
    import bdkpython as bdk

    builder = bdk.TxBuilder().add_utxos(outpoints).manually_selected_only().drain_to(home)
    builder = builder.fee_rate(fee) if isinstance(fee, bdk.FeeRate) else builder.fee_absolute(fee)
    try:
        return builder.finish(wallet)
    except (bdk.CreateTxError.CoinSelection, bdk.CreateTxError.OutputBelowDustLimit,
            bdk.CreateTxError.InsufficientFunds):  # fmt: skip
        paid = "" if value is None else f" {value} sats"
        raise CompanionError(
            f"the wallet's output{paid} of this transaction is too small to pay the child's fee at this rate"
        ) from None
    except bdk.CreateTxError as exc:
        raise CompanionError(f"BDK could not build the child: {_one_line(exc)}") from None


def _finish(
    wallets: Wallets, args: argparse.Namespace, record: WalletRecord, opened: OpenWallet | None, psbt: bytes
) -> Sent:
    """Review as the device will, refuse what it would refuse, then write as ``btc send`` does."""
    from companion.btc.broadcast import remember_built, unsigned_txid
    from companion.btc.device_review import review_psbt

    review = review_psbt(record, psbt)
    if review.refusals:
        first = review.refusals[0]
        raise CompanionError(f"the device would refuse this PSBT ({first.code}): {first.message}")
    frames = plan_qr(psbt, args.format, check_density(args.density)) if args.qr_dir is not None else None
    txid = unsigned_txid(psbt)
    write_psbt(args.output, psbt)
    remember_built(wallets.folder(record.name), txid)
    if opened is not None:
        opened.persist()  # the change address it took stays taken
    written = write_frames(args.qr_dir, frames) if frames is not None else []
    return Sent(args.output, txid, review, written)


def _bump_refused(exc: Exception, rate: int) -> str:
    kind = type(exc).__name__
    if kind in ("FeeRateTooLow", "FeeTooLow"):
        return f"the fee rate {rate} sat/vB does not pay more than the original: {_one_line(exc)}"
    if kind in ("CoinSelection", "InsufficientFunds"):
        return f"the wallet has not enough coins to pay {rate} sat/vB for the replacement"
    return f"BDK could not build the replacement: {_one_line(exc)}"


def _psbt_bytes(psbt: Any) -> bytes:
    import base64

    return base64.b64decode(psbt.serialize(), validate=True)


def _sats(btc: Any) -> int:
    from decimal import Decimal

    return int(Decimal(str(btc)) * 100_000_000)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
