"""The approvals scanner on a real chain: every kind found and read by call, flags, rescans, hostile tokens.

One chain for the module; the tests run in order and build on each other's transactions (as a person's
account does over time).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from approvals_chain import (
    GARBAGE,
    P2_MAX,
    REVERTS,
    UNLIMITED,
    Made,
    as_contract,
    hostile_log,
    make_every_kind,
    permit2,
)
from approvals_chain import owner_topic as topic
from approvals_node import node_of
from eth_chain import CHAIN_ID, DEV, OWNER, PERMIT2, EthChain, eth_chain_fixture, requires_chain  # noqa: F401
from rpc_proxy import Batches, RpcProxy

from companion.approvals.model import Approval
from companion.approvals.scan import APPROVAL, ScanResult, scan_owner
from companion.approvals.store import ApprovalStore

pytestmark = requires_chain
DAY = 86400


@pytest.fixture(scope="module")
def made(eth_chain: EthChain) -> Made:
    return make_every_kind(eth_chain)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("account")


def scan(chain: EthChain, folder: Path, node: Any = None, **kw: Any) -> ScanResult:
    store = ApprovalStore(folder, OWNER, CHAIN_ID)
    try:
        return scan_owner(node or node_of(chain), store, OWNER, CHAIN_ID, **kw)
    finally:
        store.close()


def by_key(result: ScanResult) -> dict[str, Approval]:
    return {a.key: a for a in result.approvals}


def block_time(chain: EthChain, receipt: Any) -> int:
    return int(chain.w3.eth.get_block(receipt["blockNumber"])["timestamp"])


def test_every_kind_is_found_with_its_current_value(eth_chain: EthChain, made: Made, folder: Path) -> None:
    t = made.tokens
    result = scan(eth_chain, folder)
    found = by_key(result)
    assert sorted(found) == sorted([
        f"erc20:{t.dai}:{made.a}", f"erc20:{t.usdc}:{made.b}", f"erc20:{t.dai}:{made.c}",
        f"erc721:{t.nft}:{made.a}:1", f"erc721:{t.nft}:{made.b}", f"erc1155:{t.multi}:{made.a}",
        f"erc20:{t.usdc}:{PERMIT2}", f"permit2:{t.usdc}:{made.c}",
    ])  # fmt: skip
    assert found[f"erc20:{t.dai}:{made.a}"].amount == UNLIMITED
    assert found[f"erc20:{t.usdc}:{made.b}"].amount == 500 * 10**6
    permit = found[f"erc20:{t.dai}:{made.c}"]  # the EIP-2612 permit the spender sent
    assert (permit.amount, permit.unlimited, permit.flagged) == (40 * 10**18, False, False)
    inside = found[f"permit2:{t.usdc}:{made.c}"]
    assert (inside.amount, inside.unlimited, inside.expiration) == (P2_MAX, True, None)
    assert inside.symbol == "tUSDC"
    assert found[f"erc20:{t.usdc}:{PERMIT2}"].spender_name == "Permit2"
    unlimited = {k for k, a in found.items() if a.unlimited}
    assert unlimited == {f"erc20:{t.dai}:{made.a}", f"erc721:{t.nft}:{made.b}", f"erc1155:{t.multi}:{made.a}",
                         f"erc20:{t.usdc}:{PERMIT2}", f"permit2:{t.usdc}:{made.c}"}  # fmt: skip
    assert not any(a.risky or a.stale or a.last_used_at for a in found.values())
    assert all(a.granted_at is not None and a.granted_at <= result.now for a in found.values())
    assert result.unreadable == [] and result.skipped_logs == 0
    assert result.checked_blocks == result.block + 1


def test_openzeppelin_transfer_from_is_read_by_call_and_marks_the_use(
    eth_chain: EthChain, made: Made, folder: Path
) -> None:
    """OZ 5's transferFrom lowers the allowance with no Approval log: the value comes from the call."""
    before = scan(eth_chain, folder)
    usdc = made.tokens.erc20(made.tokens.usdc)
    spent = eth_chain.send(made.b, usdc.functions.transferFrom(OWNER, DEV[2], 200 * 10**6))
    after = scan(eth_chain, folder)
    lowered = by_key(after)[f"erc20:{made.tokens.usdc}:{made.b}"]
    assert lowered.amount == 300 * 10**6
    assert lowered.last_used_at == block_time(eth_chain, spent)
    assert after.checked_blocks == after.block - before.block  # only the new blocks were read


