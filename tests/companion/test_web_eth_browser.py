"""Revoking approvals in a real browser against a real chain, the device's side played by Airlock's code.

Approvals are made on anvil; Debian's chromium (headless, Playwright) opens the approvals page, which
lists them flagged; two are ticked and revoked as a batch. The page shows request 1 of 2 as an animated
QR: its frames are read with the signer's QR reader and assembler and signed by ``airlock sign`` (test
mnemonic); the device's signature, as its screen shows it, becomes the fake camera's video; the page,
relaunched with that camera, scans it and moves on to request 2, which goes the same way. Then both
are broadcast in nonce order and followed to their receipts, and the rescan shows them gone.

Screenshots go to docs/companion/ with ``AIRLOCK_UPDATE_SCREENSHOTS=1`` (else a temporary folder).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser_page import CHROMIUM, browser, shot, shots_fixture  # noqa: F401
from eth_chain import DEV, OWNER, PERMIT2, EthChain, Tokens, eth_chain_fixture, requires_chain  # noqa: F401
from eth_web import airlock_sign, import_account, location, post
from fake_camera import camera_args, qr_video
from web_client import Client, web_fixture  # noqa: F401

UNLIMITED = 2**256 - 1

pytestmark = requires_chain
pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make bootstrap`")
if not CHROMIUM.is_file():
    pytest.skip("no chromium: run `sudo apt-get install -y chromium` (make bootstrap does it as root)",
                allow_module_level=True)  # fmt: skip


def shown_request(page: object) -> str:
    """The request the page hands over, read from the frames it cycles (fetched as the page fetches
    them) with the signer's QR reader: its UR parts, one a line, as the device's camera gathers them."""
    from PIL import Image

    from signer.transport.frames import decode_qr_image

    img = page.locator("#handover-qr")  # type: ignore[attr-defined]
    base, query = img.get_attribute("data-base"), img.get_attribute("data-query").replace("&amp;", "&")
    texts = []
    for n in range(int(img.get_attribute("data-count"))):
        reply = page.request.get(urljoin(page.url, f"{base}{n}.png?{query}"))  # type: ignore[attr-defined]
        assert reply.ok
        (code,) = decode_qr_image(Image.open(io.BytesIO(reply.body())))
        texts.append(code.decode())
    (on_screen,) = decode_qr_image(Image.open(io.BytesIO(img.screenshot())))
    assert on_screen.decode() in texts  # what the screen shows now is one of them
    assert all(t.startswith("UR:ETH-SIGN-REQUEST") for t in texts)
    return "\n".join(texts) + "\n"


def device_signature_video(capsys: pytest.CaptureFixture[str], tmp_path: Path, request_text: str,
                           video: Path) -> None:  # fmt: skip
    """The device signs, and shows its eth-signature as its screen does: the fake camera's video."""
    from signer.chains.scanning import new_assembler
    from signer.transport.frames import encode_frames
    from signer.transport.ur import UR

    assembler = new_assembler()
    for part in airlock_sign(capsys, tmp_path, request_text).split():
        assembler.add(part)
    assert assembler.is_complete and str(assembler.result.kind) == "eth-signature"
    result = assembler.result
    frames = encode_frames(UR(result.ur_type, bytes(result.data)), format="ur")
    qr_video(video, frames)


