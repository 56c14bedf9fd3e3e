"""Sending on the web page against a real node: history, coins, the send form, the device's review, the
QR handover (read back with the signer's own reader and assembler), the signed copy back, the checks,
the broadcast and the transaction followed to its block.

The wallet uses the node's RPC (``bitcoind://``); the browser test (test_web_send_browser.py) uses
compact block filters. Signing is Airlock's own ``airlock sign`` with the test mnemonic.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
import test_companion_send as cli_send
from companion_cli import snapshot
from conftest import ABANDON, INPUTS_DIR
from device_exports import account, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401
from web_client import Client

from companion.datadir import open_datadir
from companion.web.server import WebServer

COINBASE_MATURITY = 100


@pytest.fixture(scope="module", name="web")
def funded_web_fixture(
    tmp_path_factory: pytest.TempPathFactory, regtest_node: RegtestNode
) -> Iterator[Client]:
    """A page with two synced wallets of the test mnemonic: ``savings`` (btc-84) with one mature
    coinbase and a payment of 1 BTC, ``other`` (btc-86) with one mature coinbase."""
    folder = tmp_path_factory.mktemp("web-send")
    server = WebServer(open_datadir(folder / "companion"))
    server.start()
    try:
        web = Client(server)
        web.server_datadir = folder / "companion"
        for name, kind in (("savings", "btc-84"), ("other", "btc-86")):
            form = {
                "name": name,
                "network": "regtest",
                "node": regtest_node.rpc_url,
                "paste": ur_export(kind),
            }
            assert web.post_form("/import", form).status == 303
            regtest_node.mine(1, account(kind).address(0, 0))
        regtest_node.mine(COINBASE_MATURITY + 1)  # both coinbases mature, and one of the miner
        regtest_node.send(account("btc-84").address(0, 1), "1.0")
        regtest_node.mine(1)
        for name in ("savings", "other"):
            assert web.request("POST", f"/wallet/{name}/sync").status == 303
        yield web
    finally:
        server.stop()


@pytest.fixture(name="words")
def words_fixture(tmp_path: Path) -> Path:
    words = tmp_path / INPUTS_DIR / "words.txt"
    words.parent.mkdir()
    words.write_text(ABANDON + "\n")
    return words


def airlock_sign(capsys: pytest.CaptureFixture[str], words: Path, request: Path, *extra: str) -> str:
    from signer.cli import main as airlock

    capsys.readouterr()
    status = airlock(["sign", str(request), "--mnemonic-file", str(words), "--network", "regtest", *extra])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def element(page: str, element_id: str) -> str:
    """The text inside the element ``id`` (tags stripped)."""
    match = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no #{element_id} in the page"
    return unescape(re.sub(r"<[^>]+>", " ", match.group(2)))


def attribute(page: str, element_id: str, name: str) -> str:
    match = re.search(rf'<[^>]* id="{element_id}"[^>]*>', page)
    assert match, f"no #{element_id} in the page"
    value = re.search(rf'{name}="([^"]*)"', match.group(0))
    assert value, f"#{element_id} has no {name}"
    return unescape(value.group(1))


def send_form(to: str, amount: str = "", fee_rate: str = "3", *, utxos: tuple[str, ...] = (),
              send_max: bool = False) -> bytes:  # fmt: skip
    from urllib.parse import urlencode

    fields = [("to", to), ("amount", amount), ("fee_rate", fee_rate), *(("utxo", u) for u in utxos)]
    if send_max:
        fields.append(("max", "1"))
    return urlencode(fields).encode()


def post_send(web: Client, name: str, body: bytes) -> object:
    return web.request("POST", f"/wallet/{name}/send", body,
                       {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip


def handover_frames(web: Client, page: str, fmt: str, density: int) -> list[bytes]:
    """Every frame image the page cycles through, read by the signer's QR reader."""
    from PIL import Image

    from signer.transport.frames import decode_qr_image

    base = attribute(page, "handover-qr", "data-base")
    count = int(attribute(page, "handover-qr", "data-count"))
    texts = []
    for n in range(count):
        reply = web.get(f"{base}{n}.png?format={fmt}&density={density}")
        assert reply.status == 200 and reply.headers["content-type"] == "image/png"
        codes = decode_qr_image(Image.open(io.BytesIO(reply.body)))
        assert len(codes) == 1
        texts.append(codes[0])
    return texts


def assemble(frames: list[bytes]) -> bytes:
    from signer.chains.scanning import new_assembler

    assembler = new_assembler()
    for frame in frames:
        assembler.add(frame)
    assert assembler.is_complete
    assert str(assembler.result.kind) == "psbt"
    return bytes(assembler.result.data)


