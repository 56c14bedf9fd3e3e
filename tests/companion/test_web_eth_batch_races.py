"""The batch hand-over's broadcast against a real chain (anvil) behind a proxy that can hold or refuse
``eth_sendRawTransaction``: two presses at once, a discard pressed while the broadcast runs, and a node
that refuses the second transaction of a batch after the first went out. Nothing is sent twice, the page
never says "nothing was sent" of what was, and what was sent stays followed while the rest can be
broadcast again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from eth_chain import DEV, OWNER, EthChain, Tokens, eth_chain_fixture, requires_chain  # noqa: F401
from eth_web import airlock_sign, attribute, element, location, post, serving_account
from rpc_proxy import RpcProxy
from web_client import Client, Reply

pytestmark = requires_chain
UNLIMITED = 2**256 - 1


@pytest.fixture(scope="module", name="proxy")
def proxy_fixture(eth_chain: EthChain) -> Iterator[RpcProxy]:
    with RpcProxy(eth_chain.url) as proxy:
        yield proxy


@pytest.fixture(scope="module", name="web")
def web_fixture(tmp_path_factory: pytest.TempPathFactory, proxy: RpcProxy) -> Iterator[Client]:
    folder = tmp_path_factory.mktemp("web-races")
    with serving_account(folder, proxy.url) as web:
        yield web


@pytest.fixture(autouse=True)
def open_proxy(proxy: RpcProxy) -> Iterator[None]:
    yield
    proxy.sends_allowed = None
    proxy.sends_open.set()


def sign_all(web: Client, batch: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    total = int(attribute(web.get(batch).text, "batch-progress", "data-total"))
    for k in range(total):
        signature = airlock_sign(capsys, tmp_path, web.get(f"{batch}/{k}/request.txt").text, "--accept-risk")
        assert location(post(web, batch + "/signature", {"paste": signature})) == f"{batch}?signed=1"


def a_signed_send(web: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    batch = location(post(web, "/eth/main/send", {"to": DEV[2], "amount": "0.01", "token": ""}))
    sign_all(web, batch, tmp_path, capsys)
    return batch


def while_a_send_is_held(proxy: RpcProxy, first: Callable[[], Reply], second: Callable[[], Reply]
                         ) -> tuple[Reply, Reply]:  # fmt: skip
    """``first`` runs until its transaction reaches the node and is held there; then ``second`` is sent,
    given a moment to reach the server, and the transaction let through."""
    replies: dict[str, Reply] = {}
    proxy.send_arrived.clear()
    proxy.sends_open.clear()
    threads = [threading.Thread(target=lambda: replies.__setitem__("first", first()))]
    threads[0].start()
    assert proxy.send_arrived.wait(60), "the broadcast never reached the node"
    threads.append(threading.Thread(target=lambda: replies.__setitem__("second", second())))
    threads[1].start()
    time.sleep(0.5)  # not an assert: the second press reaches the server while the first one waits
    proxy.sends_open.set()
    for thread in threads:
        thread.join(120)
    return replies["first"], replies["second"]


def test_a_discard_pressed_during_the_broadcast_never_says_nothing_was_sent(
    web: Client, eth_chain: EthChain, proxy: RpcProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = a_signed_send(web, tmp_path, capsys)
    nonce = eth_chain.w3.eth.get_transaction_count(OWNER)
    sent, discarded = while_a_send_is_held(
        proxy, lambda: post(web, batch + "/broadcast", {}), lambda: post(web, batch + "/discard", {})
    )
    assert location(sent) == f"{batch}?sent=1"
    assert discarded.status == 404 and "already broadcast" in element(discarded.text, "error")
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce + 1
    assert attribute(web.get(batch).text, "sent-0", "data-state") in ("pending", "confirmed")  # followed


def test_two_broadcasts_pressed_at_once_send_once(
    web: Client, eth_chain: EthChain, proxy: RpcProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = a_signed_send(web, tmp_path, capsys)
    nonce, sends = eth_chain.w3.eth.get_transaction_count(OWNER), proxy.sends
    first, second = while_a_send_is_held(
        proxy, lambda: post(web, batch + "/broadcast", {}), lambda: post(web, batch + "/broadcast", {})
    )
    assert location(first) == f"{batch}?sent=1"
    assert second.status == 502 and "already broadcast" in element(second.text, "error")
    assert proxy.sends == sends + 1
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce + 1


def test_a_node_refusing_the_second_of_a_batch_leaves_the_first_followed_and_the_rest_to_send_again(
    web: Client, eth_chain: EthChain, proxy: RpcProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = Tokens(eth_chain)
    dai = tokens.erc20(tokens.dai)
    for spender in (DEV[1], DEV[2]):
        eth_chain.send(OWNER, dai.functions.approve(spender, UNLIMITED))
    assert location(post(web, "/eth/main/approvals/scan", {})) == "/eth/main/approvals?scanned=1"
    keys = [("key", f"erc20:{tokens.dai}:{spender}") for spender in (DEV[1], DEV[2])]
    batch = location(post(web, "/eth/main/approvals/revoke", [("how", "selected"), *keys]))
    sign_all(web, batch, tmp_path, capsys)
    nonce = eth_chain.w3.eth.get_transaction_count(OWNER)

    proxy.sends_allowed = proxy.sends + 1  # the first goes out, the node refuses the second
    refused = post(web, batch + "/broadcast", {})
    assert refused.status == 502
    error = element(refused.text, "error")
    assert "txpool is full" in error and f"nonce {nonce} sent before it" in error
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce + 1
    page = web.get(batch).text
    assert element(page, "sent").count("0x") == 1  # the one sent is shown and followed
    assert "the transaction left" in element(page, "broadcast-section")
    assert 'id="discard-form"' not in page
    discarded = post(web, batch + "/discard", {})
    assert discarded.status == 404
    assert "part of this hand-over is broadcast" in element(discarded.text, "error")

    proxy.sends_allowed = None
    assert location(post(web, batch + "/broadcast", {})) == f"{batch}?sent=1"
    report = json.loads(web.request("POST", batch + "/status").body)
    assert [s["nonce"] for s in report["sent"]] == [nonce, nonce + 1]
    assert report["state"] == "confirmed" and all(s["succeeded"] for s in report["sent"])
    assert [dai.functions.allowance(OWNER, s).call() for s in (DEV[1], DEV[2])] == [0, 0]
    sends = proxy.sends
    again = post(web, batch + "/broadcast", {})  # pressed once more: refused, nothing sent twice
    assert again.status == 502 and "already broadcast" in element(again.text, "error")
    assert proxy.sends == sends


def test_a_batch_is_reached_only_through_its_own_account_and_within_its_range(
    web: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = location(post(web, "/eth/main/send", {"to": DEV[2], "amount": "0.01", "token": ""}))
    batch_id = batch.rsplit("/", 1)[1]
    download = web.get(f"{batch}/0/request.txt")
    assert download.status == 200 and download.headers["content-type"].startswith("text/plain")
    assert download.headers["content-disposition"].startswith('attachment; filename="000-main-nonce-')
    assert all(line.upper().startswith("UR:ETH-SIGN-REQUEST/") for line in download.text.splitlines())
    assert web.get(f"{batch}/0/frame/0.png").headers["content-type"] == "image/png"
    for path in (f"/eth/other/batch/{batch_id}", f"/eth/other/batch/{batch_id}/0/request.txt",
                 f"/eth/other/batch/{batch_id}/0/frame/0.png", "/eth/main/batch/guessed",
                 f"{batch}/1/request.txt", f"{batch}/1/frame/0.png", f"{batch}/0/frame/999.png"):  # fmt: skip
        assert web.get(path).status == 404, path
    for action in ("signature", "broadcast", "discard", "check"):
        assert web.request("POST", f"/eth/other/batch/{batch_id}/{action}").status == 404, action
    sign_all(web, batch, tmp_path, capsys)
    assert location(post(web, batch + "/broadcast", {})) == f"{batch}?sent=1"
    signature = airlock_sign(capsys, tmp_path, download.text, "--accept-risk")
    late = post(web, batch + "/signature", {"paste": signature})  # to a finished batch: refused
    assert late.status == 400 and "already broadcast" in element(late.text, "error")
