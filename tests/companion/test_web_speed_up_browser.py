"""Speeding up a payment in a real browser (Debian's chromium, Playwright) against a regtest node.

A payment sent at 2 sat/vB waits in the mempool; its history row offers Speed up (RBF). Too low a rate
is refused on the page; at 10 sat/vB the replacement is built, its review and handover QR shown; the
frames the page shows are read with the signer's QR reader and signed by ``airlock sign`` (test
mnemonic); the signed copy is uploaded as a file on the page, broadcast, and replaces the original in
the node's mempool. The payment is labelled on its row. The wallet uses the node's RPC.

Screenshots go to docs/companion/ with ``AIRLOCK_UPDATE_SCREENSHOTS=1`` (else a temporary folder).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from browser_page import CHROMIUM, browser, shot, shots_fixture  # noqa: F401
from device_exports import account, ur_export
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401
from test_web_send_browser import airlock_sign, shown_frames
from web_client import Client, web_fixture  # noqa: F401

COINBASE_MATURITY = 100

pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make bootstrap`")
if not CHROMIUM.is_file():
    pytest.skip("no chromium: run `sudo apt-get install -y chromium` (make bootstrap does it as root)",
                allow_module_level=True)  # fmt: skip


def sign_frames(capsys: pytest.CaptureFixture[str], tmp_path: Path, texts: list[bytes], name: str) -> Path:
    """The device's side: the frames it scanned, signed; the signed PSBT as a file (base64)."""
    scanned = tmp_path / f"{name}.txt"
    scanned.write_text("\n".join(t.decode() for t in texts) + "\n")
    signed = tmp_path / f"{name}.signed.psbt"
    signed.write_bytes(base64.b64decode(airlock_sign(capsys, tmp_path, scanned, "--format", "base64")))
    return signed


def test_a_stuck_payment_is_sped_up_by_replacement_signed_by_airlock_and_broadcast(
    web: Client, regtest_node: RegtestNode, shots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = {"name": "savings", "network": "regtest", "node": regtest_node.rpc_url, "paste": ur_export()}
    assert web.post_form("/import", form).status == 303
    regtest_node.mine(1, account().address(0, 0))
    regtest_node.mine(COINBASE_MATURITY + 1)
    assert web.request("POST", "/wallet/savings/sync").status == 303
    to = regtest_node.miner()

    with browser(web, []) as page:
        # a payment at 2 sat/vB, signed and broadcast from the page
        page.goto(web.server.origin + "/wallet/savings")  # type: ignore[attr-defined]
        page.fill("#send-to", to)  # type: ignore[attr-defined]
        page.fill("#send-amount", "30000000")  # type: ignore[attr-defined]
        page.fill("#send-fee-rate", "2")  # type: ignore[attr-defined]
        page.click("#send")  # type: ignore[attr-defined]
        page.wait_for_url(re.compile(r".*/wallet/savings/send/[0-9a-f]{64}$"))  # type: ignore[attr-defined]
        original = page.url.rsplit("/", 1)[1]  # type: ignore[attr-defined]
        signed = sign_frames(capsys, tmp_path, shown_frames(page), "original")
        page.fill("#signed-paste", base64.b64encode(signed.read_bytes()).decode())  # type: ignore[attr-defined]
        page.click("#signed-add")  # type: ignore[attr-defined]
        page.click("#broadcast")  # type: ignore[attr-defined]
        page.wait_for_url(f"**/wallet/savings/tx/{original}?sent=1")  # type: ignore[attr-defined]
        assert original in regtest_node.rpc.call("getrawmempool")

        # its history row: a label, then Speed up (RBF); too low a rate first
        page.goto(web.server.origin + "/wallet/savings")  # type: ignore[attr-defined]
        page.fill(f"#label-tx-{original}", "rent, March")  # type: ignore[attr-defined]
        page.click(f"#label-save-tx-{original}")  # type: ignore[attr-defined]
        page.wait_for_url("**/wallet/savings?labelled=1")  # type: ignore[attr-defined]
        assert page.input_value(f"#label-tx-{original}") == "rent, March"  # type: ignore[attr-defined]
        page.fill(f"#speed-up-rate-{original}", "2")  # type: ignore[attr-defined]
        page.click(f"#bump-{original}")  # type: ignore[attr-defined]
        error = page.inner_text("#error")  # type: ignore[attr-defined]
        assert error.startswith("Not built: the fee rate 2 sat/vB is too low"), error
        page.locator("#activity").screenshot(path=str(shots / "speed-up-row.png"))  # type: ignore[attr-defined]
        page.fill(f"#speed-up-rate-{original}", "10")  # type: ignore[attr-defined]
        page.click(f"#bump-{original}")  # type: ignore[attr-defined]
        page.wait_for_url(re.compile(r".*/wallet/savings/send/[0-9a-f]{64}$"))  # type: ignore[attr-defined]
        replacement = page.url.rsplit("/", 1)[1]  # type: ignore[attr-defined]
        assert replacement != original
        assert "(10.0 sat/vB" in page.inner_text("#review-fee")  # type: ignore[attr-defined]
        assert to in page.inner_text("#review-outputs")  # type: ignore[attr-defined]
        page.locator("#review").screenshot(path=str(shots / "speed-up-review.png"))  # type: ignore[attr-defined]

        # the device signs the replacement; its signed copy comes back as a file
        signed = sign_frames(capsys, tmp_path, shown_frames(page), "replacement")
        page.set_input_files("#signed-file", str(signed))  # type: ignore[attr-defined]
        page.click("#signed-add")  # type: ignore[attr-defined]
        page.wait_for_url(f"**/wallet/savings/signed/{replacement}")  # type: ignore[attr-defined]
        assert page.get_attribute("#signed-state", "data-ready") == "1"  # type: ignore[attr-defined]
        assert replacement not in regtest_node.rpc.call("getrawmempool")
        page.click("#broadcast")  # type: ignore[attr-defined]
        page.wait_for_url(f"**/wallet/savings/tx/{replacement}?sent=1")  # type: ignore[attr-defined]
        mempool = regtest_node.rpc.call("getrawmempool")
        assert replacement in mempool and original not in mempool
        regtest_node.mine(1)
        page.wait_for_selector("#tx-state[data-state='confirmed']")  # type: ignore[attr-defined]
        assert regtest_node.raw_transaction(replacement)["confirmations"] == 1
        shot(page, shots, "speed-up-confirmed")