def test_history_and_coins_are_on_the_wallet_page(web: Client) -> None:
    page = web.get("/wallet/savings").text
    history = element(page, "history")
    assert history.count("block ") == 2  # the coinbase and the payment of 1 BTC, both confirmed
    assert "+50.00000000 BTC" in history and "+1.00000000 BTC" in history
    boxes = re.findall(r'name="utxo" value="([0-9a-f]{64}:[0-9]+)"', page)
    assert len(boxes) == 2
    assert account().address(0, 1) in element(page, "utxos")
    assert 'id="send-form"' in page and 'id="signed-form"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"to": "bcrt1qnotanaddress", "amount": "10000"}, "is not a valid Bitcoin address"),
        ({"to": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "amount": "10000"}, "is not a regtest address"),
        ({"amount": "2100000000000000"}, "more than the balance this wallet can spend"),
        ({"amount": "100"}, "below the dust limit"),
        ({"amount": "1.5"}, "whole number of sats or max"),
        ({"amount": ""}, "whole number of sats or max"),
        ({"amount": "10000", "fee_rate": "0"}, "the fee rate 0 sat/vB is out of bounds"),
        ({"amount": "10000", "fee_rate": "fast"}, "the fee rate must be a whole number of sat/vB"),
        ({"amount": "10000", "utxos": ("ab" * 32 + ":0",)}, "is not an unspent coin of this wallet"),
        ({"amount": "10000", "utxos": ("ab" * 32 + ":0",) * 2}, "a coin is chosen twice"),
        ({"amount": "10000", "utxos": ("abc:1",)}, "a coin is TXID:VOUT"),
    ],
)  # fmt: skip
def test_a_bad_send_is_one_message_with_the_form_kept_and_nothing_written(
    web: Client, regtest_node: RegtestNode, fields: dict[str, object], message: str
) -> None:
    given = {"to": regtest_node.miner(), "fee_rate": "3", **fields}
    before = snapshot(web.server_datadir)
    reply = post_send(web, "savings", send_form(**given))  # type: ignore[arg-type]
    assert reply.status == 400  # type: ignore[attr-defined]
    page = reply.text  # type: ignore[attr-defined]
    assert element(page, "error").startswith("Not built: ") and message in element(page, "error")
    assert attribute(page, "send-to", "value") == given["to"]
    assert attribute(page, "send-amount", "value") == given.get("amount", "")
    assert attribute(page, "send-fee-rate", "value") == given["fee_rate"]
    assert snapshot(web.server_datadir) == before


