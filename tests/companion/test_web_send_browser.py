"""Sending in a real browser against a regtest node, the device's side played by Airlock's own code.

Debian's chromium (headless, Playwright) builds a payment on the page (coin control, fee rate), shows
the device's review and the handover QR. The frames the page shows are read with the signer's QR
reader and assembler and signed by ``airlock sign`` (test mnemonic, regtest). The signed PSBT, as the
device shows it (an animated UR at its default density), becomes the fake camera's video; the page,
relaunched with that camera, scans it, checks it, broadcasts it, and follows it to its block once one
is mined. A signed PSBT of another wallet is refused on the page with nothing broadcast. The wallet
follows the chain by compact block filters.

Screenshots go to docs/companion/ with ``AIRLOCK_UPDATE_SCREENSHOTS=1`` (else a temporary folder).
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser_page import CHROMIUM, browser, shot, shots_fixture  # noqa: F401
from conftest import ABANDON, INPUTS_DIR
from device_exports import account, ur_export
from fake_camera import camera_args, qr_video
from regtest import RegtestNode, regtest_node_fixture  # noqa: F401
from web_client import Client, web_fixture  # noqa: F401

COINBASE_MATURITY = 100
AMOUNT = 25_000_000

pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make bootstrap`")
if not CHROMIUM.is_file():
    pytest.skip("no chromium: run `sudo apt-get install -y chromium` (make bootstrap does it as root)",
                allow_module_level=True)  # fmt: skip


def airlock_sign(capsys: pytest.CaptureFixture[str], tmp_path: Path, request: Path, *extra: str) -> str:
    from signer.cli import main as airlock

    words = tmp_path / INPUTS_DIR / "words.txt"
    if not words.exists():
        words.parent.mkdir(parents=True)
        words.write_text(ABANDON + "\n")
    capsys.readouterr()
    status = airlock(["sign", str(request), "--mnemonic-file", str(words), "--network", "regtest", *extra])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def shown_frames(page: object) -> list[bytes]:
    """The QR texts of every frame the handover cycles through, fetched as the page fetches them."""
    from PIL import Image

    from signer.transport.frames import decode_qr_image

    img = page.locator("#handover-qr")  # type: ignore[attr-defined]
    base, query = img.get_attribute("data-base"), img.get_attribute("data-query").replace("&amp;", "&")
    texts = []
    for n in range(int(img.get_attribute("data-count"))):
        reply = page.request.get(urljoin(page.url, f"{base}{n}.png?{query}"))  # type: ignore[attr-defined]
        assert reply.ok
        (code,) = decode_qr_image(Image.open(io.BytesIO(reply.body())))
        texts.append(code)
    # and what the screen shows at this moment is one of them
    (on_screen,) = decode_qr_image(Image.open(io.BytesIO(img.screenshot())))
    assert on_screen in texts
    return texts


def test_send_hand_over_scan_the_signed_back_broadcast_and_confirm(
    web: Client, regtest_node: RegtestNode, shots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from signer.chains.scanning import new_assembler
    from signer.transport.frames import encode_frames

    for name, kind in (("savings", "btc-84"), ("other", "btc-86")):
        form = {"name": name, "network": "regtest", "node": regtest_node.cbf_url, "paste": ur_export(kind)}
        assert web.post_form("/import", form).status == 303
    regtest_node.mine(1, account("btc-86").address(0, 0))
    regtest_node.mine(1, account("btc-84").address(0, 0))
    regtest_node.mine(COINBASE_MATURITY)  # both coinbases spendable in the next block
    for name in ("savings", "other"):
        assert web.request("POST", f"/wallet/{name}/sync").status == 303
    to = regtest_node.miner()

    with browser(web, []) as page:
        page.goto(web.server.origin + "/wallet/savings")  # type: ignore[attr-defined]
        first_coin = page.locator("#utxos input[name=utxo]").first  # type: ignore[attr-defined]
        coin = first_coin.get_attribute("value")
        first_coin.check()
        page.fill("#send-to", to)  # type: ignore[attr-defined]
        page.fill("#send-amount", str(AMOUNT))  # type: ignore[attr-defined]
        page.fill("#send-fee-rate", "4")  # type: ignore[attr-defined]
        page.click("#send")  # type: ignore[attr-defined]
        page.wait_for_url(re.compile(r".*/wallet/savings/send/[0-9a-f]{64}$"))  # type: ignore[attr-defined]
        txid = page.url.rsplit("/", 1)[1]  # type: ignore[attr-defined]
        outputs = " ".join(page.inner_text("#review-outputs").split())  # type: ignore[attr-defined]
        assert f"Send 0.25000000 BTC {to}" in outputs
        assert f"{account().address(1, 0)} m/84h/1h/0h/1/0" in outputs
        assert "(4.0 sat/vB" in page.inner_text("#review-fee")  # type: ignore[attr-defined]
        assert page.inner_text("#review-inputs").startswith(coin)  # coin control  # type: ignore[attr-defined]
        page.locator("#review").screenshot(path=str(shots / "send-review.png"))  # type: ignore[attr-defined]
        page.select_option("#qr-density", "0")  # the page reloads with sparser frames  # type: ignore[attr-defined]
        page.wait_for_url("**density=0**")  # type: ignore[attr-defined]
        page.wait_for_function("document.getElementById('handover-qr').dataset.shown !== undefined")  # type: ignore[attr-defined]
        page.locator("#handover").screenshot(path=str(shots / "send-handover.png"))  # type: ignore[attr-defined]
        texts = shown_frames(page)
    assert len(texts) > 1 and all(t.startswith(b"UR:CRYPTO-PSBT/") for t in texts)

    # the device: it scans the frames, signs, and shows the signed PSBT at its default density
    scanned = tmp_path / "scanned.txt"
    scanned.write_text("\n".join(t.decode() for t in texts) + "\n")
    reply = airlock_sign(capsys, tmp_path, scanned).split()
    assembler = new_assembler()
    for part in reply:
        assembler.add(part)
    assert assembler.is_complete and str(assembler.result.kind) == "psbt"
    device_frames = encode_frames(bytes(assembler.result.data), format="ur", ur_type="crypto-psbt")
    video = tmp_path / "signed.y4m"
    assert qr_video(video, device_frames) > 1

    with browser(web, camera_args(video)) as page:
        page.goto(f"{web.server.origin}/wallet/savings/send/{txid}")  # type: ignore[attr-defined]
        page.click("#signed-camera-start")  # type: ignore[attr-defined]
        page.wait_for_url(f"**/wallet/savings/signed/{txid}")  # type: ignore[attr-defined]
        assert page.get_attribute("#signed-state", "data-ready") == "1"  # type: ignore[attr-defined]
        assert txid not in regtest_node.rpc.call("getrawmempool")
        shot(page, shots, "send-signed")
        page.click("#broadcast")  # type: ignore[attr-defined]
        page.wait_for_url(f"**/wallet/savings/tx/{txid}?sent=1")  # type: ignore[attr-defined]
        assert txid in regtest_node.rpc.call("getrawmempool")
        assert page.get_attribute("#tx-state", "data-state") == "pending"  # type: ignore[attr-defined]
        shot(page, shots, "send-broadcast")
        regtest_node.mine(1)
        page.wait_for_selector("#tx-state[data-state='confirmed']")  # type: ignore[attr-defined]
        height = regtest_node.height()
        assert page.inner_text("#tx-state") == f"Confirmed in block {height}."  # type: ignore[attr-defined]
        assert regtest_node.raw_transaction(txid)["confirmations"] == 1
        shot(page, shots, "send-confirmed")

        # a signed PSBT of another wallet, pasted on this wallet's page: refused, nothing broadcast
        page.goto(f"{web.server.origin}/wallet/other")  # type: ignore[attr-defined]
        page.fill("#send-to", to)  # type: ignore[attr-defined]
        page.fill("#send-amount", "40000")  # type: ignore[attr-defined]
        page.click("#send")  # type: ignore[attr-defined]
        page.wait_for_url("**/wallet/other/send/*")  # type: ignore[attr-defined]
        other = tmp_path / "other.psbt"
        other.write_bytes(page.request.get(page.url + "/unsigned.psbt").body())  # type: ignore[attr-defined]
        signed_other = base64.b64decode(airlock_sign(capsys, tmp_path, other, "--format", "base64"))
        mempool = set(regtest_node.rpc.call("getrawmempool"))
        page.goto(f"{web.server.origin}/wallet/savings")  # type: ignore[attr-defined]
        page.fill("#signed-paste", base64.b64encode(signed_other).decode())  # type: ignore[attr-defined]
        page.click("#signed-add")  # type: ignore[attr-defined]
        error = page.inner_text("#error")  # type: ignore[attr-defined]
        assert error.startswith("Not accepted: ") and "not from the wallet savings" in error
        assert page.locator("#broadcast").count() == 0  # type: ignore[attr-defined]
        assert set(regtest_node.rpc.call("getrawmempool")) == mempool
        shot(page, shots, "send-refused")
