"""The approvals monitor on the real chain (anvil, OpenZeppelin 5 tokens) with an injected clock and
notifier: a newly flagged approval notified once, not again 23 h later, again at 24 h, never once
revoked; a dead node for one account reported while the others are notified; ``approvals watch --once``;
the wallet list's badge read from the stored scan while the node cannot be reached; the web server's
monitor thread ticking (driven by ``trigger``) and stopping with the server.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from companion_cli import run
from eth_chain import DEV, OWNER, EthChain, Tokens, eth_chain_fixture, requires_chain  # noqa: F401
from eth_device import write_exports
from eth_web import attribute, element, location, post
from web_client import Client

from companion.approvals import service
from companion.approvals.monitor import Monitor
from companion.approvals.reminders import Due
from companion.cli import main
from companion.datadir import open_datadir
from companion.demo_chain import free_port
from companion.eth.accounts import EthAccounts
from companion.web.server import WebServer

pytestmark = requires_chain
HOUR = 3600
UNLIMITED = 2**256 - 1
WAIT = 120.0  # an upper bound for a tick on a loaded machine, never a measured time


class Recorder:
    """The notifier: what would have gone to the desktop, per call."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[str]]] = []

    def notify(self, name: str, due: Sequence[Due]) -> None:
        self.sent.append((name, [d.approval.key for d in due]))


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@pytest.fixture(scope="module", name="tokens")
def tokens_fixture(eth_chain: EthChain) -> Tokens:
    tokens = Tokens(eth_chain)
    tokens.mint(OWNER, dai=10**21, usdc=10**9)
    return tokens


def datadir_with(tmp_path: Path, eth_chain: EthChain, *names: str, dead: Sequence[str] = ()) -> Path:
    """A data folder with the device's crypto-hdkey imported as each of ``names``; the ``dead`` ones then
    point at a port nothing listens on (their node does not answer)."""
    datadir = tmp_path / "companion"
    export = write_exports(tmp_path / "files")["hdkey"]
    for name in names:
        args = ["--datadir", str(datadir), "eth", "import", name, str(export), "--rpc", eth_chain.url]
        assert main(args) == 0
    for name in dead:
        unreachable(datadir, name)
    return datadir


def unreachable(datadir: Path, name: str) -> None:
    path = datadir / "eth" / name / "account.json"
    data = json.loads(path.read_text())
    data["rpc"] = f"http://127.0.0.1:{free_port()}"  # closed: the connection is refused
    path.write_text(json.dumps(data))


def approve(eth_chain: EthChain, tokens: Tokens, token: str, spender: str, amount: int = UNLIMITED) -> str:
    eth_chain.send(OWNER, tokens.erc20(token).functions.approve(spender, amount))
    return f"erc20:{token}:{spender}"


def test_a_tick_notifies_once_then_every_24_hours_and_never_once_revoked(
    tmp_path: Path, eth_chain: EthChain, tokens: Tokens
) -> None:
    datadir = datadir_with(tmp_path, eth_chain, "main")
    key = approve(eth_chain, tokens, tokens.dai, DEV[1])
    t0 = eth_chain.latest_time()
    clock, notifier = Clock(t0), Recorder()
    monitor = Monitor(EthAccounts(datadir), notifier=notifier, clock=clock)

    tick = monitor.tick()
    assert tick.ok and notifier.sent == [("main", [key])]
    assert (tick.accounts[0].due[0].first_flagged_at, tick.accounts[0].due[0].last_reminded_at) == (t0, None)
    stored = service.last_scan(EthAccounts(datadir), "main")  # the tick's scan, read back without the node
    assert stored is not None and stored.now == t0 and stored.block == eth_chain.w3.eth.block_number
    assert [a.key for a in stored.approvals] == [key] and stored.approvals[0].unlimited

    clock.now = t0 + 23 * HOUR
    assert monitor.tick().ok and notifier.sent == [("main", [key])]  # not again within 24 hours
    clock.now = t0 + 24 * HOUR
    again = monitor.tick()
    assert notifier.sent == [("main", [key]), ("main", [key])]
    assert (again.accounts[0].due[0].first_flagged_at, again.accounts[0].due[0].last_reminded_at) == (t0, t0)

    approve(eth_chain, tokens, tokens.dai, DEV[1], 0)  # revoked
    for hours in (48, 72, 24 * 30):
        clock.now = t0 + hours * HOUR
        assert monitor.tick().ok
    assert len(notifier.sent) == 2
    review = service.review(EthAccounts(datadir), "main")
    assert review.scan is not None and review.scan.approvals == [] and review.flagged == []


def test_a_dead_node_for_one_account_is_reported_and_the_others_are_notified(
    tmp_path: Path, eth_chain: EthChain, tokens: Tokens
) -> None:
    datadir = datadir_with(tmp_path, eth_chain, "dead", "main", dead=["dead"])
    key = approve(eth_chain, tokens, tokens.usdc, DEV[2])
    notifier = Recorder()
    tick = Monitor(EthAccounts(datadir), notifier=notifier, clock=Clock(eth_chain.latest_time())).tick()
    assert not tick.ok
    dead, live = tick.accounts
    assert dead.name == "dead" and dead.due == [] and "127.0.0.1" in (dead.error or "")
    assert "failed to" in (dead.error or "") or "does not answer" in (dead.error or "")
    assert live.name == "main" and live.error is None and key in [d.approval.key for d in live.due]
    assert notifier.sent == [("main", [d.approval.key for d in live.due])]
    assert service.last_scan(EthAccounts(datadir), "dead") is None