def test_build_review_hand_over_sign_broadcast_and_confirm(
    web: Client, regtest_node: RegtestNode, capsys: pytest.CaptureFixture[str], words: Path, tmp_path: Path
) -> None:
    to = regtest_node.miner()
    page = web.get("/wallet/savings").text
    coins = re.findall(r'<tr><td><input type="checkbox" name="utxo" value="([0-9a-f]{64}:[0-9]+)"[^>]*></td>'
                       r'<td class="amount">([^<]+)<', page)  # fmt: skip
    one_btc = next(c for c, amount in coins if amount == "1.00000000 BTC")
    reply = post_send(web, "savings", send_form(to, "25000000", "3", utxos=(one_btc,)))
    assert reply.status == 303, reply.text  # type: ignore[attr-defined]
    location = reply.headers["location"]  # type: ignore[attr-defined]
    txid = location.rsplit("/", 1)[1]
    page = web.get(location).text

    # the review the device will show: the destination in full, change proven with its path, the fee
    outputs = element(page, "review-outputs")
    assert f"Send 0.25000000 BTC {to}" in " ".join(outputs.split())
    change = account().address(1, 0)
    assert "Change 0.74999" in " ".join(outputs.split()) and change in outputs
    assert "m/84h/1h/0h/1/0" in outputs
    assert "(3.0 sat/vB" in element(page, "review-fee")
    assert "on" in element(page, "review-facts")  # replace-by-fee
    assert element(page, "review-headline").startswith("Send 0.25000000 BTC")

    # the handover: the file, and the frames in both formats at two densities give the same PSBT
    unsigned = web.get(f"/wallet/savings/send/{txid}/unsigned.psbt")
    assert unsigned.status == 200 and unsigned.body.startswith(b"psbt\xff")
    assert "attachment" in unsigned.headers["content-disposition"]
    from companion.btc.broadcast import unsigned_txid

    assert unsigned_txid(unsigned.body) == txid
    frames_ur = handover_frames(web, page, "ur", 1)
    assert len(frames_ur) > 1 and all(f.startswith(b"UR:CRYPTO-PSBT/") for f in frames_ur)
    assert assemble(frames_ur) == unsigned.body
    dense = web.get(f"/wallet/savings/send/{txid}?format=bbqr&density=3&speed=100").text
    assert attribute(dense, "handover-qr", "data-speed") == "100"
    frames_bbqr = handover_frames(web, dense, "bbqr", 3)
    assert all(f.startswith(b"B$") for f in frames_bbqr) and len(frames_bbqr) < len(frames_ur)
    assert assemble(frames_bbqr) == unsigned.body

    # signed by Airlock from the frames it scanned; the signed copy comes back as a file upload
    scanned = tmp_path / "scanned.txt"
    scanned.write_text("\n".join(f.decode() for f in frames_ur) + "\n")
    reply_text = airlock_sign(capsys, words, scanned, "--format", "base64")
    signed = base64.b64decode(reply_text)
    back = web.post_form(
        "/wallet/savings/signed", {"expect": txid, "scan": "", "paste": ""}, {"file": signed}
    )
    assert back.status == 303, back.text
    assert back.headers["location"] == f"/wallet/savings/signed/{txid}"
    ready = web.get(back.headers["location"]).text
    assert attribute(ready, "signed-state", "data-ready") == "1" and 'id="broadcast"' in ready
    assert to in element(ready, "review-outputs")
    assert txid not in regtest_node.rpc.call("getrawmempool")  # nothing leaves before Broadcast

    sent = web.request("POST", f"/wallet/savings/signed/{txid}/broadcast")
    assert sent.status == 303, sent.text
    assert sent.headers["location"] == f"/wallet/savings/tx/{txid}?sent=1"
    assert txid in regtest_node.rpc.call("getrawmempool")
    tx = regtest_node.raw_transaction(txid)
    coins_spent = cli_send.spent_coins(regtest_node, tx)
    assert cli_send.kernel_verifies(tx["hex"], coins_spent) == [True]
    assert all(vin["sequence"] == 0xFFFFFFFD for vin in tx["vin"])
    following = web.get(sent.headers["location"]).text
    assert attribute(following, "tx-state", "data-state") == "pending"
    status = json.loads(web.request("POST", f"/wallet/savings/tx/{txid}/status").body)
    assert status == {"txid": txid, "state": "pending", "height": None, "text": status["text"]}
    regtest_node.mine(1)
    status = json.loads(web.request("POST", f"/wallet/savings/tx/{txid}/status").body)
    assert status["state"] == "confirmed" and status["height"] == regtest_node.height()
    assert element(web.get(f"/wallet/savings/tx/{txid}").text, "tx-state") == (
        f"Confirmed in block {regtest_node.height()}."
    )
    # the copies are gone once sent: a second Broadcast finds nothing
    assert web.request("POST", f"/wallet/savings/signed/{txid}/broadcast").status == 404


