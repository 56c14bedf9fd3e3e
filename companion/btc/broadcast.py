"""From signed PSBTs to a transaction on the network: combine, finalize, check, broadcast.

Checks before anything leaves: every copy is of one transaction; the transaction is this wallet's (a
PSBT ``btc send`` built here, or one whose every input is this wallet's coin); BDK finalizes every
input; each input's signature verifies against the coin it spends (companion.btc.verify), the coins
taken from the wallet's own records (compact block filters) or the node's UTXO set (``bitcoind://``,
which also has the node accept it in a dry run first). Only then is it sent, once, through the wallet's
own chain source: the node, the Electrum or Esplora server it syncs with, never another.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from companion.errors import CompanionError

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import OpenWallet, WalletRecord

BUILT = "built.json"  # txids of the unsigned transactions ``btc send`` made for this wallet
BUILT_KEEP = 1_000


@dataclass(frozen=True)
class Ready:
    """A finalized, checked transaction that may be broadcast."""

    txid: str
    tx: bytes
    unsigned: bytes  # the combined PSBT before finalizing


def remember_built(folder: Path, txid: str) -> None:
    from signer.atomic_file import atomic_write

    known = built_txids(folder)
    known = [*[t for t in known if t != txid][-(BUILT_KEEP - 1) :], txid]
    atomic_write(folder / BUILT, (json.dumps(known) + "\n").encode())


def built_txids(folder: Path) -> list[str]:
    try:
        data = json.loads((folder / BUILT).read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise CompanionError(f"the wallet's list of built transactions cannot be read: {exc}") from None
    return [str(t) for t in data] if isinstance(data, list) else []


def unsigned_txid(psbt: bytes) -> str:
    """The txid of the PSBT's transaction (signatures do not change it for the wallets here)."""
    from signer.btc.psbt import parse_psbt
    from signer.errors import AirlockError

    try:
        return str(parse_psbt(psbt).unsigned_tx().txid().hex())
    except AirlockError as exc:
        raise CompanionError(f"not a valid PSBT: {exc}") from None


def prepare(record: WalletRecord, wallet: OpenWallet, folder: Path, signed: list[bytes]) -> Ready:
    """The one finalized transaction the signed copies make, checked as this module says."""
    import bdkpython as bdk

    from companion.btc.verify import verify_inputs

    if not signed:
        raise CompanionError("no signed PSBT was given")
    txids = {unsigned_txid(p) for p in signed}
    if len(txids) > 1:
        raise CompanionError(
            f"the signed PSBTs are of {len(txids)} different transactions: give copies of one"
        )
    (txid,) = txids
    psbts = [bdk.Psbt(base64.b64encode(p).decode()) for p in signed]
    combined = psbts[0]
    for other in psbts[1:]:
        try:
            combined = combined.combine(other)
        except Exception as exc:  # bdkpython's PsbtError
            raise CompanionError(f"the signed copies cannot be combined: {_one_line(exc)}") from None
    unsigned = base64.b64decode(combined.serialize())
    coins = _coins(record, wallet, unsigned)
    if txid not in built_txids(folder) and not all(ours for _, _, ours in coins):
        raise CompanionError(
            f"this transaction is not from the wallet {record.name}: it spends coins of another wallet"
        )
    prevouts = [(amount, script) for amount, script, _ in coins]
    from companion.btc.multisig import check_signature_count, is_multisig_descriptor

    if is_multisig_descriptor(record.descriptor):
        check_signature_count(record, unsigned)
    result = combined.finalize()  # rust-miniscript's finalizer: it also checks each signature
    if not result.could_finalize:
        raise _not_final(result.errors or [])
    try:
        tx = result.psbt.extract_tx()
    except Exception as exc:  # bdkpython's ExtractTxError: an absurd fee, a missing amount
        raise CompanionError(f"the transaction cannot be extracted: {_one_line(exc)}") from None
    raw = bytes(tx.serialize())
    verify_inputs(unsigned, raw, prevouts)
    return Ready(str(tx.compute_txid()), raw, unsigned)


