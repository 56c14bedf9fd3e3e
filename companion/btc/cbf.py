"""Compact block filters (BIP-157/158) with BDK's Kyoto client, from one configured node.

Kyoto's client is asynchronous: a sync runs its own asyncio loop for the one ``update()``, while the
node half runs in Kyoto's thread. Only the configured peer is used (never peers it advertises), and a
sync that gets no answer in time stops with the last warning Kyoto gave.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import TYPE_CHECKING, Any

from companion.btc.node_url import NodeURL, check_reachable
from companion.btc.wallets import Status, wallet_status
from companion.errors import CompanionError

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import OpenWallet, WalletRecord

SYNC_TIMEOUT = 120.0


class CompactFilters:
    def __init__(self, node: NodeURL, timeout: float = SYNC_TIMEOUT) -> None:
        self.node = node
        self.timeout = timeout

    def sync(self, record: WalletRecord, wallet: OpenWallet, folder: Path) -> Status:
        check_reachable(self.node)
        update = asyncio.run(self._update(wallet.wallet, folder / "cbf"))
        wallet.wallet.apply_update(update)
        wallet.persist()
        return wallet_status(wallet.wallet)

    def broadcast(self, record: WalletRecord, wallet: OpenWallet, folder: Path, tx: bytes) -> str:
        """Hand ``tx`` to the node over P2P and return its txid once the node has taken it in.

        P2P has no answer for a transaction the node refuses: it simply does not relay it, so the
        person follows it with ``btc sync`` and ``btc history``."""
        import bdkpython as bdk

        check_reachable(self.node)
        asyncio.run(self._broadcast(wallet.wallet, tx, folder / "cbf"))
        return str(bdk.Transaction(tx).compute_txid())

    async def _broadcast(self, wallet: Any, tx: bytes, data_dir: Path) -> None:
        """Kyoto's ``broadcast`` returns when the node asks for the transaction (``getdata``), with the
        ``tx`` message only queued: shutting down then may drop it unsent. So a request follows on the
        same connection (the block at the wallet's tip); the node answers its peer's messages in order,
        so its answer means the ``tx`` was received and checked."""
        import bdkpython as bdk

        client = self._client(wallet, data_dir)
        try:
            try:
                await asyncio.wait_for(client.broadcast(bdk.Transaction(tx)), self.timeout)
            except TimeoutError:
                raise CompanionError(f"the node at {self.node.where} did not ask for the transaction within "
                                     f"{self.timeout:.0f} s; nothing was sent") from None  # fmt: skip
            except Exception as exc:  # Kyoto's own errors
                why = _warning_text(exc)
                raise CompanionError(f"the broadcast to {self.node.where} failed: {why}") from None
            try:
                tip = wallet.latest_checkpoint().hash
                await asyncio.wait_for(client.average_fee_rate(tip), self.timeout)
            except Exception as exc:  # a timeout, or Kyoto's own errors
                timed_out = isinstance(exc, TimeoutError)
                why = f"no answer within {self.timeout:.0f} s" if timed_out else _warning_text(exc)
                raise CompanionError(
                    f"the node at {self.node.where} asked for the transaction, then the connection failed "
                    f"({why}): it may not have it; see btc sync and btc history"
                ) from None
        finally:
            with contextlib.suppress(Exception):  # already stopped
                client.shutdown()

    def _client(self, wallet: Any, data_dir: Path) -> Any:
        """Kyoto's client for this one node, its node half running."""
        import bdkpython as bdk

        data_dir.mkdir(mode=0o700, exist_ok=True)
        peer = bdk.Peer(address=_ip(self.node.host), port=self.node.port, v2_transport=False)
        parts = (
            bdk.CbfBuilder()
            .peers([peer])
            .only_configured_peers()
            .connections(1)
            .data_dir(str(data_dir))
            .scan_type(bdk.ScanType.SYNC())
            .configure_timeout_millis(handshake=5_000, response=15_000)
            .build(wallet)
        )
        parts.node.run()
        return parts.client

    async def _update(self, wallet: Any, data_dir: Path) -> Any:
        client = self._client(wallet, data_dir)
        warnings: list[str] = []

        async def watch() -> None:
            while True:
                warnings.append(_warning_text(await client.next_warning()))

        watcher = asyncio.create_task(watch())
        try:
            return await asyncio.wait_for(client.update(), self.timeout)
        except TimeoutError:
            last = f" (last: {warnings[-1]})" if warnings else ""
            raise CompanionError(
                f"no compact block filters from {self.node.where} within {self.timeout:.0f} s: is it a node "
                f"of this network with blockfilterindex=1 and peerblockfilters=1?{last}"
            ) from None
        except Exception as exc:  # Kyoto's own errors
            raise CompanionError(f"the compact block filter sync failed: {exc}") from None
        finally:
            watcher.cancel()
            with contextlib.suppress(Exception):  # already stopped
                client.shutdown()


def _ip(host: str) -> Any:
    import bdkpython as bdk

    try:
        address = socket.getaddrinfo(host, None, socket.AF_INET)[0][4][0]
    except OSError:
        raise CompanionError(f"cannot resolve the node's host {host}") from None
    return bdk.IpAddress.from_ipv4(*(int(part) for part in str(address).split(".")))


def _warning_text(warning: Any) -> str:
    return " ".join(str(warning).split())[:160]
