"""Bitcoin Core's RPC as a chain source: a watch-only descriptor wallet inside the node.

BDK's Python bindings have no RPC client, so the node does the tracking, as Specter Desktop has it do:
on the first sync the companion creates a wallet without private keys in the node and imports the
account's two descriptors (receive active, change active and internal), rescanning from the genesis
block; later syncs only read. Balances come from the node (``listunspent`` for confirmed coins, the
rest of ``getbalances`` as pending, immature coinbase included), the last used receive index from the
addresses that received (``listreceivedbyaddress`` with coinbase, each one's ``hdkeypath``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from companion.btc.node_url import NodeURL, check_reachable
from companion.btc.spend import COINBASE_MATURITY
from companion.btc.wallets import Status
from companion.errors import CompanionError

if TYPE_CHECKING:
    from pathlib import Path

    from companion.btc.wallets import OpenWallet, WalletRecord

# Core's chain names -> the companion's networks
CHAINS = {"main": "main", "test": "test", "signet": "signet", "regtest": "regtest"}
RPC_TIMEOUT = 600.0  # importdescriptors rescans the chain before it answers
WALLET_NOT_FOUND = -18
WALLET_ALREADY_LOADED = -35


class CoreRPC:
    """JSON-RPC to one node; errors are CompanionErrors without the credentials."""

    def __init__(self, node: NodeURL) -> None:
        self.node = node
        self._auth = "Basic " + base64.b64encode(f"{node.user}:{node.password}".encode()).decode()

    def call(self, method: str, *params: Any, wallet: str | None = None) -> Any:
        url = f"http://{self.node.host}:{self.node.port}" + (f"/wallet/{wallet}" if wallet else "")
        body = json.dumps({"jsonrpc": "1.0", "id": "airlock", "method": method, "params": list(params)})
        request = urllib.request.Request(
            url, body.encode(), {"Authorization": self._auth, "Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=RPC_TIMEOUT) as response:
                reply = json.loads(response.read(), parse_float=Decimal)
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                raise CompanionError(
                    f"the node at {self.node.where} refused the RPC user or password"
                ) from None
            try:
                reply = json.loads(exc.read(), parse_float=Decimal)
            except ValueError:
                reply = None
            if not isinstance(reply, dict) or not reply.get("error"):
                raise CompanionError(
                    f"the node at {self.node.where} answered HTTP {exc.code} to {method}"
                ) from None
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise CompanionError(f"no RPC answer from the node at {self.node.where}: {reason}") from None
        error = reply.get("error")
        if error:
            raise RPCError(int(error.get("code", 0)), str(error.get("message", "")), method)
        return reply.get("result")


class RPCError(CompanionError):
    def __init__(self, code: int, message: str, method: str) -> None:
        super().__init__(f"the node refused {method}: {' '.join(message.split())[:200]} (code {code})")
        self.code = code


def core_wallet_name(record: WalletRecord) -> str:
    """The node-side wallet of this account: named after it, unique to its descriptors."""
    digest = hashlib.sha256(f"{record.descriptor}\n{record.change_descriptor}".encode()).hexdigest()
    return f"airlock-{record.name}-{digest[:12]}"


def synced_node_wallet(record: WalletRecord) -> tuple[CoreRPC, str]:
    """The RPC connection and the node-side wallet name of a ``bitcoind://`` wallet that was synced;
    refuses one the node has no wallet for yet."""
    from companion.btc.node_url import parse_node_url

    node = parse_node_url(record.node)
    check_reachable(node)
    rpc = CoreRPC(node)
    name = core_wallet_name(record)
    if name not in rpc.call("listwallets"):
        raise CompanionError(
            f"{record.name} was never synced with its node: run `airlock-companion btc sync {record.name}`"
        )
    return rpc, name


class CoreWallet:
    def __init__(self, node: NodeURL) -> None:
        self.node = node
        self.rpc = CoreRPC(node)

    def sync(self, record: WalletRecord, wallet: OpenWallet, folder: Path) -> Status:
        check_reachable(self.node)
        info = self.check_network(record)
        name = core_wallet_name(record)
        self._open(name, record)
        confirmed = sum((_sats(u["amount"]) for u in self.rpc.call("listunspent", 1, wallet=name)), 0)
        confirmed += self._mature_by_consensus(name)
        mine = self.rpc.call("getbalances", wallet=name)["mine"]
        total = sum(_sats(mine.get(key, 0)) for key in ("trusted", "untrusted_pending", "immature"))
        status = Status(
            height=int(info["blocks"]),
            confirmed=confirmed,
            pending=total - confirmed,
            last_used_receive=self._last_used_receive(name),
        )
        if status.last_used_receive is not None:  # BDK hands out addresses past it
            wallet.wallet.reveal_addresses_to(_external(), status.last_used_receive)
            wallet.persist()
        return status

    def broadcast(self, record: WalletRecord, wallet: OpenWallet, folder: Path, tx: bytes) -> str:
        """The node's dry run first (``testmempoolaccept``), so a refusal names its reason, then the send."""
        check_reachable(self.node)
        self.check_network(record)
        verdict = self.rpc.call("testmempoolaccept", [tx.hex()])[0]
        if not verdict.get("allowed"):
            reason = " ".join(str(verdict.get("reject-reason", "no reason given")).split())[:200]
            raise CompanionError(f"the node at {self.node.where} refused the transaction: {reason}")
        return str(self.rpc.call("sendrawtransaction", tx.hex()))

    def check_network(self, record: WalletRecord) -> dict[str, Any]:
        """The node's ``getblockchaininfo``; refuses a node of another network than the wallet's."""
        info: dict[str, Any] = self.rpc.call("getblockchaininfo")
        if CHAINS.get(str(info.get("chain"))) != record.network:
            raise CompanionError(
                f"the node at {self.node.where} runs {info.get('chain')}, "
                f"the wallet {record.name} is {record.network}"
            )
        return info

    def _open(self, name: str, record: WalletRecord) -> None:
        if name in self.rpc.call("listwallets"):
            return
        try:
            self.rpc.call("loadwallet", name)
            return
        except RPCError as exc:
            if exc.code == WALLET_ALREADY_LOADED:
                return
            if exc.code != WALLET_NOT_FOUND:
                raise
        # no private keys, blank, descriptors; not loaded by itself at the node's next start
        self.rpc.call("createwallet", name, True, True, "", False, True, False)
        requests = [
            {"desc": desc, "active": True, "internal": internal, "timestamp": 0, "range": [0, 999]}
            for desc, internal in ((record.descriptor, False), (record.change_descriptor, True))
        ]
        results = self.rpc.call("importdescriptors", requests, wallet=name)
        failed = [r for r in results if not r.get("success")]
        if failed:
            message = failed[0].get("error", {}).get("message", "unknown error")
            self.rpc.call("unloadwallet", name)
            raise CompanionError(f"the node did not take the wallet's descriptors: {message}")

    def _mature_by_consensus(self, name: str) -> int:
        """Coinbase outputs with exactly 100 confirmations: Core's wallet still calls them immature (it
        waits one block more), but consensus lets the next block spend them, and BDK counts them as
        confirmed; so both chain sources give one balance."""
        history = self.rpc.call("listsinceblock", "", 1, True, False, wallet=name)["transactions"]
        return sum(
            _sats(row["amount"])
            for row in history
            if row.get("category") == "immature" and int(row.get("confirmations", 0)) >= COINBASE_MATURITY
        )

    def _last_used_receive(self, name: str) -> int | None:
        # minconf 0, no empty addresses, watch-only included, any address, immature coinbase included
        received = self.rpc.call("listreceivedbyaddress", 0, False, True, "", True, wallet=name)
        last: int | None = None
        for row in received:
            info = self.rpc.call("getaddressinfo", row["address"], wallet=name)
            steps = str(info.get("hdkeypath", "")).split("/")
            if info.get("ischange") or len(steps) < 2 or steps[-2] != "0" or not steps[-1].isdigit():
                continue
            index = int(steps[-1])
            last = index if last is None else max(last, index)
        return last


def _sats(btc: Any) -> int:
    return int(Decimal(btc) * 100_000_000)


def _external() -> Any:
    import bdkpython as bdk

    return bdk.KeychainKind.EXTERNAL