def test_revoke_two_approvals_as_a_queue_scanned_back_broadcast_and_rescanned(
    web: Client, eth_chain: EthChain, shots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = Tokens(eth_chain)
    tokens.mint(OWNER, dai=10**21, usdc=10**9, nft_ids=(1,))
    eth_chain.send(OWNER, tokens.erc20(tokens.dai).functions.approve(DEV[1], UNLIMITED))
    eth_chain.send(OWNER, tokens.erc20(tokens.usdc).functions.approve(PERMIT2, 5 * 10**6))
    nft = eth_chain.contract("TestNFT", tokens.nft)
    eth_chain.send(OWNER, nft.functions.setApprovalForAll(DEV[3], True))
    assert location(import_account(web, "main", eth_chain.url)) == "/eth/main?imported=1"
    assert location(post(web, "/eth/main/token", {"token": tokens.dai})) == "/eth/main?token=1"
    dai, nft_key = f"erc20:{tokens.dai}:{DEV[1]}", f"erc721:{tokens.nft}:{DEV[3]}"
    nonce = eth_chain.w3.eth.get_transaction_count(OWNER)

    with browser(web, [], width=1000) as page:
        page.goto(web.server.origin + "/eth/main")  # type: ignore[attr-defined]
        assert page.inner_text("#eth-address") == OWNER  # type: ignore[attr-defined]
        shot(page, shots, "eth-account")
        page.goto(web.server.origin + "/")  # type: ignore[attr-defined]
        # never scanned: the wallet list does not ask the node; the approvals page scans it once
        assert page.get_attribute("#due-main", "data-due") == ""  # type: ignore[attr-defined]
        page.click("#due-main")  # type: ignore[attr-defined]
        page.wait_for_url("**/eth/main/approvals")  # type: ignore[attr-defined]
        page.goto(web.server.origin + "/")  # type: ignore[attr-defined]
        assert page.get_attribute("#due-main", "data-due") == "2"  # type: ignore[attr-defined]
        page.click("#due-main")  # type: ignore[attr-defined]
        page.wait_for_url("**/eth/main/approvals")  # type: ignore[attr-defined]
        assert page.locator("#approvals tbody tr").count() == 3  # type: ignore[attr-defined]
        assert page.get_attribute(f'tr[data-key="{dai}"]', "data-flagged") == "1"  # type: ignore[attr-defined]
        assert "unlimited" in page.inner_text(f'tr[data-key="{dai}"]')  # type: ignore[attr-defined]
        assert "Newly flagged: tDAI" in page.inner_text("#reminders")  # type: ignore[attr-defined]
        shot(page, shots, "approvals")
        page.check(f'input[value="{dai}"]')  # type: ignore[attr-defined]
        page.check(f'input[value="{nft_key}"]')  # type: ignore[attr-defined]
        page.click("#revoke-selected")  # type: ignore[attr-defined]
        page.wait_for_url(re.compile(r".*/eth/main/batch/[\w-]+$"))  # type: ignore[attr-defined]
        batch = page.url  # type: ignore[attr-defined]
        assert page.inner_text("#batch-progress") == "0 of 2 signed"  # type: ignore[attr-defined]
        assert page.inner_text("#batch-current") == "Request 1 of 2"  # type: ignore[attr-defined]
        page.wait_for_function("document.getElementById('handover-qr').complete")  # type: ignore[attr-defined]
        shot(page, shots, "approvals-revoke")
        first = shown_request(page)

    for k, request_text in enumerate([first, None]):
        video = tmp_path / f"signature-{k}.y4m"
        if request_text is None:
            with browser(web, [], width=1000) as page:
                page.goto(batch)  # type: ignore[attr-defined]
                assert page.inner_text("#batch-current") == "Request 2 of 2"  # type: ignore[attr-defined]
                request_text = shown_request(page)
        device_signature_video(capsys, tmp_path, request_text, video)
        with browser(web, camera_args(video), width=1000) as page:
            page.goto(batch)  # type: ignore[attr-defined]
            page.click("#signed-camera-start")  # type: ignore[attr-defined]
            page.wait_for_url(f"{batch}?signed=1")  # type: ignore[attr-defined]
            assert page.inner_text("#batch-progress") == f"{k + 1} of 2 signed"  # type: ignore[attr-defined]
    assert eth_chain.w3.eth.get_transaction_count(OWNER) == nonce  # nothing sent before the broadcast

    with browser(web, [], width=1000) as page:
        page.goto(batch)  # type: ignore[attr-defined]
        assert page.get_attribute("#signed-state", "data-ready") == "1"  # type: ignore[attr-defined]
        page.click("#broadcast")  # type: ignore[attr-defined]
        page.wait_for_url(f"{batch}?sent=1")  # type: ignore[attr-defined]
        # the script follows the receipts, then shows the page again with each one's block and outcome
        both = "#sent tr[data-state='confirmed'] ~ tr[data-state='confirmed']"
        page.wait_for_selector(both)  # type: ignore[attr-defined]
        rows = page.locator("#sent tbody tr")  # type: ignore[attr-defined]
        assert rows.count() == 2
        nonces = [rows.nth(i).locator("td").first.inner_text() for i in range(2)]
        assert nonces == [str(nonce), str(nonce + 1)]
        assert all("succeeded" in rows.nth(i).inner_text() for i in range(2))
        assert tokens.erc20(tokens.dai).functions.allowance(OWNER, DEV[1]).call() == 0
        assert not nft.functions.isApprovedForAll(OWNER, DEV[3]).call()
        page.click("#rescan")  # type: ignore[attr-defined]
        page.wait_for_url("**/eth/main/approvals?scanned=1")  # type: ignore[attr-defined]
        keys = page.locator("#approvals tbody tr").evaluate_all(  # type: ignore[attr-defined]
            "rows => rows.map(r => r.dataset.key)")
        assert keys == [f"erc20:{tokens.usdc}:{PERMIT2}"]
