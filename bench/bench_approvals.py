"""Token approvals on anvil: scan time for 10 / 100 / 1,000 approvals (first scan and rescan), and
revoke throughput (requests built per second; signed in process + broadcast + mined per second).

Setup (not timed): anvil on chain 1337 with the test tokens (ten ERC-20s), one fresh owner per size
whose approvals go to distinct spenders spread over the ten tokens. The first scan reads every log from
block 0 and each pair's allowance by call (in JSON-RPC batches); the rescan (after one more block)
reads the new block only and every pair's current value again. Anchor: the least any scanner must do
for the same answer, with web3.py directly: one ``eth_getLogs`` for the owner's Approval logs and one
``allowance`` call per pair.
Revoke: 50 unlimited approvals of the test mnemonic's first address, revoked with ``--all-flagged``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.report import Table

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10, 100, 1000)
TOKENS = 10
REVOKES = 50


def _tests() -> None:
    for path in (ROOT / "tests", ROOT / "tests" / "companion"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def _helper(module: str, name: str) -> Any:
    """A helper of the test suite (the chain, the device): tests are not a package nor type-checked."""
    return getattr(importlib.import_module(module), name)


def _approve_many(chain: Any, owner: str, tokens: list[str], count: int, salt: int) -> None:
    """``count`` unlimited approvals of ``owner``, to distinct spenders, sent without waiting each."""
    chain.fund(owner, 10**20)
    chain.impersonate(owner)
    last = None
    for i in range(count):
        token = chain.contract("TestToken", tokens[i % len(tokens)])
        spender = "0x" + f"{salt:08x}{i:032x}"
        last = token.functions.approve(chain.w3.to_checksum_address(spender), 2**256 - 1).transact(
            {"from": owner}
        )
    chain.wait(last)


def _anchor(chain: Any, owner: str) -> float:
    started = time.perf_counter()
    topic = "0x" + "00" * 12 + owner[2:].lower()
    approval = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"
    logs = chain.w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "topics": [approval, topic]})
    for log in logs:
        data = "0xdd62ed3e" + "00" * 12 + owner[2:].lower() + log["topics"][2].hex().removeprefix("0x")
        chain.w3.eth.call({"to": log["address"], "data": data})
    return time.perf_counter() - started


def scan_times(chain: Any, tokens: list[str], table: Table) -> None:
    node_of = _helper("approvals_node", "node_of")
    from companion.approvals.scan import scan_owner
    from companion.approvals.store import ApprovalStore

    for n, size in enumerate(SIZES):
        owner = chain.w3.to_checksum_address(f"0x{0xB0 + n:02x}" + "11" * 19)
        _approve_many(chain, owner, tokens, size, n + 1)
        with tempfile.TemporaryDirectory() as folder:
            store = ApprovalStore(Path(folder), owner, 1337)
            node = node_of(chain)
            started = time.perf_counter()
            found = scan_owner(node, store, owner, 1337)
            first = time.perf_counter() - started
            assert len(found.approvals) == size, (len(found.approvals), size)
            chain.rpc("evm_mine")
            started = time.perf_counter()
            again = scan_owner(node, store, owner, 1337)
            rescan = time.perf_counter() - started
            assert len(again.approvals) == size and again.checked_blocks == 1
            store.close()
        anchor = _anchor(chain, owner)
        table.add(f"first scan, {size} approvals", first, anchor, "s", "web3: getLogs + allowance calls")
        table.add(f"rescan, {size} approvals", rescan, anchor, "s", "web3: getLogs + allowance calls")


def revoke_throughput(chain: Any, tokens: list[str], table: Table) -> None:
    owner, write_exports = _helper("eth_chain", "OWNER"), _helper("eth_device", "write_exports")
    from companion.approvals.service import broadcast_revokes, plan_revoke
    from companion.eth.accounts import EthAccount, EthAccounts, first_addresses, read_export
    from signer.cli import main as airlock

    _approve_many(chain, owner, tokens, REVOKES, 0xAA)
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "files"
        parsed = read_export(write_exports(files)["hdkey"].read_bytes())
        accounts = EthAccounts(Path(tmp) / "data")
        account = EthAccount(
            "main", 1337, chain.url, parsed.source, parsed.fingerprint, (), (), parsed.export
        )
        accounts.create(replace(account, addresses=first_addresses(account)))
        started = time.perf_counter()
        prepared = plan_revoke(accounts, "main", all_flagged=True)
        built = time.perf_counter() - started
        assert len(prepared) == REVOKES
        words = files / "words.txt"
        words.write_text(" ".join(["abandon"] * 11 + ["about"]) + "\n")
        started = time.perf_counter()
        groups = []
        for n, item in enumerate(prepared):
            request = files / f"{n:03d}.txt"
            request.write_text("\n".join(item.request.ur_parts()) + "\n")
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                assert airlock(["sign", str(request), "--mnemonic-file", str(words)]) == 0
            groups.append([line for line in out.getvalue().splitlines() if line.lower().startswith("ur:")])
        done = broadcast_revokes(accounts, "main", groups)
        sent = time.perf_counter() - started
        words.unlink()
        assert all(d.receipt["status"] == 1 for d in done) and len(done) == REVOKES
    table.add(f"revoke: {REVOKES} requests built (scan, gas, review)", round(REVOKES / built, 1), None, "/s")
    table.add(f"revoke: {REVOKES} signed + broadcast + mined", round(REVOKES / sent, 1), None, "/s")


def run() -> None:
    _tests()
    start_chain, stop_chain = _helper("eth_chain", "start_chain"), _helper("eth_chain", "stop_chain")

    try:
        chain = start_chain()
    except BaseException as exc:  # pytest.skip's exception when the tools are missing
        print(f"   skipped: {exc}")
        return
    try:
        tokens = [chain.deploy("TestToken", f"Bench {i}", f"B{i}", 18) for i in range(TOKENS)]
        table = Table("approvals on anvil (chain 1337)")
        scan_times(chain, tokens, table)
        revoke_throughput(chain, tokens, table)
        print(table.render())
    finally:
        stop_chain(chain.proc)


if __name__ == "__main__":
    run()
