"""A node that lies or breaks, a data folder edited by hand, two companions at once: each is one line
on stderr (never a traceback), nothing is written and nothing is handed to the device.

The node here is a small JSON-RPC server on 127.0.0.1 (``eth_fake_node``): anvil cannot lie.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from companion_cli import Run, run, snapshot
from eth_chain import CHAIN_ID, DEV, OWNER
from eth_device import write_exports
from eth_fake_node import FakeEthNode, RpcError

from companion.errors import CompanionError
from companion.eth import pending
from companion.eth.accounts import EthAccount, EthAccounts, first_addresses, read_export
from companion.eth.node import MAX_LOGS, EthNode

GWEI = 10**9
TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
HASH_A = "0x" + "aa" * 32


def honest() -> dict[str, Any]:
    """What an honest node of chain 1337 answers for a send of OWNER (who holds a million ETH)."""
    return {
        "eth_chainId": hex(CHAIN_ID),
        "eth_getTransactionCount": "0x0",
        "eth_getBlockByNumber": {"number": "0x64", "timestamp": "0x6500", "baseFeePerGas": hex(GWEI)},
        "eth_maxPriorityFeePerGas": hex(GWEI),
        "eth_estimateGas": hex(21000),
        "eth_getBalance": hex(10**24),
        "eth_getLogs": [],
        "eth_getTransactionByHash": None,
        "eth_getTransactionReceipt": None,
    }


@pytest.fixture
def node() -> Iterator[FakeEthNode]:
    with FakeEthNode(honest()) as fake:
        yield fake


@pytest.fixture
def datadir(tmp_path: Path, node: FakeEthNode) -> Path:
    """A data folder with the account ``main`` (the test seed's crypto-hdkey) on the fake node."""
    parsed = read_export(write_exports(tmp_path / "files")["hdkey"].read_bytes())
    account = EthAccount("main", CHAIN_ID, node.url, parsed.source, parsed.fingerprint, (), (), parsed.export)
    EthAccounts(tmp_path / "data").create(replace(account, addresses=first_addresses(account)))
    return tmp_path / "data"


def eth(capsys: pytest.CaptureFixture[str], datadir: Path, *args: str) -> Run:
    return run(capsys, datadir, "eth", *args)


def one_line_error(done: Run, *fragments: str) -> None:
    assert done.status == 1 and done.out == "", (done.out, done.err)
    assert done.err.count("\n") == 1 and done.err.startswith("airlock-companion: error: "), done.err
    for fragment in fragments:
        assert fragment in done.err, done.err


def refused_send(capsys: pytest.CaptureFixture[str], datadir: Path, *fragments: str) -> None:
    """``eth send`` refused with one line naming ``fragments``; nothing written, no request file."""
    before = snapshot(datadir)
    request = datadir.parent / "refused.txt"
    done = eth(capsys, datadir, "send", "main", "--to", DEV[1], "--value", "1000", "-o", str(request))
    one_line_error(done, *fragments)
    assert snapshot(datadir) == before and not request.exists()


def sent(capsys: pytest.CaptureFixture[str], datadir: Path) -> Any:
    request = datadir.parent / "request.txt"
    return eth(
        capsys, datadir, "send", "main", "--to", DEV[1], "--value", "1000", "-o", str(request), "--json"
    ).json()


# -- the node's answers ---------------------------------------------------------------------------

ADDRESS = "0x" + "11" * 20
WRONG_ANSWERS: list[tuple[str, Any, Callable[[EthNode], Any]]] = [
    ("eth_chainId", {"chain": 1}, lambda n: n.chain_id()),
    ("eth_chainId", "-0x5", lambda n: n.chain_id()),
    ("eth_getTransactionCount", "-0x3", lambda n: n.pending_nonce(ADDRESS)),
    ("eth_getTransactionCount", True, lambda n: n.pending_nonce(ADDRESS)),
    ("eth_getBalance", [1, 2], lambda n: n.balance(ADDRESS)),
    ("eth_getBlockByNumber", {"number": "0x1", "timestamp": "0x1", "baseFeePerGas": "-0x10"},
     lambda n: n.fee_suggestion()),
    ("eth_maxPriorityFeePerGas", "-0x1", lambda n: n.fee_suggestion()),
    ("eth_estimateGas", "0x" + "f" * 70, lambda n: n.estimate_gas({"to": ADDRESS})),
    ("eth_sendRawTransaction", 7, lambda n: n.send_raw(b"\x02")),
    ("eth_getTransactionReceipt", {"transactionHash": "0x" + "bb" * 32, "status": "0x1", "blockNumber": "0x5",
                                   "gasUsed": "0x5208"}, lambda n: n.receipt(HASH_A, 0)),
    ("eth_getTransactionByHash", {"hash": "0x" + "bb" * 32, "nonce": "0x1"}, lambda n: n.transaction(HASH_A)),
]  # fmt: skip


@pytest.mark.parametrize(("method", "answer", "ask"), WRONG_ANSWERS, ids=lambda v: str(v)[:24])
def test_a_node_answer_of_the_wrong_type_or_range_is_one_line(
    node: FakeEthNode, method: str, answer: Any, ask: Callable[[EthNode], Any]
) -> None:
    eth_node = EthNode(node.url)
    node.answers[method] = answer
    with pytest.raises(CompanionError, match=f"the node at 127.0.0.1:{node.port} failed to") as caught:
        ask(eth_node)
    assert "\n" not in str(caught.value)


def test_a_node_error_is_shown_with_its_escape_codes_as_text(node: FakeEthNode) -> None:
    def error(_: Any) -> Any:
        raise RpcError("nonce too low\x1b[2J\x1b[1;1Hall is fine")

    node.answers["eth_getTransactionCount"] = error
    with pytest.raises(CompanionError) as caught:
        EthNode(node.url).pending_nonce(ADDRESS)
    assert "\x1b" not in str(caught.value) and "\\x1b[2J" in str(caught.value)


def test_a_secret_in_the_url_is_never_shown(
    capsys: pytest.CaptureFixture[str], node: FakeEthNode, tmp_path: Path
) -> None:
    secret = f"http://alice:hunter2@127.0.0.1:{node.port}/v3/k3y0123456789"
    files = write_exports(tmp_path / "files")
    data = tmp_path / "data"
    done = run(capsys, data, "eth", "import", "main", str(files["hdkey"]), "--rpc", secret, "--json")
    assert done.status == 0 and "hunter2" not in done.out and "k3y0123456789" not in done.out

    def echo(_: Any) -> Any:
        raise RpcError(f"bad request for url {secret}: key k3y0123456789 of alice:hunter2")

    node.answers["eth_getTransactionCount"] = echo
    failed = eth(capsys, data, "send", "main", "--to", DEV[1], "--value", "1", "-o", str(tmp_path / "r.txt"))
    one_line_error(failed, f"127.0.0.1:{node.port}")
    assert "hunter2" not in failed.err and "k3y0123456789" not in failed.err


def test_a_secret_echoed_in_a_batch_or_an_error_object_is_never_shown(node: FakeEthNode) -> None:
    """The batched calls (the approvals scan) show the node's error objects and odd answers too."""
    secret = f"http://alice:hunter2@127.0.0.1:{node.port}/v3/k3y0123456789"
    eth_node = EthNode(secret)

    def echo(_: Any) -> Any:
        raise RpcError(f"execution reverted: bad key k3y0123456789 of alice:hunter2 at {secret}")

    node.answers["eth_call"] = echo
    (refused,) = eth_node.batch([("eth_call", [{"to": DEV[1], "data": "0x"}, "latest"])])
    assert "bad key" in str(refused) and "k3y0123456789" not in str(refused) and "hunter2" not in str(refused)
    node.raw_reply = json.dumps(f"invalid API key k3y0123456789 for {secret}").encode()  # not an object
    for ask in ([("eth_chainId", [])], [("eth_chainId", []), ("eth_blockNumber", [])]):
        with pytest.raises(CompanionError) as caught:
            eth_node.batch(ask)
        assert "invalid API key" in str(caught.value)
        assert "k3y0123456789" not in str(caught.value) and "hunter2" not in str(caught.value)


# -- the send -------------------------------------------------------------------------------------


def test_an_absurd_fee_suggestion_is_refused_and_nothing_is_handed_over(
    capsys: pytest.CaptureFixture[str], node: FakeEthNode, datadir: Path
) -> None:
    """Past ten times the device's limit (where its fee rule says danger) the node is lying: refused. A
    spike past the limit but below that is handed over, the review's fee-high warning printed with it."""
    block = {"number": "0x64", "timestamp": "0x6500"}
    node.answers["eth_getBlockByNumber"] = {**block, "baseFeePerGas": hex(10**7 * GWEI)}
    refused_send(capsys, datadir, "refused: the fee can reach 420", "the device's limit of 10", "127.0.0.1")
    node.answers["eth_getBlockByNumber"] = {**block, "baseFeePerGas": hex(10**6 * GWEI)}
    spike = sent(capsys, datadir)
    assert spike["max_fee_per_gas"] == 2 * 10**6 * GWEI + GWEI
    assert "fee-high" in {w["code"] for w in spike["review"]["warnings"]}
    node.answers["eth_getBlockByNumber"] = honest()["eth_getBlockByNumber"]
    assert sent(capsys, datadir)["max_fee_per_gas"] == 3 * GWEI  # an honest suggestion goes through


def test_a_chain_id_that_changes_between_calls_is_refused(
    capsys: pytest.CaptureFixture[str], node: FakeEthNode, datadir: Path
) -> None:
    asked: list[int] = []

    def flipping(_: Any) -> str:
        asked.append(1)
        return hex(CHAIN_ID) if len(asked) == 1 else "0x1"

    node.answers["eth_chainId"] = flipping
    refused_send(capsys, datadir, "changed chains while answering")


def _sent_json(datadir: Path, nonce: int) -> None:
    entry = {"hash": HASH_A, "nonce": nonce, "from": OWNER, "to": DEV[1], "value": "1", "data": "0x",
             "recipients": [DEV[1]], "title": "Send", "request_id": "00" * 16, "time": 1}  # fmt: skip
    (datadir / "eth" / "main" / "sent.json").write_text(json.dumps({"sent": [entry]}))


def test_a_nonce_going_backwards_is_refused_unless_the_send_was_dropped(
    capsys: pytest.CaptureFixture[str], node: FakeEthNode, datadir: Path
) -> None:
    _sent_json(datadir, 5)
    node.answers["eth_getTransactionCount"] = "0x3"
    node.answers["eth_getTransactionByHash"] = {"hash": HASH_A, "nonce": "0x5", "blockNumber": "0x10"}
    refused_send(capsys, datadir, "says the next nonce of", "is 3", "nonce 5", "going backwards")
    node.answers["eth_getTransactionByHash"] = None  # the node never saw it: dropped, its nonce is free
    assert sent(capsys, datadir)["nonce"] == 3


def test_ens_names_are_refused_plainly(capsys: pytest.CaptureFixture[str], datadir: Path) -> None:
    before = snapshot(datadir)
    done = eth(capsys, datadir, "send", "main", "--to", "vitalik.eth", "--value", "1", "-o", "x.txt")
    one_line_error(done, "looks like an ENS name", "give the 0x address")
    done = eth(capsys, datadir, "token", "add", "main", "dai.tokens.eth")
    one_line_error(done, "looks like an ENS name")
    assert snapshot(datadir) == before


# -- the history ----------------------------------------------------------------------------------


def _log(sender: str, recipient: str, block: int, index: int = 0) -> dict[str, Any]:
    def topic(a: str) -> str:
        return "0x" + "00" * 12 + a[2:].lower()

    return {
        "address": DEV[3].lower(), "topics": [TRANSFER, topic(sender), topic(recipient)],
        "data": "0x" + (5).to_bytes(32, "big").hex(), "blockNumber": hex(block), "logIndex": hex(index),
        "transactionHash": "0x" + f"{block:064x}", "blockHash": "0x" + "cc" * 32,
        "transactionIndex": "0x0", "removed": False,
    }  # fmt: skip


def _logs_for_owner(
    params: list[Any], logs: list[dict[str, Any]], honest: bool = False
) -> list[dict[str, Any]]:
    """The test's logs for the sender query (topic 1), in the range asked for when ``honest``; else
    every one of them (logs the node should not give are kept)."""
    if params[0]["topics"][1] is None:
        return []
    first, last = int(params[0]["fromBlock"], 16), int(params[0]["toBlock"], 16)
    return [log for log in logs if not honest or first <= int(log["blockNumber"], 16) <= last]


@pytest.mark.parametrize(
    ("log", "why"),
    [
        (_log(DEV[1], DEV[2], 50), "someone else's transfer"),
        (_log(DEV[1], OWNER, 500), "a block outside the range asked for"),
    ],
)
def test_logs_off_the_filter_are_refused(
    capsys: pytest.CaptureFixture[str], node: FakeEthNode, datadir: Path, log: dict[str, Any], why: str
) -> None:
    node.answers["eth_getLogs"] = lambda params: _logs_for_owner(params, [log])
    before = snapshot(datadir)
    one_line_error(eth(capsys, datadir, "history", "main"), "does not match the filter")
    assert snapshot(datadir) == before, why


def test_a_flood_of_logs_is_refused(
    capsys: pytest.CaptureFixture[str], node: FakeEthNode, datadir: Path
) -> None:
    flood = [_log(OWNER, DEV[1], 50, i) for i in range(MAX_LOGS + 1)]
    node.answers["eth_getLogs"] = lambda params: _logs_for_owner(params, flood, honest=True)
    before = snapshot(datadir)
    one_line_error(eth(capsys, datadir, "history", "main"), f"gave {MAX_LOGS + 1} logs")
    assert snapshot(datadir) == before
    node.answers["eth_getLogs"] = lambda params: _logs_for_owner(params, flood[:3], honest=True)
    assert len(eth(capsys, datadir, "history", "main", "--json").json()["activity"]) == 3


# -- the data folder edited by hand -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        ("notes.json", lambda text: text, "is not a pending request's file"),
        ("same", lambda text: text[: len(text) // 2], "is damaged (JSONDecodeError)"),
        ("same", lambda text: text.replace('"tx": "0x02', '"tx": "0x02zz'), "is damaged"),
        ("same", lambda text: text.replace('"tx": "0x', '"tx": ["0x'), "is damaged"),
        ("same", lambda text: re.sub(r'"request_id": "(\w+)"', r'"request_id": "\1ff"', text), "damaged"),
        ("0" * 32 + ".json", lambda text: text, "edited by hand"),
    ],
)  # fmt: skip
def test_a_pending_store_edited_by_hand_is_one_line(
    capsys: pytest.CaptureFixture[str], datadir: Path, file: str, edit: Callable[[str], str], message: str
) -> None:
    request_id = sent(capsys, datadir)["request_id"].replace("-", "")
    folder = datadir / "eth" / "main" / "pending"
    original = folder / f"{request_id}.json"
    text = original.read_text()
    target = original if file == "same" else folder / file
    target.write_text(edit(text))
    before = snapshot(datadir)
    one_line_error(eth(capsys, datadir, "pending", "main"), message)
    refused_send(capsys, datadir, message)
    assert snapshot(datadir) == before


def test_a_list_of_sends_edited_by_hand_is_one_line(
    capsys: pytest.CaptureFixture[str], datadir: Path
) -> None:
    path = datadir / "eth" / "main" / "sent.json"
    for damaged in ('{"sent": [1]}', "[]", '{"sent": [{"hash": "0x12", "nonce": "x"}]}'):
        path.write_text(damaged)
        one_line_error(eth(capsys, datadir, "history", "main"), "list of sends", "is damaged")
        refused_send(capsys, datadir, "is damaged")


def test_a_damaged_transfer_cache_is_scanned_again(
    capsys: pytest.CaptureFixture[str], node: FakeEthNode, datadir: Path
) -> None:
    log = _log(DEV[1], OWNER, 50)
    node.answers["eth_getLogs"] = lambda params: (
        [log] if len(params[0]["topics"]) == 3 and int(params[0]["toBlock"], 16) < 89 else []
    )
    cache = datadir / "eth" / "main" / "transfers.json"
    cache.write_text(json.dumps({OWNER: {"scanned_to": 80, "logs": [{"topics": 5}]}}))
    rows = eth(capsys, datadir, "history", "main", "--json").json()["activity"]
    assert [(r["kind"], r["counterparty"], r["amount"]) for r in rows] == [("token-in", DEV[1], 5)]


# -- two companions on one data folder --------------------------------------------------------------


def test_two_companions_recording_sends_at_once_lose_neither(
    datadir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reads the list of sends, B records its own, then A writes: without the lock A's write drops B's.
    The hook holds A after its read until B is done (or, with the lock, for a while: B waits for A)."""
    accounts = EthAccounts(datadir)
    read_by_a, b_done = threading.Event(), threading.Event()
    real = pending.sends

    def hooked(store: EthAccounts, name: str) -> list[dict[str, Any]]:
        found = real(store, name)
        if threading.current_thread().name == "A" and not read_by_a.is_set():
            read_by_a.set()
            b_done.wait(2)
        return found

    monkeypatch.setattr(pending, "sends", hooked)
    entry = {"nonce": 0, "from": OWNER, "value": "1", "recipients": []}
    a = threading.Thread(
        name="A", target=pending._record, args=(accounts, "main", [{**entry, "hash": HASH_A}])
    )
    b_hash = "0x" + "bb" * 32

    def record_b() -> None:
        pending._record(accounts, "main", [{**entry, "nonce": 1, "hash": b_hash}])
        b_done.set()

    b = threading.Thread(name="B", target=record_b)
    a.start()
    read_by_a.wait(10)
    b.start()
    a.join(30)
    b.join(30)
    assert sorted(e["hash"] for e in real(accounts, "main")) == [HASH_A, b_hash]


# -- what a token contract says about itself ------------------------------------------------------


def _token(symbol: bytes | None, decimals: int | None) -> Callable[[list[Any]], str]:
    """eth_call of a token: symbol() as an ABI string of ``symbol``, decimals(); None: it reverts."""
    from signer.eth.abi import encode_args

    def answer(params: list[Any]) -> str:
        selector = params[0]["data"][2:10]
        value = {"95d89b41": symbol, "313ce567": decimals}[selector]
        if value is None:
            raise RpcError("execution reverted")
        encoded = encode_args(["bytes"], [value]) if isinstance(value, bytes) else value.to_bytes(32, "big")
        return "0x" + encoded.hex()

    return answer


def test_a_token_symbol_that_is_no_utf8_is_shown_safely(node: FakeEthNode) -> None:
    from companion.eth.service import token_info

    node.answers["eth_call"] = _token(b"\xffUSD\x1b[2J\xe2\x80\xae", 6)
    assert token_info(EthNode(node.url), DEV[3]) == ("\\xffUSD\\x1b[2J\\u202e", 6)


@pytest.mark.parametrize(("symbol", "decimals"), [(b"DAI", 255), (None, 18), (b"DAI", None), (b"", 18)])
def test_a_token_lying_about_itself_is_refused(
    capsys: pytest.CaptureFixture[str],
    node: FakeEthNode,
    datadir: Path,
    symbol: bytes | None,
    decimals: int | None,
) -> None:
    node.answers["eth_call"] = _token(symbol, decimals)
    before = snapshot(datadir)
    one_line_error(eth(capsys, datadir, "token", "add", "main", DEV[3]), "does not answer as an ERC-20")
    assert snapshot(datadir) == before
