"""The web page against a real node: Sync reads the balance, and the receive address moves on once used."""

from __future__ import annotations

import re
from html import unescape

from device_exports import account, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401
from web_client import Client, web_fixture  # noqa: F401

COINBASE_MATURITY = 100


def shown(page: str, element: str) -> str:
    match = re.search(rf'id="{element}">([^<]+)<', page)
    assert match, page
    return unescape(match.group(1))


def test_sync_shows_the_balance_and_the_next_address_after_use(
    web: Client, regtest_node: RegtestNode
) -> None:
    form = {"name": "savings", "network": "regtest", "node": regtest_node.rpc_url, "paste": ur_export()}
    assert web.post_form("/import", form).status == 303
    first = shown(web.get("/wallet/savings").text, "address").replace(" ", "")
    assert first == account().address(0, 0)
    regtest_node.mine(COINBASE_MATURITY + 1, first)  # one coinbase spendable, 100 maturing

    reply = web.request("POST", "/wallet/savings/sync")
    assert reply.status == 303, reply.text
    page = web.get(reply.headers["location"]).text
    assert "Synced." in page
    # of 101 coinbases, two have 100 confirmations (spendable in the next block), 99 are maturing
    assert shown(page, "confirmed") == "100.00000000 BTC"
    assert shown(page, "pending") == "4,950.00000000 BTC"
    assert shown(page, "address").replace(" ", "") == account().address(0, 1)  # the first one is used
    assert shown(page, "path") == "m/84h/1h/0h/0/1"
    assert 'src="/wallet/savings/address/1/receive.png"' in page
    home = web.get("/").text
    assert "100.00000000 BTC (+4,950.00000000 BTC pending)" in home
