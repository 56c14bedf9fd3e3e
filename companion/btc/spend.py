"""Build an unsigned payment with BDK's TxBuilder: RBF on, send-max drains, the fee rate honoured.

The wallet it spends from is the one the last sync left: BDK's own coins for compact block filters,
or, for ``bitcoind://``, a BDK wallet in memory loaded with the node's coins (``node_coins``). Every
refusal is one line and happens before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from companion.btc.bdk_network import bdk_network
from companion.errors import CompanionError

MIN_FEE_RATE = 1  # sat/vB: the relay minimum of Bitcoin Core's default policy
COINBASE_MATURITY = 100  # blocks before a coinbase output may be spent (consensus)
MAX_FEE_RATE = 1_000  # sat/vB: above this a typo is likelier than a wish (Core refuses 10,000 and up)
_OUTPOINT = re.compile(r"([0-9a-fA-F]{64}):([0-9]{1,6})")


@dataclass(frozen=True)
class Payment:
    """What ``btc send`` was asked: one destination, an amount (None: everything), coins to use."""

    to: str
    amount: int | None  # sats; None spends every selected coin (send-max)
    fee_rate: int  # sat/vB
    utxos: tuple[tuple[str, int], ...] = ()  # (txid, vout): spend only these (coin control)


def parse_amount(text: str) -> int | None:
    """``max`` or a whole number of sats."""
    if text.strip().lower() == "max":
        return None
    if not text.strip().isdigit():
        raise CompanionError(f"the amount must be a whole number of sats or max, not {text[:30]!r}")
    sats = int(text)
    if sats <= 0:
        raise CompanionError("the amount must be more than 0 sats")
    return sats


def check_fee_rate(rate: int) -> int:
    if not MIN_FEE_RATE <= rate <= MAX_FEE_RATE:
        raise CompanionError(
            f"the fee rate {rate} sat/vB is out of bounds: use {MIN_FEE_RATE} to {MAX_FEE_RATE}"
        )
    return rate


def parse_outpoint(text: str) -> tuple[str, int]:
    match = _OUTPOINT.fullmatch(text.strip())
    if not match:
        raise CompanionError(
            f"a coin is TXID:VOUT (64 hex digits, a colon, the output number), not {text[:80]!r}"
        )
    return match.group(1).lower(), int(match.group(2))


def destination(address: str, network: str) -> Any:
    """BDK's Address for ``address`` on ``network``; refuses one of another network."""
    import bdkpython as bdk

    try:
        return bdk.Address(address.strip(), bdk_network(network))
    except bdk.AddressParseError.NetworkValidation:
        raise CompanionError(f"the address {address[:100]} is not a {network} address") from None
    except Exception:  # bdkpython's other AddressParseError variants
        raise CompanionError(f"the address {address[:100]!r} is not a valid Bitcoin address") from None


def build_psbt(wallet: Any, network: str, payment: Payment) -> bytes:
    """The unsigned PSBT (BIP-174, binary) paying ``payment`` from ``wallet``'s coins."""
    import bdkpython as bdk

    to = destination(payment.to, network)
    builder = bdk.TxBuilder().fee_rate(bdk.FeeRate.from_sat_per_vb(check_fee_rate(payment.fee_rate)))
    if payment.utxos:
        known = {(str(u.outpoint.txid), int(u.outpoint.vout)): u for u in wallet.list_unspent()}
        for txid, vout in payment.utxos:
            if (txid, vout) not in known:
                raise CompanionError(
                    f"the coin {txid}:{vout} is not an unspent coin of this wallet (as of the last sync)"
                )
            _check_mature(wallet, known[(txid, vout)])
        outpoints = [bdk.OutPoint(txid=bdk.Txid.from_string(t), vout=v) for t, v in payment.utxos]
        builder = builder.add_utxos(outpoints).manually_selected_only()
    if payment.amount is None:
        if not payment.utxos:
            builder = builder.drain_wallet()
        builder = builder.drain_to(to.script_pubkey())
    else:
        builder = builder.add_recipient(to.script_pubkey(), bdk.Amount.from_sat(payment.amount))
    try:
        psbt = builder.finish(wallet)
    except bdk.CreateTxError.OutputBelowDustLimit:
        raise CompanionError("the amount is below the dust limit: the network would not relay it") from None
    except bdk.CreateTxError.CoinSelection as exc:
        raise CompanionError(_short_of_funds(wallet, payment, exc)) from None
    except bdk.CreateTxError.NoUtxosSelected:
        raise CompanionError("the wallet has no spendable coins (as of the last sync)") from None
    except bdk.CreateTxError as exc:
        raise CompanionError(f"BDK could not build the transaction: {_one_line(exc)}") from None
    return bytes(base64_decode(psbt.serialize()))


def coinbase_spendable_from(height: int) -> int:
    """The first block that may hold a transaction spending a coinbase output mined at ``height``."""
    return height + COINBASE_MATURITY


def _check_mature(wallet: Any, coin: Any) -> None:
    """A coin chosen by hand that is a coinbase younger than 100 blocks is refused: no node would take
    the transaction (BDK's own coin selection already leaves such coins out)."""
    found = wallet.get_tx(coin.outpoint.txid)
    if found is None or not found.transaction.is_coinbase():
        return
    position = coin.chain_position
    height = int(position.confirmation_block_time.block_id.height) if position.is_confirmed() else None
    tip = int(wallet.latest_checkpoint().height)
    if height is None or tip + 1 < coinbase_spendable_from(height):
        spendable = f"in block {coinbase_spendable_from(height)} or later" if height is not None else "later"
        raise CompanionError(
            f"the coin {coin.outpoint.txid}:{coin.outpoint.vout} is newly mined: it can be spent {spendable} "
            f"(the wallet is at block {tip})"
        )


def _short_of_funds(wallet: Any, payment: Payment, exc: Exception) -> str:
    balance = wallet.balance()  # immature coinbase is not spendable, so not counted
    spendable = balance.confirmed.to_sat() + balance.trusted_pending.to_sat()
    if payment.amount is None:
        return "the coins would not even pay the fee at this rate: nothing would be left to send"
    return (
        f"{payment.amount} sats plus the fee is more than the balance this wallet can spend "
        f"({spendable} sats, as of the last sync)"
    )


def base64_decode(text: str) -> bytes:
    import base64

    return base64.b64decode(text, validate=True)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
