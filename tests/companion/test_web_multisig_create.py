"""A new multisig wallet made on the web page: three cosigners added (pasted, uploaded, scanned through the
camera endpoint), the policy and first address shown before Create, the wallet created as ``btc multisig
create`` makes it, and its registration QR frames, fetched from the page and decoded, registered by the
device's own code for each of the three seeds. Every refusal keeps the form and writes nothing."""

from __future__ import annotations

import io
import re
import uuid
from html import unescape
from pathlib import Path

import pytest
from btc.multisig_files import cosigner
from companion_cli import run, snapshot
from conftest import ABANDON, LEGAL, ZOO24
from device_exports import json_export, ur_export
from test_companion_multisig import MNEMONICS, NODE, PRIVATE, wallet_from_device_code
from test_web_pages import post_frame, start_scan
from web_client import Client, Reply, web_fixture  # noqa: F401

from companion.btc.wallets import Wallets

FORM = {"name": "family", "network": "regtest", "node": NODE, "threshold": "2", "script": "wsh"}


def post(web: Client, fields: list[tuple[str, str]], file: bytes | None = None) -> Reply:
    """The new-multisig form as a browser sends it (its repeated hidden ``cosigner`` fields too)."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields]  # fmt: skip
    if file is not None:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="key.txt"\r\n'
        parts.append(head.encode() + b"Content-Type: text/plain\r\n\r\n" + file + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return web.request("POST", "/multisig/new", body, headers)


def kept(page: str) -> list[str]:
    """The cosigners' exports the page carries in its form (what the next step sends back)."""
    return [unescape(v) for v in re.findall(r'<input type="hidden" name="cosigner" value="([^"]*)">', page)]


def step(web: Client, page: str, *, file: bytes | None = None, **given: str) -> Reply:
    """The next button press on ``page``: the form's fields, its cosigners, and what ``given`` sets."""
    fields = [*({**FORM, **given}.items())]
    return post(web, fields + [("cosigner", c) for c in kept(page)], file)


def error_of(page: str) -> str:
    match = re.search(r'id="error">([^<]*)<', page)
    assert match, page
    return unescape(match.group(1))


def camera_scan(web: Client, qr_text: str) -> str:
    """A device's QR code shown to the camera endpoint; the finished scan's id."""
    from signer.transport.frames import render_qr

    scan_id = start_scan(web)
    out = io.BytesIO()
    render_qr(qr_text, ecc="M", module_px=4, quiet_zone=4).save(out, format="PNG")
    report = post_frame(web, scan_id, out.getvalue())
    assert report["done"] is True and report["error"] is None, report
    return scan_id


def three_cosigners(web: Client) -> str:
    """ABANDON's JSON export pasted, LEGAL's ur:crypto-account through the camera, ZOO24's key text
    uploaded: the page after the third."""
    page = web.get("/multisig/new").text
    reply = step(web, page, action="add", paste=json_export("btc-48-2", mnemonic=ABANDON))
    assert reply.status == 200 and "Added cosigner 1." in reply.text, reply.text
    reply = step(web, reply.text, action="add", scan=camera_scan(web, ur_export("btc-48-2", mnemonic=LEGAL)))
    assert reply.status == 200 and "Added cosigner 2." in reply.text, reply.text
    reply = step(web, reply.text, action="add", file=f"{cosigner(ZOO24).expression()}\n".encode())
    assert reply.status == 200 and "Added cosigner 3." in reply.text, reply.text
    return reply.text


def test_three_cosigners_added_show_their_keys_the_policy_and_the_first_address(web: Client) -> None:
    from test_companion_multisig import _files

    from signer.btc.multisig import parse_descriptor

    page = three_cosigners(web)
    assert len(kept(page)) == 3
    for mnemonic in MNEMONICS:  # fingerprint, path and key in full
        key = cosigner(mnemonic)
        row = re.search(rf'<tr id="cosigner-\d">(?:(?!</tr>).)*{key.fingerprint}(?:(?!</tr>).)*</tr>', page)
        assert row, page
        assert ">m/48h/1h/0h/2h<" in row.group(0) and f">{key.xpub}<" in row.group(0)
    expected = parse_descriptor(_files("p2wsh")["descriptor"]).address(0, 0, "regtest")
    assert 'data-ready="1"' in page and "2 of 3: any 2 of these 3 devices" in page
    shown = re.search(r'id="policy-address">([^<]+)<', page)
    assert shown and shown.group(1).replace(" ", "") == expected
    # removing one keeps the others, and the policy waits for a valid threshold again
    reply = step(web, page, remove="1", threshold="3")
    assert reply.status == 200 and len(kept(reply.text)) == 2
    assert "threshold must be 1 to 2" in reply.text and 'data-ready="0"' in reply.text


