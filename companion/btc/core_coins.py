"""The coins a ``bitcoind://`` wallet can spend, as a BDK wallet in memory that TxBuilder spends from.

The node tracks the wallet (companion.btc.core_rpc), so BDK's own store holds no transactions. To
build with BDK all the same, this loads a BDK wallet from a change set made of what the node says:
the full transaction of every confirmed coin ``listunspent`` gives (so each PSBT input carries its
``non_witness_utxo``), anchored in the blocks that hold them, and the receive and change indexes
the node has used (``listdescriptors``' ``next_index``), each marked used, so change never goes to
an address that was paid before. Nothing of it is written anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from companion.btc.bdk_network import bdk_network, bdk_network_kind
from companion.btc.core_rpc import CoreRPC, CoreWallet, synced_node_wallet

if TYPE_CHECKING:
    from companion.btc.wallets import WalletRecord


def node_coins_wallet(record: WalletRecord, also: Sequence[str] = ()) -> Any:
    """A BDK wallet holding the node's view of ``record``'s confirmed coins (in memory only).

    ``also``: txids of the node's wallet to hold as well, with the transactions they spend from, each
    anchored in its block or, while it waits in the node's mempool, unconfirmed (a fee bump replaces
    one, a CPFP child spends one); a txid the node's wallet does not know is left out."""
    import bdkpython as bdk

    rpc, name = synced_node_wallet(record)
    CoreWallet(rpc.node).check_network(record)
    kind = bdk_network_kind(record.network)
    receive, change = bdk.Descriptor(record.descriptor, kind), bdk.Descriptor(record.change_descriptor, kind)

    coins = rpc.call("listunspent", 1, 9_999_999, [], False, wallet=name)
    blocks: dict[int, str] = {0: rpc.call("getblockhash", 0)}
    tip = int(rpc.call("getblockcount"))
    blocks[tip] = rpc.call("getblockhash", tip)
    txs, anchors, last_seen = [], [], {}
    wanted, mempool = {str(c["txid"]) for c in coins}, set(rpc.call("getrawmempool")) if also else set()
    extra = _with_parents(rpc, name, also)
    for txid in sorted(wanted | set(extra)):
        info = extra.get(txid) or rpc.call("gettransaction", txid, True, wallet=name)
        if "blockhash" not in info:  # confirmed a moment ago, reorganised away since; or unconfirmed
            if txid in mempool:
                txs.append(bdk.Transaction(bytes.fromhex(info["hex"])))
                last_seen[bdk.Txid.from_string(txid)] = int(info.get("timereceived", info.get("time", 0)))
            continue
        height, block = int(info["blockheight"]), str(info["blockhash"])
        blocks[height] = block
        txs.append(bdk.Transaction(bytes.fromhex(info["hex"])))
        when = bdk.ConfirmationBlockTime(
            block_id=bdk.BlockId(height=height, hash=bdk.BlockHash.from_string(block)),
            confirmation_time=int(info["blocktime"]),
        )
        anchors.append(bdk.Anchor(confirmation_block_time=when, txid=bdk.Txid.from_string(txid)))

    used = _next_indexes(rpc, name)
    revealed = {
        keychain: used[keychain] - 1 for keychain in (False, True) if used.get(keychain, 0) > 0
    }  # internal? -> last index handed out
    ids = {False: receive.descriptor_id(), True: change.descriptor_id()}
    changes = bdk.ChangeSet.from_aggregate(
        receive,
        change,
        bdk_network(record.network),
        bdk.LocalChainChangeSet(
            changes=[
                bdk.ChainChange(height=h, hash=bdk.BlockHash.from_string(b))
                for h, b in sorted(blocks.items())
            ]
        ),
        bdk.TxGraphChangeSet(
            txs=txs, txouts={}, anchors=anchors, last_seen=last_seen, first_seen={}, last_evicted={}
        ),
        bdk.IndexerChangeSet(last_revealed={ids[k]: i for k, i in revealed.items()}),
    )
    wallet = bdk.Wallet.load(receive, change, bdk.Persister.custom(_fixed(changes)))
    for internal, last in revealed.items():
        keychain = bdk.KeychainKind.INTERNAL if internal else bdk.KeychainKind.EXTERNAL
        for index in range(last + 1):
            wallet.mark_used(keychain, index)
    return wallet


def _with_parents(rpc: CoreRPC, name: str, txids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``gettransaction`` of each of ``txids`` and of the transactions they spend, as far as the node's
    wallet knows them (a coin of someone else is not in it)."""
    import bdkpython as bdk

    found: dict[str, dict[str, Any]] = {}
    for txid in txids:
        info = _wallet_tx(rpc, name, txid)
        if info is None:
            continue
        found[txid] = info
        for txin in bdk.Transaction(bytes.fromhex(info["hex"])).input():
            parent = str(txin.previous_output.txid)
            if parent not in found and (known := _wallet_tx(rpc, name, parent)) is not None:
                found[parent] = known
    return found


def _wallet_tx(rpc: CoreRPC, name: str, txid: str) -> dict[str, Any] | None:
    from companion.btc.core_rpc import RPCError

    try:
        info: dict[str, Any] = rpc.call("gettransaction", txid, True, wallet=name)
    except RPCError:  # not a transaction of this wallet
        return None
    return info


def _next_indexes(rpc: CoreRPC, name: str) -> dict[bool, int]:
    """Per branch (internal or not), the next index the node's wallet would hand out."""
    found: dict[bool, int] = {}
    for row in rpc.call("listdescriptors", wallet=name)["descriptors"]:
        if row.get("active"):
            found[bool(row.get("internal"))] = int(row.get("next_index", row.get("next", 0)))
    return found


def _fixed(changes: Any) -> Any:
    """A BDK persistence that starts from ``changes`` and writes nothing."""
    import bdkpython as bdk

    class Fixed(bdk.Persistence):  # type: ignore[misc]
        def initialize(self) -> Any:
            return changes

        def persist(self, changeset: Any) -> None:
            return None

    return Fixed()
