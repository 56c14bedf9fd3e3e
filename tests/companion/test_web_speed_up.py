"""Speeding up and labelling on the web page against a real node (``bitcoind://`` wallets, whose
broadcast reaches the node's mempool at once): the history's Speed up (RBF) and Speed up with a child
(CPFP) buttons, built as ``btc bump``/``btc cpfp`` build them and then handed over, signed by ``airlock
sign`` and broadcast exactly as a payment; the refusals, one message each, change nothing. Labels on a
transaction, a coin and the receive address, and a BIP-329 file exported and imported (a bad line
refused with its number, nothing changed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from companion_cli import snapshot
from device_exports import account, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401
from test_web_send import (  # noqa: F401
    airlock_sign,
    attribute,
    element,
    handover_frames,
    post_send,
    send_form,
    words_fixture,
)
from web_client import Client, Reply

from companion.datadir import open_datadir
from companion.web.server import WebServer

COINBASE_MATURITY = 100


@pytest.fixture(scope="module", name="web")
def funded_web_fixture(
    tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode
) -> Iterator[Client]:
    """``savings`` (btc-84, the node's RPC) with two mature coinbases, synced."""
    folder = tmp_path_factory.mktemp("web-speed-up")
    server = WebServer(open_datadir(folder / "companion"))
    server.start()
    try:
        web = Client(server)
        web.server_datadir = folder / "companion"
        form = {"name": "savings", "network": "regtest", "node": regtest_node.rpc_url, "paste": ur_export()}
        assert web.post_form("/import", form).status == 303
        regtest_node.mine(2, account().address(0, 0))
        regtest_node.mine(COINBASE_MATURITY + 1)
        assert web.request("POST", "/wallet/savings/sync").status == 303
        yield web
    finally:
        server.stop()


def speed_up(web: Client, txid: str, how: str, fee_rate: str) -> Reply:
    body = urlencode({"txid": txid, "how": how, "fee_rate": fee_rate}).encode()
    return web.request("POST", "/wallet/savings/speed-up", body,
                       {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip


def sign_and_broadcast(web: Client, capsys: pytest.CaptureFixture[str], words: Path, tmp_path: Path,
                       handover: str) -> str:  # fmt: skip
    """The handover page's QR frames signed by Airlock, the signed copy pasted back, then Broadcast."""
    txid = handover.rsplit("/", 1)[1]
    frames = handover_frames(web, web.get(handover).text, "ur", 1)
    scanned = tmp_path / f"{txid}.txt"
    scanned.write_text("\n".join(f.decode() for f in frames) + "\n")
    signed = airlock_sign(capsys, words, scanned, "--format", "base64").strip()
    back = web.post_form("/wallet/savings/signed", {"expect": txid, "scan": "", "paste": signed})
    assert back.status == 303, back.text
    sent = web.request("POST", f"/wallet/savings/signed/{txid}/broadcast")
    assert sent.status == 303, sent.text
    return txid


def pay_from_savings(web: Client, capsys: pytest.CaptureFixture[str], words: Path, tmp_path: Path,
                     to: str, rate: str) -> str:  # fmt: skip
    reply = post_send(web, "savings", send_form(to, "30000000", rate))
    assert reply.status == 303, reply.text  # type: ignore[attr-defined]
    location: str = reply.headers["location"]  # type: ignore[attr-defined]
    return sign_and_broadcast(web, capsys, words, tmp_path, location)


def refused(web: Client, node: RegtestNode, txid: str, how: str, rate: str) -> str:
    """The speed-up is refused with one message on the wallet page; nothing written, nothing sent."""
    before, mempool = snapshot(web.server_datadir), set(node.rpc.call("getrawmempool"))
    reply = speed_up(web, txid, how, rate)
    assert reply.status == 400, reply.text
    error = element(reply.text, "error")
    assert error.startswith("Not built: ") and "\n" not in error
    assert snapshot(web.server_datadir) == before
    assert set(node.rpc.call("getrawmempool")) == mempool
    return error


def package_rate(node: RegtestNode, txid: str) -> float:
    entry = node.rpc.call("getmempoolentry", txid)
    return float(Decimal(str(entry["fees"]["ancestor"])) * 100_000_000 / entry["ancestorsize"])


def test_a_pending_payment_is_replaced_at_a_higher_fee_from_its_history_row(
    web: Client, regtest_node: RegtestNode, capsys: pytest.CaptureFixture[str], words: Path, tmp_path: Path
) -> None:
    to = regtest_node.miner()
    original = pay_from_savings(web, capsys, words, tmp_path, to, "2")
    assert original in regtest_node.rpc.call("getrawmempool")
    page = web.get("/wallet/savings").text
    assert f'id="bump-{original}"' in page and f'id="cpfp-{original}"' in page  # ours, RBF, with change

    assert "too low" in refused(web, regtest_node, original, "replace", "2")
    assert "whole number of sat/vB" in refused(web, regtest_node, original, "replace", "fast")
    assert "replace or child" in refused(web, regtest_node, original, "sideways", "9")
    assert "is not a transaction of the wallet" in refused(web, regtest_node, "ab" * 32, "replace", "9")
    assert "a transaction id is 64 hex digits" in refused(web, regtest_node, "abc", "replace", "9")

    reply = speed_up(web, original, "replace", "12")
    assert reply.status == 303, reply.text
    handover = web.get(reply.headers["location"]).text
    assert "(12.0 sat/vB" in element(handover, "review-fee")
    assert to in element(handover, "review-outputs")
    replacement = sign_and_broadcast(web, capsys, words, tmp_path, reply.headers["location"])
    mempool = regtest_node.rpc.call("getrawmempool")
    assert replacement in mempool and original not in mempool
    regtest_node.mine(1)
    assert regtest_node.raw_transaction(replacement)["confirmations"] == 1
    page = web.get("/wallet/savings").text
    assert f'id="bump-{replacement}"' not in page
    # a confirmed transaction cannot be sped up: one message, nothing changed
    assert "already confirmed" in refused(web, regtest_node, replacement, "replace", "20")
    assert "already confirmed" in refused(web, regtest_node, replacement, "child", "20")


def test_a_pending_payment_received_gets_a_child_paying_for_it(
    web: Client, regtest_node: RegtestNode, capsys: pytest.CaptureFixture[str], words: Path, tmp_path: Path
) -> None:
    address = account().address(0, 7)
    parent = regtest_node.send(address, "0.2")
    page = web.get("/wallet/savings").text
    assert f'id="cpfp-{parent}"' in page
    assert f'id="bump-{parent}"' not in page  # the miner's coins: only its sender can replace it
    assert "not this wallet's" in refused(web, regtest_node, parent, "replace", "30")
    assert "would not speed it up" in refused(web, regtest_node, parent, "child", "1")

    reply = speed_up(web, parent, "child", "30")
    assert reply.status == 303, reply.text
    child = sign_and_broadcast(web, capsys, words, tmp_path, reply.headers["location"])
    assert package_rate(regtest_node, child) >= 30
    regtest_node.mine(1)
    assert regtest_node.raw_transaction(child)["confirmations"] == 1
    assert regtest_node.raw_transaction(parent)["confirmations"] == 1


def post(web: Client, path: str, fields: dict[str, str]) -> Reply:
    return web.request("POST", path, urlencode(fields).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip


def test_labels_on_history_coins_and_the_receive_address_then_exported_and_imported(
    web: Client, regtest_node: RegtestNode
) -> None:
    page = web.get("/wallet/savings").text
    txid = re.findall(r'<tr id="row-([0-9a-f]{64})"', page)[0]
    coin = re.findall(r'name="utxo" value="([0-9a-f]{64}:[0-9]+)"', page)[0]
    receive = element(page, "address").replace(" ", "")
    for ref, text in ((f"tx:{txid}", "rent, March"), (f"output:{coin}", "from the miner <b>"),
                      (f"addr:{receive}", "Alice")):  # fmt: skip
        reply = post(web, "/wallet/savings/label", {"ref": ref, "label": text})
        assert reply.status == 303 and reply.headers["location"] == "/wallet/savings?labelled=1", reply.text
    page = web.get("/wallet/savings?labelled=1").text
    assert element(page, "message") == "Label saved."
    assert attribute(page, f"label-tx-{txid}", "value") == "rent, March"
    assert attribute(page, f"label-output-{coin.replace(':', '-')}", "value") == "from the miner <b>"
    assert "&lt;b&gt;" in page and "from the miner <b>" not in page  # escaped
    assert attribute(page, f"label-addr-{receive}", "value") == "Alice"

    exported = web.get("/wallet/savings/labels.jsonl")
    assert exported.status == 200 and "attachment" in exported.headers["content-disposition"]
    records = [json.loads(line) for line in exported.text.splitlines()]
    assert {(r["type"], r["ref"], r["label"]) for r in records} == {
        ("tx", txid, "rent, March"), ("output", coin, "from the miner <b>"), ("addr", receive, "Alice")}
    assert next(r for r in records if r["type"] == "tx")["origin"] == "wpkh([73c5da0a/84'/1'/0'])"

    # a bad file: refused whole, naming its line; nothing changed
    before = snapshot(web.server_datadir)
    bad = (json.dumps({"type": "tx", "ref": txid, "label": "changed"}) + "\n"
           + '{"type": "output", "ref": "not-an-outpoint", "label": "x"}\n').encode()  # fmt: skip
    for data, message in ((bad, "the file line 2: the output reference 'not-an-outpoint' is not TXID:INDEX"),
                          (b"\xff\n", "the file line 1: not UTF-8"),
                          (b"", "choose the BIP-329 file")):  # fmt: skip
        reply = web.post_form("/wallet/savings/labels", {}, {"file": data} if data else {})
        assert reply.status == 400, reply.text
        assert element(reply.text, "error").startswith(f"Labels not imported: {message}")
        assert snapshot(web.server_datadir) == before
    # a bad single label: one message, nothing changed
    for ref, text, message in ((f"tx:{txid}", "two\nlines", "one line"),
                               ("addr:tb1qnope", "x", "not a regtest")):  # fmt: skip
        reply = post(web, "/wallet/savings/label", {"ref": ref, "label": text})
        assert reply.status == 400 and message in element(reply.text, "error"), reply.text
        assert snapshot(web.server_datadir) == before

    good = (json.dumps({"type": "tx", "ref": txid, "label": "rent, April"}) + "\n"
            + json.dumps({"type": "unknown", "ref": "x"}) + "\n").encode()  # fmt: skip
    reply = web.post_form("/wallet/savings/labels", {}, {"file": good})
    assert reply.status == 303, reply.text
    page = web.get(reply.headers["location"]).text
    assert element(page, "message") == (
        "Labels imported: 0 new, 1 updated, 1 of types BIP-329 does not define skipped."
    )
    assert attribute(page, f"label-tx-{txid}", "value") == "rent, April"
    # the message is made of numbers only: a crafted link shows nothing
    assert 'id="message"' not in web.get("/wallet/savings?labels=send+to+evil").text
