"""The approvals page against a real chain (anvil, OpenZeppelin 5 tokens): the table and its flags, the
reminders at the top and the badge on the wallet list, the revoke of two approvals as a batch handed
over request by request (each request's file signed by ``airlock sign``, each signature pasted back),
the broadcast in nonce order, the receipts, and the rescan without them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_chain import DEV, OWNER, PERMIT2, EthChain, Tokens, eth_chain_fixture, requires_chain  # noqa: F401
from eth_web import airlock_sign, attribute, element, location, post, serving_account
from web_client import Client

pytestmark = requires_chain
UNLIMITED = 2**256 - 1


@pytest.fixture(scope="module", name="tokens")
def tokens_fixture(eth_chain: EthChain) -> Tokens:
    """The owner's approvals: tDAI unlimited to DEV[1], 5 tUSDC to Permit2 (a contract: not risky),
    every tPUNK to DEV[3]."""
    tokens = Tokens(eth_chain)
    tokens.mint(OWNER, dai=10**21, usdc=10**9, nft_ids=(7,))
    eth_chain.send(OWNER, tokens.erc20(tokens.dai).functions.approve(DEV[1], UNLIMITED))
    eth_chain.send(OWNER, tokens.erc20(tokens.usdc).functions.approve(PERMIT2, 5 * 10**6))
    nft = eth_chain.contract("TestNFT", tokens.nft)
    eth_chain.send(OWNER, nft.functions.setApprovalForAll(DEV[3], True))
    return tokens


@pytest.fixture(scope="module", name="web")
def web_fixture(
    tmp_path_factory: pytest.TempPathFactory, eth_chain: EthChain, tokens: Tokens
) -> Iterator[Client]:
    folder = tmp_path_factory.mktemp("web-approvals")
    with serving_account(folder, eth_chain.url) as web:
        yield web


def rows(page: str) -> dict[str, str]:
    """The approvals table: key -> the row's text."""
    found = re.findall(r'<tr data-key="([^"]+)" data-flagged="[01]">(.*?)</tr>', page, re.S)
    return {key: " ".join(re.sub(r"<[^>]+>", " ", row).split()) for key, row in found}


def key(kind: str, token: str, spender: str) -> str:
    return f"{kind}:{token}:{spender}"


def test_the_page_lists_each_approval_with_its_flags_and_the_reminders(
    web: Client, eth_chain: EthChain, tokens: Tokens
) -> None:
    page = web.get("/eth/main/approvals").text
    table = rows(page)
    dai, usdc, nft = key("erc20", tokens.dai, DEV[1]), key("erc20", tokens.usdc, PERMIT2), key(
        "erc721", tokens.nft, DEV[3])  # fmt: skip
    assert set(table) == {dai, usdc, nft}
    assert "tDAI" in table[dai] and "unlimited" in table[dai] and "ERC-20" in table[dai]
    assert "5 tUSDC" in table[usdc] and "unlimited" not in table[usdc]
    assert "ERC-721" in table[nft]
    flagged = {k for k in table if f'data-key="{k}" data-flagged="1"' in page}
    assert dai in flagged and usdc not in flagged
    # what is due now: the flagged ones, newly
    reminders = element(page, "reminders")
    assert attribute(page, "reminders", "data-due") == str(len(flagged))
    assert "Newly flagged: tDAI to " in reminders and "unlimited" in reminders
    # the wallet list shows the same count as a badge
    home = web.get("/").text
    assert attribute(home, "due-main", "data-due") == str(len(flagged))