def test_stale_after_30_days_unless_the_spender_used_it(
    eth_chain: EthChain, made: Made, folder: Path
) -> None:
    t = made.tokens
    eth_chain.increase_time(31 * DAY)
    dai = t.erc20(t.dai)
    used = eth_chain.send(made.a, dai.functions.transferFrom(OWNER, DEV[2], 10**18))  # A uses its approval
    eth_chain.send(made.c, permit2(eth_chain).functions.transferFrom(OWNER, DEV[2], 10**6, t.usdc))
    found = by_key(scan(eth_chain, folder))
    stale = {k for k, a in found.items() if a.stale}
    assert stale == {f"erc20:{t.usdc}:{made.b}", f"erc20:{t.dai}:{made.c}", f"erc721:{t.nft}:{made.a}:1",
                     f"erc721:{t.nft}:{made.b}", f"erc1155:{t.multi}:{made.a}"}  # fmt: skip
    assert found[f"erc20:{t.dai}:{made.a}"].last_used_at == block_time(eth_chain, used)
    # used through Permit2 by its spender: neither the Permit2 allowance nor the approval to Permit2 is stale
    assert found[f"permit2:{t.usdc}:{made.c}"].last_used_at is not None
    assert found[f"erc20:{t.usdc}:{PERMIT2}"].last_used_at == found[f"permit2:{t.usdc}:{made.c}"].last_used_at
    assert found[f"erc20:{t.dai}:{made.c}"].flagged and found[f"erc20:{t.dai}:{made.c}"].reasons == (
        "not used for 30 days",
    )


def test_now_overrides_the_chain_clock_and_an_expired_permit2_allowance_is_not_live(
    eth_chain: EthChain, made: Made, folder: Path
) -> None:
    t = made.tokens
    expires = eth_chain.latest_time() + 3 * DAY
    eth_chain.send(OWNER, permit2(eth_chain).functions.approve(t.dai, made.b, 10**18, expires))
    assert f"permit2:{t.dai}:{made.b}" in by_key(scan(eth_chain, folder, now=expires))
    later = by_key(scan(eth_chain, folder, now=expires + 1))
    assert f"permit2:{t.dai}:{made.b}" not in later
    assert not later[f"erc20:{t.dai}:{made.a}"].stale  # used a moment ago by chain time
    assert by_key(scan(eth_chain, folder, now=expires + 40 * DAY))[f"erc20:{t.dai}:{made.a}"].stale


def test_a_plain_account_or_a_listed_address_as_spender_is_risky(
    eth_chain: EthChain, made: Made, folder: Path
) -> None:
    from signer.risk.library import builtin_library

    t = made.tokens
    listed_raw = next(addr for chain_id, addr, _ in builtin_library().records() if chain_id == 0)
    listed = as_contract(eth_chain, "0x" + listed_raw.hex())
    usdc = t.erc20(t.usdc)
    eth_chain.send(OWNER, usdc.functions.approve(DEV[3], 10**6))  # an EOA
    eth_chain.send(OWNER, usdc.functions.approve(listed, 10**6))
    found = by_key(scan(eth_chain, folder))
    eoa = found[f"erc20:{t.usdc}:{DEV[3]}"]
    assert eoa.risky and eoa.flagged and "not a contract" in eoa.risk_tags[0]
    tagged = found[f"erc20:{t.usdc}:{listed}"]
    assert tagged.risky and tagged.risk_tags == tuple(builtin_library().lookup(CHAIN_ID, listed_raw))
    assert not found[f"erc20:{t.dai}:{made.a}"].risky


def test_hostile_tokens_and_malformed_logs_do_not_stop_the_scan(
    eth_chain: EthChain, made: Made, folder: Path
) -> None:
    full = [APPROVAL, topic(OWNER), topic(made.a)]
    amount = (5).to_bytes(32, "big")
    reverting = hostile_log(eth_chain, "0x" + "de" * 20, full, amount, REVERTS)
    garbage = hostile_log(eth_chain, "0x" + "ad" * 20, full, amount, GARBAGE)
    hostile_log(eth_chain, "0x" + "be" * 20, full[:2], amount, REVERTS)  # 2 topics
    hostile_log(eth_chain, "0x" + "bf" * 20, full, b"", REVERTS)  # no amount
    result = scan(eth_chain, folder)
    unread = {u.token: u.reason for u in result.unreadable}
    assert set(unread) == {reverting, garbage}
    assert unread[reverting].startswith("allowance failed")
    assert unread[garbage] == "allowance answered 3 bytes, not 32"
    assert result.skipped_logs == 2
    assert f"erc20:{made.tokens.dai}:{made.a}" in by_key(result)  # the rest is still reported


