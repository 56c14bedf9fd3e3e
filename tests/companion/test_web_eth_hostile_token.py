"""A hostile token on a real chain (anvil, ``HostileToken``): its symbol, name and revert reason are markup,
right-to-left overrides, terminal escapes or kilobytes of text. Every page and the command line show them
escaped (hidden characters as codes, ``signer.safe_text``) and bounded, and one such token never hides the
account's other balances.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from companion_cli import run
from eth_chain import DEV, OWNER, EthChain, eth_chain_fixture, requires_chain  # noqa: F401
from eth_web import element, location, post, serving_account
from web_client import Client

pytestmark = requires_chain
ETHER = 10**18
UNLIMITED = 2**256 - 1
MARKUP = '<script>x</script>"><img src=x onerror=alert(1)>'
HIDDEN = ("\x1b", "\u202e", "\u200b")  # a terminal escape, a right-to-left override, a zero-width space


@pytest.fixture(scope="module", name="hostile")
def hostile_fixture(eth_chain: EthChain) -> Any:
    """The owner holds 5 HOSTILE and approved DEV[1] to spend all of them."""
    token = eth_chain.contract("HostileToken", eth_chain.deploy("HostileToken"))
    eth_chain.send(DEV[0], token.functions.setTexts("Fine", "FINE", ""))
    eth_chain.send(DEV[0], token.functions.mint(OWNER, 5 * ETHER))
    eth_chain.send(OWNER, token.functions.approve(DEV[1], UNLIMITED))
    return token


@pytest.fixture(scope="module", name="web")
def web_fixture(
    tmp_path_factory: pytest.TempPathFactory, eth_chain: EthChain, hostile: Any
) -> Iterator[Client]:
    folder = tmp_path_factory.mktemp("web-hostile")
    with serving_account(folder, eth_chain.url) as web:
        assert location(post(web, "/eth/main/token", {"token": hostile.address})) == "/eth/main?token=1"
        yield web


def set_texts(chain: EthChain, token: Any, name: str, symbol: str, reverts: str = "") -> None:
    chain.send(DEV[0], token.functions.setTexts(name, symbol, reverts))


def assert_shown_safely(text: str) -> None:
    assert "<script>x" not in text and "<img src=x" not in text and "<b>" not in text  # as markup
    for ch in HIDDEN:
        assert ch not in text, f"{ch!r} reached what a person reads"


def test_markup_and_hidden_characters_in_a_symbol_are_escaped_on_every_page(
    web: Client, eth_chain: EthChain, hostile: Any
) -> None:
    symbol = "<b>\u202eRTL\x1b[2J\u200b"  # 17 characters: a symbol the account page accepts
    set_texts(eth_chain, hostile, MARKUP + "\x1b[2J" + "N" * 10_000, symbol)
    page = web.get("/eth/main").text
    assert_shown_safely(page)
    row = element(page, f"balance-{hostile.address}")
    assert "<b>\\u202eRTL\\x1b[2J\\u200b" in row and "5 " in row  # the codes as text, the amount kept
    assert "NNNNNNNNNN" not in page  # name() is never shown
    # the send of it: the review and the queue the device will show
    batch = location(post(web, "/eth/main/send", {"to": DEV[2], "amount": "1", "token": hostile.address}))
    assert_shown_safely(web.get(batch).text)
    assert_shown_safely(web.get("/eth/main").text)  # the request waiting for its signature
    assert location(post(web, batch + "/discard", {})) == "/eth/main?discarded=1"
    # the approvals page and the wallet list: a symbol that is not plain text is not shown at all
    assert_shown_safely(web.get("/eth/main/approvals").text)
    assert_shown_safely(web.get("/").text)


def test_a_revert_reason_is_shown_with_its_codes_and_bounded_on_the_page_and_in_the_cli(
    web: Client, eth_chain: EthChain, hostile: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    set_texts(eth_chain, hostile, "Fine", "FINE", "\x1b[2J\u202eall is fine " + MARKUP + "R" * 10_000)
    assert location(post(web, "/eth/main/approvals/scan", {})) == "/eth/main/approvals?scanned=1"
    page = web.get("/eth/main/approvals").text
    assert_shown_safely(page)
    unread = element(page, "unreadable")
    assert hostile.address in unread and "\\x1b[2J\\u202eall is fine" in unread
    assert "R" * 200 not in page
    done = run(capsys, web.server_datadir, "approvals", "scan", "main")
    assert done.status == 0, done.err
    assert "\\x1b[2J\\u202eall is fine" in done.err and "R" * 200 not in done.err
    for ch in HIDDEN:
        assert ch not in done.err and ch not in done.out
    set_texts(eth_chain, hostile, "Fine", "FINE", "")


def test_a_token_that_stops_answering_as_an_erc20_hides_no_other_balance(
    web: Client, eth_chain: EthChain, hostile: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for symbol in ("S" * 10_000, ""):  # 10 kB of text, or nothing: no ERC-20 symbol
        set_texts(eth_chain, hostile, "N" * 10_000, symbol)
        page = web.get("/eth/main").text
        assert 'id="error"' not in page, element(page, "error")
        assert "ETH" in element(page, "balance-eth")  # the other balances are still read
        row = element(page, f"balance-{hostile.address}")
        assert row.startswith("? 5,000,000,000,000,000,000 base units")
        assert "S" * 100 not in page and "N" * 100 not in page
        reply = post(web, "/eth/main/send", {"to": DEV[2], "amount": "1", "token": hostile.address})
        assert reply.status == 400 and "does not answer as an ERC-20" in element(reply.text, "error")
        done = run(capsys, Path(web.server_datadir), "eth", "balance", "main")
        assert done.status == 0, done.err
        assert f"5000000000000000000 base units of {hostile.address}" in done.out
    set_texts(eth_chain, hostile, "Fine", "FINE", "")