def test_watch_once_exit_status_and_json(
    tmp_path: Path, eth_chain: EthChain, tokens: Tokens, capsys: pytest.CaptureFixture[str]
) -> None:
    datadir = datadir_with(tmp_path, eth_chain, "dead", "main", dead=["dead"])
    key = approve(eth_chain, tokens, tokens.dai, DEV[3])
    now = str(eth_chain.latest_time())

    failed = run(capsys, datadir, "approvals", "watch", "--once", "--now", now, "--json")
    assert failed.status == 1
    report = json.loads(failed.out)
    by_name = {a["name"]: a for a in report["accounts"]}
    assert report["ok"] is False and by_name["dead"]["error"] and by_name["main"]["error"] is None
    assert key in [d["key"] for d in by_name["main"]["due"]]
    assert failed.err.count("\n") == 1 and failed.err.startswith("airlock-companion: dead: not checked: ")

    again = run(capsys, datadir, "approvals", "watch", "main", "--once", "--now", now)
    assert again.status == 0 and again.out == "main: 0 approval(s) due for a reminder\n"  # told already
    later = run(capsys, datadir, "approvals", "watch", "main", "--once", "--now", str(int(now) + 24 * HOUR))
    assert later.status == 0 and key.split(":")[2] in later.out

    unknown = run(capsys, datadir, "approvals", "watch", "nobody", "--once")
    assert unknown.status != 0 and "no Ethereum account named nobody" in unknown.err
    bad = run(capsys, datadir, "approvals", "watch", "--every", "0")
    assert bad.status != 0 and "--every 0 must be a number of seconds above 0" in bad.err


def test_the_wallet_list_shows_the_badge_from_the_stored_scan_while_the_node_is_unreachable(
    tmp_path: Path, eth_chain: EthChain, tokens: Tokens
) -> None:
    datadir = datadir_with(tmp_path, eth_chain, "main")
    key = approve(eth_chain, tokens, tokens.usdc, DEV[1])
    with WebServer(open_datadir(datadir)) as server:
        web = Client(server)
        assert attribute(web.get("/").text, "due-main", "data-due") == ""  # never scanned: not asked
        assert location(post(web, "/eth/main/approvals/scan", {})) == "/eth/main/approvals?scanned=1"
        scanned = web.get("/eth/main/approvals").text
        due = attribute(scanned, "reminders", "data-due")
        assert int(due) >= 1 and key in scanned

        unreachable(datadir, "main")  # every RPC call of this account now fails
        home = web.get("/")
        assert home.status == 200 and attribute(home.text, "due-main", "data-due") == due
        page = web.get("/eth/main/approvals")
        assert page.status == 200 and attribute(page.text, "reminders", "data-due") == due
        assert key in page.text and "Last scanned" in element(page.text, "scan-facts")
        assert attribute(web.get("/eth/main").text, "approvals-due", "class") == "badge"
        refused = post(web, "/eth/main/approvals/scan", {})  # only Rescan asks the node, and says so
        assert refused.status == 502 and "Not scanned: " in element(refused.text, "error")
        assert attribute(refused.text, "reminders", "data-due") == due


def test_the_web_servers_monitor_ticks_in_the_background_and_stops_with_the_server(
    tmp_path: Path, eth_chain: EthChain, tokens: Tokens
) -> None:
    datadir = datadir_with(tmp_path, eth_chain, "main")
    key = approve(eth_chain, tokens, tokens.dai, DEV[2])
    clock, notifier = Clock(eth_chain.latest_time()), Recorder()
    server = WebServer(open_datadir(datadir), monitor_every=3600, notifier=notifier, clock=clock)
    assert server.monitor is not None
    with server:
        assert server.monitor.wait_for(1, WAIT)  # the tick at start
        assert server.monitor.running
        assert [name for name, _ in notifier.sent] == ["main"] and key in notifier.sent[0][1]
        web = Client(server)
        home = web.get("/").text
        assert attribute(home, "due-main", "data-due") == str(len(notifier.sent[0][1]))
        page = web.get("/eth/main/approvals").text
        assert f'data-key="{key}">Newly flagged: tDAI' in page

        clock.now += 24 * HOUR
        server.monitor.trigger()
        assert server.monitor.wait_for(2, WAIT)
        assert len(notifier.sent) == 2 and key in notifier.sent[1][1]
        assert "still unlimited" in element(web.get("/eth/main/approvals").text, "reminders")
        assert "after 24 h" in element(web.get("/eth/main/approvals").text, "reminders")
    assert not server.monitor.running and server.monitor.ticks == 2


def test_web_refuses_a_negative_monitor_interval(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, tmp_path / "companion", "web", "--no-browser", "--monitor-every", "-5")
    assert result.status != 0 and "--monitor-every -5 must be 0 (off) or a number of seconds" in result.err