def test_signed_copies_that_are_not_this_wallets_are_refused_and_nothing_is_broadcast(
    web: Client, regtest_node: RegtestNode, capsys: pytest.CaptureFixture[str], words: Path, tmp_path: Path
) -> None:
    to = regtest_node.miner()
    built = {}
    for name in ("savings", "other"):
        reply = post_send(web, name, send_form(to, "40000", "2"))
        assert reply.status == 303, reply.text  # type: ignore[attr-defined]
        txid = reply.headers["location"].rsplit("/", 1)[1]  # type: ignore[attr-defined]
        psbt = web.get(f"/wallet/{name}/send/{txid}/unsigned.psbt").body
        (tmp_path / f"{name}.psbt").write_bytes(psbt)
        signed = base64.b64decode(
            airlock_sign(capsys, words, tmp_path / f"{name}.psbt", "--format", "base64")
        )
        built[name] = (txid, psbt, signed)
    savings_txid, savings_unsigned, savings_signed = built["savings"]
    mempool = set(regtest_node.rpc.call("getrawmempool"))
    before = snapshot(web.server_datadir)
    cases = [
        ({"paste": base64.b64encode(built["other"][2]).decode()}, "not from the wallet savings"),
        ({"paste": base64.b64encode(built["other"][2]).decode(), "expect": savings_txid},
         "is of another transaction"),
        ({"paste": base64.b64encode(cli_send.forge_wrong_key(savings_signed)).decode()},
         "input 0's signature does not verify"),
        ({"paste": "this is not a PSBT"}, "this is not a PSBT"),
        ({"paste": "UR:CRYPTO-PSBT/1-3/LPADAXCFAXHLCYYNTTEHETHDFPLBAMTRDE"}, "Not accepted"),
        ({}, "give the signed transaction"),
        ({"scan": "no-such-scan"}, "this camera scan has expired"),
    ]  # fmt: skip
    for fields, message in cases:
        reply = web.post_form("/wallet/savings/signed", {"scan": "", "paste": "", "expect": "", **fields})
        assert reply.status == 400, (fields, reply.text)
        assert element(reply.text, "error").startswith("Not accepted: "), fields
        assert message in element(reply.text, "error"), (message, element(reply.text, "error"))
    # an unsigned copy is kept (a cosigner's copy may follow) but cannot be broadcast
    reply = web.post_form("/wallet/savings/signed", {"scan": "", "paste": "", "expect": ""},
                          {"file": savings_unsigned})  # fmt: skip
    assert reply.status == 303
    waiting = web.get(reply.headers["location"]).text
    assert attribute(waiting, "signed-state", "data-ready") == "0"
    assert "cannot be finalized" in element(waiting, "signed-state") and 'id="broadcast"' not in waiting
    refused = web.request("POST", f"/wallet/savings/signed/{savings_txid}/broadcast")
    assert refused.status == 502
    assert "Not broadcast: the PSBT cannot be finalized" in element(refused.text, "error")
    assert set(regtest_node.rpc.call("getrawmempool")) == mempool
    assert snapshot(web.server_datadir) == before
    # the signed copy completes it: both copies are combined
    completing = base64.b64encode(savings_signed).decode()
    reply = web.post_form("/wallet/savings/signed", {"scan": "", "paste": completing, "expect": savings_txid})
    assert reply.status == 303
    ready = web.get(reply.headers["location"]).text
    assert attribute(ready, "signed-state", "data-ready") == "1" and "2 signed copies" in ready
    assert web.request("POST", f"/wallet/savings/signed/{savings_txid}/discard").status == 303
    assert web.get(f"/wallet/savings/signed/{savings_txid}").status == 404
    assert set(regtest_node.rpc.call("getrawmempool")) == mempool


def test_handover_requests_that_do_not_fit_are_refused(web: Client) -> None:
    unknown = "ab" * 32
    assert web.get(f"/wallet/savings/send/{unknown}").status == 404
    assert web.get(f"/wallet/savings/send/{unknown}/unsigned.psbt").status == 404
    assert web.get(f"/wallet/savings/send/{unknown}/frame/0.png").status == 404
    assert web.get("/wallet/savings/send/not-a-txid").status == 404
    assert web.request("POST", f"/wallet/savings/signed/{unknown}/broadcast").status == 404


def test_a_newly_mined_coin_chosen_by_hand_is_refused_before_anything_is_built(
    web: Client, regtest_node: RegtestNode
) -> None:
    """A coinbase younger than 100 blocks cannot be spent: the node would drop the transaction (over
    compact block filters, silently), so the page shows it as not yet spendable and coin control
    refuses it by hand, naming the block it matures at."""
    form = {"name": "young", "network": "regtest", "node": regtest_node.cbf_url, "paste": ur_export("btc-86")}
    assert web.post_form("/import", form).status == 303
    regtest_node.mine(1, account("btc-86").address(0, 9))
    assert web.request("POST", "/wallet/young/sync").status == 303
    height = regtest_node.height()
    page = web.get("/wallet/young").text
    coins = re.findall(r'value="([0-9a-f]{64}:[0-9]+)" id="utxo-', page)
    (young,) = [c for c in coins if regtest_node.raw_transaction(c.split(":")[0])["confirmations"] == 1]
    box = re.search(rf'<input[^>]*id="utxo-{young.replace(":", "-")}"[^>]*>', page)
    assert box and "disabled" in box.group(0)  # the page does not offer it ...
    assert f"newly mined: spendable from block {height + 100}" in page
    before = snapshot(web.server_datadir)  # ... and a hand-made request for it is refused
    reply = post_send(web, "young", send_form(regtest_node.miner(), "10000", "2", utxos=(young,)))
    assert reply.status == 400  # type: ignore[attr-defined]
    error = element(reply.text, "error")  # type: ignore[attr-defined]
    assert f"the coin {young} is newly mined: it can be spent in block {height + 100} or later" in error
    assert snapshot(web.server_datadir) == before
