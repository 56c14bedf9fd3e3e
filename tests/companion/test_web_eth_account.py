"""The Ethereum account page against a real chain (anvil): import (paste, with its errors), the address
and its QR, balances of ETH and of an added token, and a send of ETH and of a token: the review the
device will show (every warning with its code), the request signed by ``airlock sign``, the signature
pasted back, the broadcast and the receipt.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_chain import DEV, OWNER, EthChain, Tokens, eth_chain_fixture, requires_chain  # noqa: F401
from eth_web import (
    airlock_sign,
    attribute,
    element,
    import_account,
    location,
    post,
    serving_account,
    warning_codes,
)
from web_client import Client

pytestmark = requires_chain
ETHER = 10**18


@pytest.fixture(scope="module", name="tokens")
def tokens_fixture(eth_chain: EthChain) -> Tokens:
    tokens = Tokens(eth_chain)
    tokens.mint(OWNER, dai=1000 * ETHER)
    return tokens


@pytest.fixture(scope="module", name="web")
def web_fixture(
    tmp_path_factory: pytest.TempPathFactory, eth_chain: EthChain, tokens: Tokens
) -> Iterator[Client]:
    folder = tmp_path_factory.mktemp("web-eth")
    with serving_account(folder, eth_chain.url) as web:
        yield web


def test_import_errors_keep_what_was_typed_and_import_nothing(web: Client, eth_chain: EthChain) -> None:
    for fields, why in (
        ({"name": "x", "rpc": eth_chain.url}, "give the export"),
        ({"name": "x", "rpc": eth_chain.url, "paste": "not an export"}, ""),
        ({"name": "x", "rpc": eth_chain.url, "paste": OWNER, "chain_id": "one"}, "chain id is a whole"),
    ):
        reply = web.post_form("/eth/import", fields)
        assert reply.status == 400
        assert why in element(reply.text, "error")
        assert attribute(reply.text, "eth-rpc", "value") == eth_chain.url
    assert 'id="eth-row-x"' not in web.get("/").text
    # a private key or seed words pasted by mistake: refused, and not shown back on the page
    anvil_key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    for secret in (anvil_key, anvil_key[2:], " ".join(["legal"] * 11 + ["winner"])):
        reply = web.post_form("/eth/import", {"name": "x", "rpc": eth_chain.url, "paste": secret})
        assert reply.status == 400 and secret not in reply.text and secret[2:] not in reply.text


def test_the_account_page_shows_the_address_its_qr_and_the_balances(
    web: Client, eth_chain: EthChain, tokens: Tokens
) -> None:
    from PIL import Image

    from signer.transport.frames import decode_qr_image

    home = web.get("/").text
    assert OWNER in element(home, "eth-row-main")
    page = web.get("/eth/main").text
    assert element(page, "eth-address") == OWNER
    assert element(page, "eth-path") == "m/44'/60'/0'/0/0"
    qr = web.get(attribute(page, "eth-address-qr", "src"))
    assert decode_qr_image(Image.open(io.BytesIO(qr.body))) == [OWNER.encode()]
    balance = eth_chain.w3.eth.get_balance(OWNER)
    assert str(balance // ETHER) in element(page, "balance-eth")

    assert location(post(web, "/eth/main/token", {"token": tokens.dai})) == "/eth/main?token=1"
    page = web.get("/eth/main").text
    assert "1,000 tDAI" in element(page, f"balance-{tokens.dai}")
    reply = post(web, "/eth/main/token", {"token": "0x1234"})
    assert reply.status == 400 and element(reply.text, "error").startswith("Not added: ")


def send_and_confirm(web: Client, fields: dict[str, str], tmp_path: Path,
                     capsys: pytest.CaptureFixture[str]) -> tuple[str, dict[str, object]]:  # fmt: skip
    batch = location(post(web, "/eth/main/send", fields))
    page = web.get(batch).text
    # the QR options form (the page's script sends it when a choice changes): sparser frames, more of them
    action = attribute(page, "handover-options", "action")
    sparse = web.get(f"{action}?format=ur&density=0&speed=400").text
    count = int(attribute(page, "handover-qr", "data-count"))
    assert int(attribute(sparse, "handover-qr", "data-count")) > count
    assert attribute(sparse, "handover-qr", "data-speed") == "400"
    request_text = web.get(f"{batch}/0/request.txt").text
    signature = airlock_sign(capsys, tmp_path, request_text, "--accept-risk")
    assert location(post(web, batch + "/signature", {"paste": signature})) == f"{batch}?signed=1"
    assert attribute(web.get(batch).text, "signed-state", "data-ready") == "1"
    assert location(post(web, batch + "/broadcast", {})) == f"{batch}?sent=1"
    report = json.loads(web.request("POST", batch + "/status").body)
    return page, report


def test_send_eth_review_sign_broadcast_and_receipt(
    web: Client, eth_chain: EthChain, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = eth_chain.w3.eth.get_balance(DEV[2])
    page, report = send_and_confirm(web, {"to": DEV[2], "amount": "0.5", "token": ""}, tmp_path, capsys)
    review = element(page, "review")
    assert DEV[2] in review and "0.5 " in review
    assert "first-time-recipient" in warning_codes(page)
    assert report["state"] == "confirmed" and report["sent"][0]["succeeded"]  # type: ignore[index]
    assert eth_chain.w3.eth.get_balance(DEV[2]) == before + ETHER // 2


def test_send_a_token_in_its_units_and_the_review_warns_of_the_token_contract(
    web: Client, eth_chain: EthChain, tokens: Tokens, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dai = tokens.erc20(tokens.dai)
    post(web, "/eth/main/token", {"token": tokens.dai})
    fields = {"to": DEV[3], "amount": "12.5", "token": tokens.dai}
    page, report = send_and_confirm(web, fields, tmp_path, capsys)
    # 12.5 in the token's 18 decimals; the device knows no test token, and says so
    assert "Send 12500000000000000000 raw units of unknown token" in element(page, "review")
    assert report["state"] == "confirmed"
    assert dai.functions.balanceOf(DEV[3]).call() == 12 * ETHER + ETHER // 2
    # to the token's own contract: the device's rule says where such tokens end up
    batch = location(post(web, "/eth/main/send", {"to": tokens.dai, "amount": "1", "token": tokens.dai}))
    assert "recipient-is-token-contract" in warning_codes(web.get(batch).text)
    assert location(post(web, batch + "/discard", {})) == "/eth/main?discarded=1"  # not sent, nonce freed


def test_a_bad_amount_is_refused_in_one_line_with_the_form_kept(web: Client, eth_chain: EthChain) -> None:
    nonce = eth_chain.w3.eth.get_transaction_count(OWNER)
    for amount, why in (("1.0000000000000000001", "more than 18 decimal places"), ("ten", "not a decimal"),
                        ("0", "the amount is zero")):  # fmt: skip
        reply = post(web, "/eth/main/send", {"to": DEV[2], "amount": amount, "token": ""})
        assert reply.status == 400
        error = element(reply.text, "error")
        assert error.startswith("Not prepared: ") and why in error
        assert attribute(reply.text, "eth-send-amount", "value") == amount
    reply = post(web, "/eth/main/send", {"to": "0x12", "amount": "1", "token": ""})
    assert reply.status == 400 and attribute(reply.text, "eth-send-to", "value") == "0x12"
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce


def test_import_by_camera_frames_and_by_file_and_a_watched_address_cannot_send(
    web: Client, eth_chain: EthChain
) -> None:
    """The camera path as the page's script drives it (each frame posted, read by the device's reader),
    with the Ledger Live export as the device shows it (an animated UR); then a bare address by file."""
    from eth_web import ledger_export

    from signer.transport.frames import encode_frames
    from signer.transport.ur import decode_single

    scan = json.loads(web.request("POST", "/scan").body)["id"]
    frames = encode_frames(decode_single(ledger_export().strip()), format="ur")
    assert len(frames) > 1
    report: dict[str, object] = {}
    for n in range(len(frames)):
        png = io.BytesIO()
        frames.image(n).save(png, format="PNG")
        report = json.loads(web.request("POST", f"/scan/{scan}/frame", png.getvalue(),
                                        {"Content-Type": "image/png"}).body)  # fmt: skip
        if report["done"]:
            break
    assert report["done"] and report["kind"] == "account"
    reply = web.post_form("/eth/import", {"name": "ledger", "rpc": eth_chain.url, "scan": scan})
    assert location(reply) == "/eth/ledger?imported=1"
    page = web.get("/eth/ledger").text
    assert element(page, "eth-address") == OWNER and element(page, "eth-path") == "m/44'/60'/0'/0/0"
    assert "Ledger Live" in element(page, "eth-facts")

    reply = web.post_form("/eth/import", {"name": "watched", "rpc": eth_chain.url}, {"file": DEV[1].encode()})
    assert location(reply) == "/eth/watched?imported=1"
    page = web.get("/eth/watched").text
    assert element(page, "eth-address") == DEV[1] and 'id="eth-send-form"' not in page
    reply = post(web, "/eth/watched/send", {"to": DEV[2], "amount": "1", "token": ""})
    assert reply.status == 400 and "watch only" in element(reply.text, "error")


def test_a_request_left_unsigned_holds_its_nonce_until_discarded(web: Client, eth_chain: EthChain) -> None:
    """Each Review hands a request over (it takes the next nonce): the page says when one waits behind
    another, lists them on the account page, and discards them with nothing sent."""
    nonce = eth_chain.w3.eth.get_transaction_count(OWNER)
    first = location(post(web, "/eth/main/send", {"to": DEV[2], "amount": "0.1", "token": ""}))
    second = location(post(web, "/eth/main/send", {"to": DEV[2], "amount": "0.2", "token": ""}))
    assert 'id="batch-waiting"' not in web.get(first).text
    assert attribute(web.get(second).text, "batch-waiting", "data-nonces") == str(nonce)
    account = web.get("/eth/main").text
    assert element(account, "pending-table").count("Send 0.") == 2

    assert location(post(web, first + "/discard", {})) == "/eth/main?discarded=1"
    assert web.get(first).status == 404
    page = web.get(second).text  # its nonce now waits for a transaction nobody will send
    assert 'id="batch-waiting"' not in page and attribute(page, "batch-gap", "data-nonces") == str(nonce)
    request_id = re.search(r'id="pending-([0-9a-f]{32})"', web.get("/eth/main").text)
    assert request_id is not None
    discard = f"/eth/main/pending/{request_id.group(1)}/discard"
    assert location(post(web, discard, {})) == "/eth/main?discarded=1"
    assert 'id="pending"' not in web.get("/eth/main").text
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce
    # the next send takes the nonce again, with nothing in its way
    third = location(post(web, "/eth/main/send", {"to": DEV[2], "amount": "0.3", "token": ""}))
    page = web.get(third).text
    assert 'id="batch-waiting"' not in page and 'id="batch-gap"' not in page
    post(web, third + "/discard", {})


def test_a_damaged_account_is_one_line_on_the_wallet_list(web: Client, eth_chain: EthChain) -> None:
    assert location(import_account(web, "broken", eth_chain.url)) == "/eth/broken?imported=1"
    (web.server_datadir / "eth" / "broken" / "account.json").write_text("{not json")
    home = web.get("/")
    assert home.status == 200 and "cannot be read" in element(home.text, "eth-row-broken")
    assert OWNER in element(home.text, "eth-row-main")
    assert web.get("/eth/broken").status == 404