def test_revoke_two_in_a_batch_signed_one_after_the_other_then_broadcast_and_rescanned(
    web: Client, eth_chain: EthChain, tokens: Tokens, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dai, nft = key("erc20", tokens.dai, DEV[1]), key("erc721", tokens.nft, DEV[3])
    web.get("/eth/main/approvals")
    nonce = eth_chain.w3.eth.get_transaction_count(OWNER)
    chosen = [("how", "selected"), ("key", dai), ("key", nft)]
    batch = location(post(web, "/eth/main/approvals/revoke", chosen))
    assert re.fullmatch(r"/eth/main/batch/[\w-]+", batch)

    page = web.get(batch).text
    assert element(page, "batch-progress") == "0 of 2 signed"
    assert element(page, "batch-current") == "Request 1 of 2"
    assert "Revoke" in element(page, "review") or "approve" in element(page, "review").lower()
    # nothing can be broadcast before every request is signed
    refused = post(web, batch + "/broadcast", {})
    assert refused.status == 502 and "only 0 of 2 signed" in element(refused.text, "error")

    for k in range(2):
        request_text = web.get(f"{batch}/{k}/request.txt").text
        assert request_text.upper().startswith("UR:ETH-SIGN-REQUEST/")
        signature = airlock_sign(capsys, tmp_path, request_text)
        assert location(post(web, batch + "/signature", {"paste": signature})) == f"{batch}?signed=1"
        page = web.get(batch).text
        assert element(page, "batch-progress") == f"{k + 1} of 2 signed"
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce  # nothing sent yet

    assert location(post(web, batch + "/broadcast", {})) == f"{batch}?sent=1"
    report = json.loads(web.request("POST", batch + "/status").body)
    assert report["state"] == "confirmed"
    assert [s["nonce"] for s in report["sent"]] == [nonce, nonce + 1]
    assert all(s["succeeded"] for s in report["sent"])
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce + 2
    assert tokens.erc20(tokens.dai).functions.allowance(OWNER, DEV[1]).call() == 0
    assert not eth_chain.contract("TestNFT", tokens.nft).functions.isApprovedForAll(OWNER, DEV[3]).call()
    page = web.get(batch).text
    assert attribute(page, "tx-state", "data-state") == "confirmed"

    assert location(post(web, "/eth/main/approvals/scan", {})) == "/eth/main/approvals?scanned=1"
    page = web.get("/eth/main/approvals").text
    assert set(rows(page)) == {key("erc20", tokens.usdc, PERMIT2)}
    assert attribute(page, "reminders", "data-due") == "0"


def test_a_signature_that_does_not_answer_a_request_here_is_refused_and_nothing_moves(
    web: Client, eth_chain: EthChain, tokens: Tokens, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eth_chain.send(OWNER, tokens.erc20(tokens.dai).functions.approve(DEV[2], UNLIMITED))
    post(web, "/eth/main/approvals/scan", {})
    # another site's page cannot start a revoke (the guard: Origin)
    forged = web.request("POST", "/eth/main/approvals/revoke", b"how=flagged",
                         {"Content-Type": "application/x-www-form-urlencoded"}, origin="http://evil.example")
    assert forged.status == 403 and 'id="pending"' not in web.get("/eth/main").text
    first = location(post(web, "/eth/main/approvals/revoke", {"how": "flagged"}))
    second = location(post(web, "/eth/main/approvals/revoke", {"how": "flagged"}))
    signature = airlock_sign(capsys, tmp_path, web.get(f"{first}/0/request.txt").text)
    for text, why in (
        (signature, "answers a request of another batch"),
        ("UR:ETH-SIGNATURE/NOT-A-SIGNATURE", "Not accepted: "),
        ("", "give the device's signature"),
    ):
        reply = post(web, second + "/signature", {"paste": text})
        assert reply.status == 400 and why in element(reply.text, "error")
        assert element(reply.text, "batch-progress") == "0 of 1 signed"
    # nothing selected: refused in one line
    reply = post(web, "/eth/main/approvals/revoke", {"how": "selected"})
    assert reply.status == 400 and "tick the approvals to revoke" in element(reply.text, "error")
    for batch in (first, second):  # nothing was sent: their nonces are free again
        assert location(post(web, batch + "/discard", {})) == "/eth/main/approvals?discarded=1"


def test_a_risky_approval_left_for_a_day_is_flagged_again_by_the_rescan(
    web: Client, eth_chain: EthChain
) -> None:
    first = web.get("/eth/main/approvals").text
    due = attribute(first, "reminders", "data-due")
    eth_chain.increase_time(25 * 3600)
    # loading the page reads the stored scan: nothing changes until the node is read again
    assert element(web.get("/eth/main/approvals").text, "reminders") == element(first, "reminders")
    assert location(post(web, "/eth/main/approvals/scan", {})) == "/eth/main/approvals?scanned=1"
    home = web.get("/").text
    page = web.get("/eth/main/approvals").text
    assert attribute(home, "due-main", "data-due") == attribute(page, "reminders", "data-due") == due
    assert int(due) >= 1
    assert "Flagged again: tDAI to " in element(page, "reminders")
    assert "after 25 h" in element(page, "reminders")
    assert attribute(page, "scan-facts", "data-time") == str(eth_chain.latest_time())


def test_two_permit2_allowances_are_revoked_in_one_lockdown(
    web: Client, eth_chain: EthChain, tokens: Tokens, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from approvals_chain import P2_MAX, P2_NEVER, SPENDER_A, SPENDER_B, as_contract, permit2

    spenders = [as_contract(eth_chain, s) for s in (SPENDER_A, SPENDER_B)]
    for spender in spenders:
        eth_chain.send(OWNER, permit2(eth_chain).functions.approve(tokens.usdc, spender, P2_MAX, P2_NEVER))
    post(web, "/eth/main/approvals/scan", {})
    chosen = [key("permit2", tokens.usdc, s) for s in spenders]
    table = rows(web.get("/eth/main/approvals").text)
    assert all("Permit2" in table[k] and "unlimited" in table[k] for k in chosen)

    fields = [("how", "selected"), *(("key", k) for k in chosen)]
    batch = location(post(web, "/eth/main/approvals/revoke", fields))
    page = web.get(batch).text
    assert element(page, "batch-progress") == "0 of 1 signed"  # both pairs in one transaction
    assert "lockdown" in element(page, "review").lower()
    signature = airlock_sign(capsys, tmp_path, web.get(f"{batch}/0/request.txt").text)
    assert location(post(web, batch + "/signature", {"paste": signature})) == f"{batch}?signed=1"
    assert location(post(web, batch + "/broadcast", {})) == f"{batch}?sent=1"
    assert json.loads(web.request("POST", batch + "/status").body)["state"] == "confirmed"
    post(web, "/eth/main/approvals/scan", {})
    left = rows(web.get("/eth/main/approvals").text)
    assert not set(chosen) & set(left)
