"""A registered multisig wallet imported through the web page's import form: its descriptor pasted, its
BSMS or Coldcard file uploaded, or its registration QR (ur:crypto-output, as ``btc multisig create``
shows it) scanned frame by frame through the camera endpoint. Each gives the wallet page the first
receive address the devices compute; a wallet the device would not register is refused, nothing written.
"""

from __future__ import annotations

import io

import pytest
from companion_cli import snapshot
from device_exports import json_export
from test_companion_multisig import MNEMONICS, _files
from test_web_pages import fields, post_frame, shown_address, start_scan
from web_client import Client, web_fixture  # noqa: F401


def first_address(descriptor: str) -> str:
    from signer.btc.multisig import parse_descriptor

    return str(parse_descriptor(descriptor).address(0, 0, "regtest"))


@pytest.mark.parametrize("script", ["p2wsh", "p2sh-p2wsh"])
def test_a_multisig_wallet_imports_by_paste_and_by_file(web: Client, script: str) -> None:
    files = _files(script)
    expected = first_address(files["descriptor"])
    reply = web.post_form("/import", fields(f"paste-{script}", paste=files["descriptor"]))
    assert reply.status == 303, reply.text
    assert shown_address(web.get(f"/wallet/paste-{script}").text) == expected
    for kind in ("bsms", "coldcard"):
        name = f"{kind}-{script}"
        reply = web.post_form("/import", fields(name), {"file": files[kind].encode()})
        assert reply.status == 303, reply.text
        page = web.get(f"/wallet/{name}").text
        assert shown_address(page) == expected


def test_a_multisig_wallet_imports_from_its_registration_qr_scanned_by_the_camera(web: Client) -> None:
    from companion.btc.multisig_create import build, read_cosigner, registration_frames

    keys = [read_cosigner(json_export("btc-48-2", mnemonic=m).encode(), "regtest", "wsh", "export")
            for m in MNEMONICS]  # fmt: skip
    frames = registration_frames(build("family", 2, keys, "wsh"), "ur", 1)
    scan_id = start_scan(web)
    reports = []
    for n in range(len(frames.texts)):
        out = io.BytesIO()
        frames.image(n).save(out, format="PNG")
        reports.append(post_frame(web, scan_id, out.getvalue()))
    assert reports[-1]["done"] is True and reports[-1]["error"] is None, reports[-1]
    reply = web.post_form("/import", fields("family", scan=scan_id))
    assert reply.status == 303, reply.text
    assert shown_address(web.get("/wallet/family").text) == first_address(_files("p2wsh")["descriptor"])


def test_a_multisig_wallet_the_device_would_not_register_is_refused_and_nothing_written(web: Client) -> None:
    text = _files("p2wsh")["descriptor"]
    before = snapshot(web.server_datadir)
    for paste, message in (
        (text.split("#")[0].replace("sortedmulti(", "multi("), "only sortedmulti() (BIP-67) wallets"),
        (text[:-2] + "qq", "checksum"),
    ):
        reply = web.post_form("/import", fields("bad", paste=paste))
        assert reply.status == 400 and message in reply.text, reply.text
        assert snapshot(web.server_datadir) == before
