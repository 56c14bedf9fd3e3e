"""make demo's companion tour: the device and the companion pass one payment by QR on a regtest node."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from PIL import Image

from app import companion_tour, demo
from app.person import decode_frames

pytestmark = pytest.mark.skipif(companion_tour.missing() is not None, reason=str(companion_tour.missing()))

STEPS = (  # a picture of each step, in this order
    "device-account-ur",
    "page-import-scanned",
    "page-wallet-imported",
    "page-wallet-synced",
    "page-send-review",
    "page-handover-qr-1",
    "device-scan",
    "device-bitcoin-1-",
    "device-signed-psbt",
    "page-signed-checked",
    "page-broadcast-pending",
    "page-payment-confirmed",
    "page-wallet-paid",
)


def _children() -> list[int]:
    """Live child processes of this one (bitcoind, Playwright's driver, which starts chromium)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def test_the_tour_confirms_the_payment_and_leaves_pictures_of_both_sides(tmp_path: Path) -> None:
    from companion.btc.activity import history
    from companion.btc.broadcast import unsigned_txid
    from companion.btc.wallets import Wallets

    before = _children()
    result = companion_tour.run(tmp_path / "demo-out")
    assert result.confirmations == 1

    # the companion's own records, from the page's last sync: the payment is in a block
    wallets = Wallets(tmp_path / "demo-out" / "companion-files" / "companion-data")
    rows = {row.txid: row for row in history(wallets.load("demo"), wallets.folder("demo"))}
    assert rows[result.txid].height == result.block_height
    assert rows[result.txid].net == -(companion_tour.PAY_SATS + rows[result.txid].fee)

    # the device signed what the page handed over: the screenshots of the page's QR are that payment
    captures = sorted((tmp_path / "demo-out" / "companion-files" / "handover-captures").glob("*.png"))
    assert len(captures) > 1
    assert unsigned_txid(bytes(decode_frames([Image.open(p) for p in captures]).data)) == result.txid

    names = [p.name for p in result.pictures]
    assert [int(n[:2]) for n in names] == list(range(1, len(names) + 1))
    positions = [next(i for i, n in enumerate(names) if step in n) for step in STEPS]
    assert positions == sorted(positions), names
    for path in result.pictures:
        with Image.open(path) as image:
            assert image.size[0] >= 240
    assert _children() == before  # bitcoind, the driver and chromium are gone


@pytest.mark.parametrize("step", ["handover", "broadcast"])  # before and after chromium's relaunch
def test_a_failing_step_stops_every_process_it_started(
    step: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.demo_node import DemoNode
    from companion.web.server import WebServer

    started: list[object] = []
    real_node_start, real_web_start = DemoNode.start, WebServer.start

    def node_start(self: DemoNode) -> DemoNode:
        started.append(self)
        return real_node_start(self)

    def web_start(self: WebServer) -> None:
        started.append(self)
        real_web_start(self)

    def broken_step(*args: object) -> object:
        raise companion_tour.TourError(f"the {step} broke")

    monkeypatch.setattr(DemoNode, "start", node_start)
    monkeypatch.setattr(WebServer, "start", web_start)
    monkeypatch.setattr(companion_tour, step, broken_step)
    before = _children()
    with pytest.raises(companion_tour.TourError, match=f"the {step} broke"):
        companion_tour.run(tmp_path / "demo-out")
    node, web = started
    assert isinstance(node, DemoNode) and isinstance(web, WebServer)
    assert node.process is not None and node.process.poll() is not None
    assert not node.datadir.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", web.port), timeout=5)
    assert _children() == before


def test_make_demo_says_the_companion_tour_failed_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_run(*args: object) -> object:
        raise companion_tour.TourError("bitcoind refused generatetoaddress: boom")

    monkeypatch.setattr(companion_tour, "run", broken_run)
    assert demo.companion(tmp_path) == 1
    err = capsys.readouterr().err
    assert err == "The companion tour stopped: TourError: bitcoind refused generatetoaddress: boom\n"


def test_without_bitcoind_the_demo_says_why_and_the_device_tour_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIRLOCK_BITCOIND", str(tmp_path / "no-bitcoind"))
    monkeypatch.setenv("AIRLOCK_ANVIL", str(tmp_path / "no-anvil"))  # the Ethereum leg after it, too
    assert demo.companion(tmp_path) == 0
    said = capsys.readouterr().out
    assert f"skipped: AIRLOCK_BITCOIND={tmp_path / 'no-bitcoind'} does not exist" in said
    assert f"skipped: anvil is not installed at {tmp_path / 'no-anvil'}" in said
    assert not (tmp_path / "companion").exists()