@pytest.mark.parametrize("fmt", ["ur", "bbqr"])
def test_created_wallet_is_the_commands_and_its_registration_frames_register_on_every_device(
    web: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    from companion.btc.handover import write_frames
    from companion.btc.multisig_create import build, read_cosigner, registration_frames
    from signer.btc.multisig import parse_descriptor
    from signer.btc.multisig_formats.bsms import parse_bsms
    from signer.transport.frames import decode_qr_image
    from signer.transport.images import open_gray

    page = three_cosigners(web)
    reply = step(web, page, action="create")
    assert reply.status == 303 and reply.headers["location"] == "/wallet/family/registration?created=1"
    # the same wallet as `btc multisig create` makes of the same three exports
    exports = [tmp_path / f"{n}.txt" for n in range(3)]
    for path, text in zip(exports, kept(page), strict=True):
        path.write_text(text)
    made = run(capsys, tmp_path / "cli", "btc", "multisig", "create", "family", "--threshold", "2",
               *map(str, exports), "--network", "regtest", "--node", NODE, "--json")  # fmt: skip
    assert made.status == 0, made.err
    ours, theirs = Wallets(web.server_datadir).load("family"), Wallets(tmp_path / "cli").load("family")
    assert (ours.descriptor, ours.change_descriptor) == (theirs.descriptor, theirs.change_descriptor)
    descriptor = made.json()["descriptor"]
    # the registration page: its frames, each decoded as a device's camera reads it
    page = web.get(f"/wallet/family/registration?format={fmt}&density=1&speed=250")
    assert page.status == 200, page.text
    found = re.search(r'id="registration-qr"[^>]*data-count="(\d+)"', page.text, re.S)
    assert found, page.text
    frame = "/wallet/family/registration/frame/{}.png?format=" + fmt + "&density=1"
    pngs = [web.get(frame.format(n)) for n in range(int(found.group(1)))]
    assert all(p.status == 200 and p.headers["content-type"] == "image/png" for p in pngs)
    texts = [decode_qr_image(open_gray(p.body))[0].decode() for p in pngs]
    assert all(t.startswith("UR:CRYPTO-OUTPUT/" if fmt == "ur" else "B$") for t in texts)
    for mnemonic in MNEMONICS:
        assert wallet_from_device_code(texts, mnemonic).descriptor == descriptor  # type: ignore[attr-defined]
    # the very frames --qr-dir writes, pixel for pixel
    keys = [read_cosigner(t.encode(), "regtest", "wsh", "x") for t in kept(three_cosigners(web))]
    written = write_frames(tmp_path / "qr", registration_frames(build("family", 2, keys, "wsh"), fmt, 1))
    assert [p.read_bytes() for p in written] == [p.body for p in pngs]
    assert 'href="/wallet/family/registration" id="show-registration"' in web.get("/wallet/family").text
    # the files
    assert web.get("/wallet/family/registration/descriptor.txt").text.strip() == descriptor
    bsms = web.get("/wallet/family/registration/bsms.txt").text
    assert parse_bsms(bsms).descriptor == descriptor == parse_descriptor(descriptor).descriptor
    assert bsms.splitlines()[3] == made.json()["first_address"]


def _paste(kind: str = "btc-48-2", network: str = "regtest", mnemonic: str = LEGAL) -> dict[str, str]:
    return {"action": "add", "paste": json_export(kind, network=network, mnemonic=mnemonic)}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (_paste(mnemonic=ABANDON), "this key is already cosigner 1: each key is given once"),
        (_paste("btc-48-1"), "cosigner 2: the key was exported for sh-wsh wallets, not wsh"),
        (_paste(network="main"), "cosigner 2: the export is for the main network, not regtest"),
        (_paste("btc-84"), "cosigner 2: a btc-84 account is not a multisig key"),
        ({"action": "add", "paste": PRIVATE}, "cosigner 2: it holds a private key"),
        ({"action": "add"}, "give the cosigner's key: scan it, paste it, or choose its file"),
        ({"action": "create"}, "a multisig wallet needs at least 2 cosigners, got 1"),
    ],
)
def test_a_refused_cosigner_keeps_the_form_and_writes_nothing(
    web: Client, given: dict[str, str], message: str
) -> None:
    start = web.get("/multisig/new").text
    first = step(web, start, action="add", paste=json_export("btc-48-2", mnemonic=ABANDON))
    before = snapshot(web.server_datadir)
    reply = step(web, first.text, **given)
    assert reply.status == 400, reply.text
    assert message in error_of(reply.text) and "\n" not in error_of(reply.text)
    assert kept(reply.text) == kept(first.text)  # the cosigner so far is kept
    assert 'value="family"' in reply.text and f'value="{NODE}"' in reply.text
    if given.get("paste") == PRIVATE:  # a private key pasted by mistake is never shown back
        assert PRIVATE.strip() not in reply.text
    assert snapshot(web.server_datadir) == before


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"threshold": "4"}, "the threshold must be 1 to 3 (the number of cosigners), not 4"),
        ({"threshold": "0"}, "the threshold must be 1 to 3"),
        ({"threshold": "two"}, "the threshold is a whole number of signatures, not 'two'"),
        ({"name": "../x"}, "Not created"),
        ({"node": "http://x"}, "Not created"),
        ({"script": "sh-wsh"}, "the key was exported for wsh wallets, not sh-wsh"),
    ],
)
def test_create_refused_keeps_the_three_cosigners_and_writes_nothing(
    web: Client, given: dict[str, str], message: str
) -> None:
    page = three_cosigners(web)
    before = snapshot(web.server_datadir)
    reply = step(web, page, action="create", **given)
    assert reply.status == 400, reply.text
    assert message in error_of(reply.text) and "\n" not in error_of(reply.text)
    assert kept(reply.text) == kept(page)
    assert snapshot(web.server_datadir) == before


def test_a_second_wallet_of_the_same_name_is_refused(web: Client) -> None:
    page = three_cosigners(web)
    assert step(web, page, action="create").status == 303
    before = snapshot(web.server_datadir)
    reply = step(web, page, action="create")
    assert reply.status == 400 and "a wallet named family already exists" in error_of(reply.text)
    assert snapshot(web.server_datadir) == before


def test_a_single_sig_wallet_has_no_registration_page(web: Client) -> None:
    from test_web_pages import fields

    assert web.post_form("/import", fields("single", paste=ur_export())).status == 303
    reply = web.get("/wallet/single/registration")
    assert reply.status == 404 and "the wallet single is not a multisig wallet" in reply.text
    assert web.get("/wallet/nobody/registration/bsms.txt").status == 404
    assert "show-registration" not in web.get("/wallet/single").text