def _coins(record: WalletRecord, wallet: OpenWallet, psbt: bytes) -> list[tuple[int, bytes, bool]]:
    """(amount, script, the wallet's?) of the coin each input spends, from the wallet's own records
    (compact block filters) or the node's UTXO set (``bitcoind://``), never from the PSBT."""
    from signer.btc.psbt import parse_psbt

    inputs = [(i.prev_txid.hex(), i.prev_vout) for i in parse_psbt(psbt).inputs]
    if record.node.startswith("bitcoind://"):
        return [_node_coin(record, txid, vout) for txid, vout in inputs]
    return [_own_coin(record, wallet, txid, vout) for txid, vout in inputs]


def _own_coin(record: WalletRecord, wallet: OpenWallet, txid: str, vout: int) -> tuple[int, bytes, bool]:
    import bdkpython as bdk

    found = wallet.wallet.get_tx(bdk.Txid.from_string(txid))
    outputs = found.transaction.output() if found is not None else []
    if vout >= len(outputs):
        raise CompanionError(
            f"this transaction is not from the wallet {record.name}: it spends {txid}:{vout}, a coin the "
            "wallet does not know (sync it if the coin is new)"
        )
    out = outputs[vout]
    script = bytes(out.script_pubkey.to_bytes())
    return out.value.to_sat(), script, bool(wallet.wallet.is_mine(bdk.Script(script)))


def _node_coin(record: WalletRecord, txid: str, vout: int) -> tuple[int, bytes, bool]:
    from companion.btc.core_rpc import CoreRPC, core_wallet_name
    from companion.btc.node_url import parse_node_url

    rpc = CoreRPC(parse_node_url(record.node))
    # the mempool's view first (a CPFP child spends an output still in it), then the chain's alone:
    # a fee bump spends again the coins its original spends in the mempool
    coin = rpc.call("gettxout", txid, vout, True) or rpc.call("gettxout", txid, vout, False)
    if coin is None:
        raise CompanionError(f"the coin {txid}:{vout} is spent or unknown to the node: nothing was broadcast")
    spk = coin["scriptPubKey"]
    ours = "address" in spk and bool(
        rpc.call("getaddressinfo", spk["address"], wallet=core_wallet_name(record)).get("ismine")
    )
    return int(Decimal(coin["value"]) * 100_000_000), bytes.fromhex(spk["hex"]), ours


def send(record: WalletRecord, wallet: OpenWallet, folder: Path, ready: Ready) -> str:
    """Broadcast through the wallet's own chain source (``ChainSource.broadcast``); the txid."""
    from companion.btc.chain import chain_source

    txid = chain_source(record.node).broadcast(record, wallet, folder, ready.tx)
    if not record.node.startswith("bitcoind://"):  # the node's wallet sees it by itself
        _note_unconfirmed(wallet, ready.tx)
    return txid


def _note_unconfirmed(wallet: OpenWallet, raw: bytes) -> None:
    """The wallet learns of its own payment at once: its coins are spent, its change is pending."""
    import bdkpython as bdk

    wallet.wallet.apply_unconfirmed_txs(
        [bdk.UnconfirmedTx(tx=bdk.Transaction(raw), last_seen=int(time.time()))]
    )
    wallet.persist()


class NotFullySigned(CompanionError):
    """Signatures are missing, none is wrong: another cosigner's copy may complete the transaction."""


def _not_final(errors: list[object]) -> CompanionError:
    for error in errors:
        # a signature, but not by the key the coin needs (multisig: CHECKMULTISIG refuses the set)
        if "Incorrect Signature" in str(error) or "CMS script aborted" in str(error):
            index = getattr(error, "index", "?")
            return CompanionError(
                f"input {index}'s signature does not verify (signed by another key, or damaged): "
                "nothing was broadcast"
            )
    why = "; ".join(_one_line(e) for e in errors[:2]) or "signatures are missing"
    return NotFullySigned(f"the PSBT cannot be finalized (is it signed?): {why}")


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


__all__ = ["NotFullySigned", "Ready", "built_txids", "prepare", "remember_built", "send", "unsigned_txid"]
