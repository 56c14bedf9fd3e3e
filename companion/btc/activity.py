"""A wallet's coins and history, in one shape for every chain source.

Compact block filter wallets answer from BDK's store as the last sync left it; ``bitcoind://`` wallets
ask the node's watch-only wallet, which follows the chain by itself. A history row's ``net`` is what
the transaction changed in the wallet's balance (received minus spent, the fee included when the
wallet paid it); ``height`` is None while it is unconfirmed. A coin mined by the wallet (``coinbase``)
may be spent only in block ``spendable_from_height`` or later; until the next block may, it is
``immature`` and no payment can use it. A transaction that was replaced (a fee
bump) or whose coins were spent by another is not history: it is left out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import WalletRecord


@dataclass(frozen=True)
class Coin:
    txid: str
    vout: int
    amount: int  # sats
    address: str
    change: bool
    height: int | None  # None: unconfirmed
    coinbase: bool = False
    spendable_from_height: int | None = None  # a coinbase's first block that may spend it
    immature: bool = False  # a coinbase the next block may not spend yet

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class HistoryRow:
    txid: str
    net: int  # sats: positive received, negative spent (fee included)
    fee: int | None  # sats, when the wallet paid it
    height: int | None
    time: int | None  # unix time of its block, or when first seen

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def coins(record: WalletRecord, folder: Path) -> list[Coin]:
    if record.node.startswith("bitcoind://"):
        return _node_coins(record)
    import bdkpython as bdk

    from companion.btc.bdk_network import bdk_network
    from companion.btc.wallets import open_bdk

    wallet = open_bdk(record, folder).wallet
    network = bdk_network(record.network)
    tip = int(wallet.latest_checkpoint().height)
    found = []
    for u in wallet.list_unspent():
        mined = wallet.get_tx(u.outpoint.txid)
        coinbase = mined is not None and bool(mined.transaction.is_coinbase())
        found.append(
            _coin(
                txid=str(u.outpoint.txid),
                vout=int(u.outpoint.vout),
                amount=u.txout.value.to_sat(),
                address=str(bdk.Address.from_script(u.txout.script_pubkey, network)),
                change=u.keychain == bdk.KeychainKind.INTERNAL,
                height=_height(u.chain_position),
                coinbase=coinbase,
                tip=tip,
            )
        )
    return sorted(found, key=_newest_first)


def _coin(*, coinbase: bool, tip: int, height: int | None, **fields: Any) -> Coin:
    """A coin with its maturity: a coinbase is spendable from its block plus 100 (consensus)."""
    from companion.btc.spend import coinbase_spendable_from

    if not coinbase:
        return Coin(height=height, **fields)
    start = coinbase_spendable_from(height) if height is not None else None
    immature = start is None or tip + 1 < start
    return Coin(height=height, coinbase=True, spendable_from_height=start, immature=immature, **fields)


def history(record: WalletRecord, folder: Path) -> list[HistoryRow]:
    if record.node.startswith("bitcoind://"):
        return _node_history(record)
    from companion.btc.wallets import open_bdk

    wallet = open_bdk(record, folder).wallet
    rows = []
    for canonical in wallet.transactions():
        tx = canonical.transaction
        values = wallet.sent_and_received(tx)
        try:
            fee: int | None = wallet.calculate_fee(tx).to_sat()
        except Exception:  # an input of someone else: BDK does not know its amount
            fee = None
        sent = values.sent.to_sat()
        position = canonical.chain_position
        rows.append(
            HistoryRow(
                txid=str(tx.compute_txid()),
                net=values.received.to_sat() - sent,
                fee=fee if sent else None,
                height=_height(position),
                time=_time(position),
            )
        )
    return sorted(rows, key=_newest_first)


def _height(position: Any) -> int | None:
    if position.is_confirmed():
        return int(position.confirmation_block_time.block_id.height)
    return None


def _time(position: Any) -> int | None:
    if position.is_confirmed():
        return int(position.confirmation_block_time.confirmation_time)
    stamp = getattr(position, "timestamp", None)
    return int(stamp) if stamp is not None else None


def _newest_first(row: Coin | HistoryRow) -> tuple[int, str]:
    return (-(row.height if row.height is not None else 1 << 40), row.txid)


def _node_coins(record: WalletRecord) -> list[Coin]:
    from companion.btc.core_rpc import synced_node_wallet

    rpc, name = synced_node_wallet(record)
    tip = int(rpc.call("getblockcount"))
    found = []
    # minconf 0, unsafe included, immature coinbase included (Core leaves it out otherwise)
    options = {"include_immature_coinbase": True}
    unspent = rpc.call("listunspent", 0, 9_999_999, [], True, options, wallet=name)
    for u in unspent:
        info = rpc.call("getaddressinfo", u["address"], wallet=name)
        confirmations = int(u.get("confirmations", 0))
        mined = rpc.call("gettransaction", u["txid"], True, wallet=name)
        found.append(
            _coin(
                txid=str(u["txid"]),
                vout=int(u["vout"]),
                amount=_sats(u["amount"]),
                address=str(u["address"]),
                change=bool(info.get("ischange")),
                height=tip - confirmations + 1 if confirmations > 0 else None,
                coinbase=bool(mined.get("generated")),
                tip=tip,
            )
        )
    return sorted(found, key=_newest_first)


def _node_history(record: WalletRecord) -> list[HistoryRow]:
    from companion.btc.core_rpc import synced_node_wallet

    rpc, name = synced_node_wallet(record)
    txids = {
        str(row["txid"])
        for row in rpc.call("listsinceblock", "", 1, True, False, wallet=name)["transactions"]
    }
    rows = []
    mempool = set(rpc.call("getrawmempool"))
    for txid in txids:
        info = rpc.call("gettransaction", txid, True, wallet=name)
        confirmations = int(info.get("confirmations", 0))
        if confirmations < 0 or (confirmations == 0 and txid not in mempool):
            continue  # replaced (a fee bump) or double-spent: it never happened, or never will
        fee = -_sats(info["fee"]) if "fee" in info else None
        rows.append(
            HistoryRow(
                txid=txid,
                net=_sats(info["amount"]) - (fee or 0),
                fee=fee,
                height=int(info["blockheight"]) if "blockheight" in info else None,
                time=int(info.get("blocktime", info.get("time", 0))) or None,
            )
        )
    return sorted(rows, key=_newest_first)


def _sats(btc: Any) -> int:
    return int(Decimal(str(btc)) * 100_000_000)