class RangeLimitedNode:
    """The test chain's node behind a provider limit of 4 blocks per eth_getLogs (as public RPCs have)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.w3, self.ranges = inner, inner.w3, []

    def latest_block(self) -> dict[str, Any]:
        return dict(self.inner.latest_block())

    def batch(self, requests: Any) -> Any:
        return self.inner.batch(requests)

    def get_logs(self, params: dict[str, Any]) -> list[Any]:
        first, last = int(params["fromBlock"], 16), int(params["toBlock"], 16)
        if last - first + 1 > 4:
            raise ValueError("{'code': -32005, 'message': 'query exceeds max block range 4'}")
        self.ranges.append((first, last))
        return list(self.inner.get_logs(params))


def test_a_range_too_large_halves_the_chunk(eth_chain: EthChain, made: Made, tmp_path: Path) -> None:
    limited = RangeLimitedNode(node_of(eth_chain))
    (tmp_path / "limited").mkdir()
    (tmp_path / "reference").mkdir()
    result = scan(eth_chain, tmp_path / "limited", limited)
    reference = by_key(scan(eth_chain, tmp_path / "reference"))
    assert by_key(result).keys() == reference.keys()
    assert max(b - a + 1 for a, b in limited.ranges) == 4 and limited.ranges[0][0] == 0
    assert limited.ranges[-1][1] == result.block


def test_a_rescan_asks_the_node_no_more_than_the_first_scan_and_reads_in_batches(
    eth_chain: EthChain, made: Made, tmp_path: Path
) -> None:
    from companion.eth.node import EthNode

    with RpcProxy(eth_chain.url) as proxy:
        node = EthNode(proxy.url, CHAIN_ID)
        proxy.posts.clear()
        first = scan(eth_chain, tmp_path, node)
        first_posts, first_asked = list(proxy.posts), proxy.methods()
        eth_chain.rpc("evm_mine")
        proxy.posts.clear()
        again = scan(eth_chain, tmp_path, node)
        again_posts, again_asked = list(proxy.posts), proxy.methods()
    assert by_key(again) == by_key(first) and len(first.approvals) >= 8
    assert len(again_posts) <= len(first_posts)
    assert all(count <= first_asked[method] for method, count in again_asked.items()), again_asked
    spenders = {a.spender for a in first.approvals}
    assert first_asked["eth_getCode"] == len(spenders)  # once per spender, however many approvals it has
    assert again_asked["eth_getBlockByNumber"] == 1  # the head only: block times are stored
    candidates = len(first.approvals) + len(first.unreadable)
    batched = sum(len(p.methods) for p in again_posts if p.batch)
    assert batched >= candidates + len(spenders)  # every pair's value and every spender's code, batched
    assert len(again_posts) <= 5  # head, two getLogs, the values, what the live ones need


@pytest.mark.parametrize("refusal", [Batches.ERROR_OBJECT, Batches.HTTP_400])
def test_a_node_that_refuses_batches_is_asked_one_call_at_a_time(
    eth_chain: EthChain, made: Made, tmp_path: Path, refusal: Batches
) -> None:
    from companion.eth.node import EthNode

    (tmp_path / "reference").mkdir()
    reference = by_key(scan(eth_chain, tmp_path / "reference"))
    with RpcProxy(eth_chain.url, refusal) as proxy:
        node = EthNode(proxy.url, CHAIN_ID)
        assert by_key(scan(eth_chain, tmp_path, node)) == reference
        assert by_key(scan(eth_chain, tmp_path, node)) == reference  # and the rescan
    assert [p.batch for p in proxy.posts].count(True) == 1  # refused once, not asked again
    assert not node.batches and proxy.methods()["eth_call"] > len(reference)


def test_batches_answered_out_of_order_are_matched_by_id(
    eth_chain: EthChain, made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.eth import node as node_module

    (tmp_path / "reference").mkdir()
    reference = by_key(scan(eth_chain, tmp_path / "reference"))
    monkeypatch.setattr(node_module, "BATCH_SIZE", 3)  # several batches, each reversed
    with RpcProxy(eth_chain.url, Batches.REVERSED) as proxy:
        assert by_key(scan(eth_chain, tmp_path, node_module.EthNode(proxy.url, CHAIN_ID))) == reference
    assert sum(p.batch for p in proxy.posts) > 3


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (Batches.MISSING_ID, "left 1 of"),
        (Batches.WRONG_ID, "unknown or repeated id (1000000)"),
        (Batches.REPEATED_ID, "unknown or repeated id (0)"),
    ],
)
def test_a_batch_answer_that_does_not_match_its_requests_is_refused(
    eth_chain: EthChain, made: Made, tmp_path: Path, broken: Batches, message: str
) -> None:
    from companion.errors import CompanionError
    from companion.eth.node import EthNode

    with RpcProxy(eth_chain.url, broken) as proxy, pytest.raises(CompanionError) as refused:
        scan(eth_chain, tmp_path, EthNode(proxy.url, CHAIN_ID))
    text = str(refused.value)
    assert message in text and "none of its answers is used" in text and "\n" not in text
    assert text.startswith(f"the node at 127.0.0.1:{proxy.port} ")


class DenseStartNode(RangeLimitedNode):
    """Refuses more than 4 blocks per eth_getLogs only in the range's first ``dense`` blocks (as a node
    does for a range too full of logs): past them, any range is answered."""

    def __init__(self, inner: Any, dense: int) -> None:
        super().__init__(inner)
        self.dense = dense

    def get_logs(self, params: dict[str, Any]) -> list[Any]:
        first, last = int(params["fromBlock"], 16), int(params["toBlock"], 16)
        if first < self.dense and last - first + 1 > 4:
            raise ValueError("{'code': -32005, 'message': 'query returned more than 10000 results'}")
        self.ranges.append((first, last))
        return list(self.inner.get_logs(params))


def test_the_halved_chunk_grows_back_after_successful_ranges(
    eth_chain: EthChain, made: Made, tmp_path: Path
) -> None:
    eth_chain.rpc("anvil_mine", hex(80))  # enough blocks past the dense ones to see it grow
    node = DenseStartNode(node_of(eth_chain), dense=8)
    result = scan(eth_chain, tmp_path, node, chunk=32)
    ranges = list(dict.fromkeys(node.ranges))  # each range asked twice (approvals, ERC-1155 transfers)
    sizes = [b - a + 1 for a, b in ranges if a >= 8][:4]
    assert ranges[:2] == [(0, 3), (4, 7)] and sizes == [8, 16, 32, 32]  # doubled up to the chunk, no more
    assert node.ranges[-1][1] == result.block


def test_a_first_scan_starts_where_told_and_rescans_go_on_from_the_high_water_mark(
    eth_chain: EthChain, made: Made, tmp_path: Path
) -> None:
    from companion.errors import CompanionError

    t = made.tokens
    start = eth_chain.w3.eth.block_number + 1
    eth_chain.send(OWNER, t.erc20(t.dai).functions.approve(made.b, 7))
    first = scan(eth_chain, tmp_path, start_block=start)
    assert list(by_key(first)) == [f"erc20:{t.dai}:{made.b}"]  # the approvals before the start unread
    assert (first.from_block, first.checked_blocks) == (start, first.block - start + 1)
    eth_chain.rpc("evm_mine")
    again = scan(eth_chain, tmp_path)  # no start given: the stored one, from the high-water mark
    assert (again.from_block, again.checked_blocks, by_key(again).keys()) == (start, 1, by_key(first).keys())
    assert scan(eth_chain, tmp_path, start_block=start + 1).from_block == start  # later: already read
    store_file = tmp_path / "approvals.sqlite"
    before = store_file.read_bytes()
    for wrong, message in [
        (start - 1, f"from block {start} on, not {start - 1}: to read from block {start - 1}, delete"),
        (again.block + 5, f"block {again.block + 5} is not on the chain: its latest block is"),
    ]:
        with pytest.raises(CompanionError, match=message):
            scan(eth_chain, tmp_path, start_block=wrong)
    assert store_file.read_bytes() == before
