"""The web page's wallets: import by paste, file and camera scan, the wallet page, its QR codes.

The QR codes the page shows are read back with the signer's reader and assembler, and the address is
looked up by the device's own address check (``signer.address_lookup``) in the test mnemonic's seed.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from companion_cli import snapshot
from conftest import ABANDON
from device_exports import account, descriptor_export, json_export, ur_export
from web_client import Client, web_fixture  # noqa: F401

from signer.address_lookup import SeedToSearch, check, parse_address_query
from signer.chains.scanning import new_assembler
from signer.keys.accounts import AccountSpec
from signer.keys.bip39 import mnemonic_to_seed
from signer.transport.frames import decode_qr_image, encode_frames, render_qr
from signer.transport.ur import decode_single

NODE = "cbf://127.0.0.1:18444"


def fields(name: str = "savings", **changes: str) -> dict[str, str]:
    return {"name": name, "network": "regtest", "node": NODE, "paste": "", "scan": "", **changes}


def shown_address(page: str) -> str:
    match = re.search(r'id="address">([^<]+)<', page)
    assert match, page
    return unescape(match.group(1)).replace(" ", "")


def qr_text(web: Client, path: str) -> str:
    from PIL import Image

    reply = web.get(path)
    assert reply.status == 200 and reply.headers["content-type"] == "image/png"
    codes = decode_qr_image(Image.open(io.BytesIO(reply.body)))
    assert len(codes) == 1
    return codes[0].decode()


def key_fields(kind: str = "btc-84", network: str = "regtest", **changes: str) -> dict[str, str]:
    """The page's three key fields, filled from what ``airlock account show`` prints for the account."""
    shown = account(kind, network)
    typed = {"xpub": shown.slip132 or shown.xpub, "fingerprint": shown.fingerprint, "path": shown.path}
    return {**typed, **changes}


@pytest.mark.parametrize("export", [ur_export, json_export, descriptor_export])
def test_a_pasted_export_becomes_a_wallet_with_the_devices_first_address(web: Client, export: object) -> None:
    reply = web.post_form("/import", fields(paste=export()))  # type: ignore[operator]
    assert reply.status == 303, reply.text
    assert reply.headers["location"] == "/wallet/savings?imported=1"
    page = web.get("/wallet/savings?imported=1")
    assert page.status == 200
    assert shown_address(page.text) == account().address(0, 0)
    assert "m/84h/1h/0h/0/0" in page.text and "Imported" in page.text
    assert "Not synced yet" in page.text
    home = web.get("/")
    assert 'href="/wallet/savings"' in home.text and "Regtest" in home.text


def test_an_uploaded_export_file_becomes_a_wallet(web: Client) -> None:
    reply = web.post_form("/import", fields(), files={"file": ur_export().encode()})
    assert reply.status == 303, reply.text
    assert shown_address(web.get("/wallet/savings").text) == account().address(0, 0)


@pytest.mark.parametrize(
    ("form", "files", "message"),
    [
        (fields(paste="UR:CRYPTO-ACCOUNT/NOTAUR"), None, "the UR is not readable"),
        (fields(paste=ur_export(network="main")), None, "not regtest"),
        (fields(), None, "give the export"),
        (fields(paste=ur_export()), {"file": ur_export().encode()}, "one way only"),
        (fields(name="../evil", paste=ur_export()), None, "wallet name"),
        (fields(node="http://example.org", paste=ur_export()), None, "node URL"),
        (
            fields(
                paste="xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
            ),
            None,
            "private key",
        ),
        (fields(scan="no-such-scan"), None, "expired"),
        (fields(**key_fields(fingerprint="")), None, "the master fingerprint is missing"),
        (fields(**key_fields(path="")), None, "the derivation path is missing"),
        (fields(**key_fields(xpub="")), None, "the extended public key is missing"),
        (fields(**key_fields(path="m/44h/1h/0h")), None, "a vpub key is for native segwit accounts (m/84h)"),
        (fields(**key_fields(path="m/84h/1h/0h/0")), None, "3 steps from the master key but the path"),
        (fields(**key_fields(path="m/48h/1h/0h/2h")), None, "multisig cosigner key"),
        (fields(network="main", **key_fields()), None, "the key is for a test network, not main"),
        (fields(**key_fields("btc-84", "main")), None, "the key is for main network, not regtest"),
        (fields(**key_fields(xpub="tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK")),
         None, "private key"),
        (fields(paste=ur_export(), **key_fields()), None, "one way only"),
    ],
)  # fmt: skip
def test_a_bad_import_is_a_message_on_the_page_keeps_the_input_and_changes_nothing(
    web: Client, form: dict[str, str], files: dict[str, bytes] | None, message: str
) -> None:
    before = snapshot(web.server_datadir)
    reply = web.post_form("/import", form, files=files)
    assert reply.status == 400
    error = re.search(r'<p class="error" role="alert" id="error">([^<]*)</p>', reply.text)
    assert error and message in unescape(error.group(1)), reply.text
    assert f'value="{form["node"]}"' in unescape(reply.text)  # what was typed is still there
    secret = re.search(r"[xt]prv[1-9A-HJ-NP-Za-km-z]+", form["paste"] + form.get("xpub", ""))
    if secret:  # a private key typed or pasted by mistake is never shown back
        assert secret.group(0) not in reply.text
    elif form["paste"]:
        assert form["paste"] in unescape(reply.text)
    assert snapshot(web.server_datadir) == before


@pytest.mark.parametrize("kind", ["btc-84", "btc-49", "btc-44", "btc-86"])
def test_the_key_fingerprint_and_path_fields_make_the_wallet_the_ur_makes(web: Client, kind: str) -> None:
    from companion.btc.exports import read_export
    from companion.btc.wallets import Wallets

    typed = key_fields(kind, path=account(kind).path.replace("h", "'").upper(), fingerprint="73C5DA0A")
    reply = web.post_form("/import", fields(**typed))
    assert reply.status == 303, reply.text
    assert shown_address(web.get("/wallet/savings").text) == account(kind).address(0, 0)
    record = Wallets(web.server_datadir).load("savings")
    from_ur = read_export(ur_export(kind).encode(), "regtest")
    assert (record.descriptor, record.change_descriptor) == (from_ur.descriptor, from_ur.change_descriptor)


def test_a_refused_key_keeps_the_typed_fields(web: Client) -> None:
    typed = key_fields(path="m/49h/1h/0h")
    reply = web.post_form("/import", fields(**typed))
    assert reply.status == 400 and "a vpub key is for native segwit accounts" in unescape(reply.text)
    for name, value in typed.items():
        assert f'id="{name}" value="{value}"' in unescape(reply.text)


def test_an_existing_name_is_refused_and_the_wallet_kept(web: Client) -> None:
    assert web.post_form("/import", fields(paste=ur_export())).status == 303
    before = snapshot(web.server_datadir)
    reply = web.post_form("/import", fields(paste=ur_export(kind="btc-86")))
    assert reply.status == 400 and "already exists" in reply.text
    assert snapshot(web.server_datadir) == before


def test_the_receive_and_verify_codes_are_the_address_the_device_recognises(web: Client) -> None:
    assert web.post_form("/import", fields(paste=ur_export())).status == 303
    page = web.get("/wallet/savings").text
    address = shown_address(page)
    seed = SeedToSearch("test", lambda: mnemonic_to_seed(ABANDON), (AccountSpec.parse("btc-84", "regtest"),))
    for use in ("receive", "verify"):
        assert f'src="/wallet/savings/address/0/{use}.png"' in page
        text = qr_text(web, f"/wallet/savings/address/0/{use}.png")
        assembler = new_assembler()  # as the device scans: its own assembler, then its address check
        assembler.add(text)
        query = parse_address_query(assembler.result)
        assert query.address == address
        found = check(query, [seed], network="regtest")
        assert found.found, found.lines()
    assert qr_text(web, "/wallet/savings/address/0/receive.png") == "BITCOIN:" + address.upper()
    assert qr_text(web, "/wallet/savings/address/0/verify.png") == address.upper()


def test_an_unknown_wallet_or_code_is_a_clear_404(web: Client) -> None:
    reply = web.get("/wallet/nobody")
    assert reply.status == 404 and "no wallet named nobody" in reply.text
    assert web.get("/wallet/nobody/address/0/receive.png").status == 404
    assert web.post_form("/import", fields(paste=ur_export())).status == 303
    assert web.get("/wallet/savings/address/0/other.png").status == 404


def test_a_sync_that_cannot_reach_the_node_says_so_and_changes_nothing(web: Client) -> None:
    from regtest import free_ports

    (port,) = free_ports(1)
    assert web.post_form("/import", fields(paste=ur_export(), node=f"cbf://127.0.0.1:{port}")).status == 303
    before = snapshot(web.server_datadir / "btc" / "savings")
    reply = web.request("POST", "/wallet/savings/sync")
    assert reply.status == 502
    assert f"Not synced: cannot reach the node at 127.0.0.1:{port}" in unescape(reply.text)
    assert shown_address(reply.text) == account().address(0, 0)  # the page is all there, with the error
    after = snapshot(web.server_datadir / "btc" / "savings")
    assert "status.json" not in after and after.keys() == before.keys()


def device_frames(kind: str = "btc-84") -> list[bytes]:
    """The account export as the device shows it: its animated frames on the 240 px screen, as PNG."""
    frames = encode_frames(decode_single(ur_export(kind).strip().lower()))
    assert len(frames.texts) > 1, "the test needs a multi-part UR"
    pictures = []
    for text in frames.texts:
        image = render_qr(text, ecc=frames.ecc, version=frames.version, module_px=4, quiet_zone=4)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=90)
        pictures.append(out.getvalue())
    return pictures


def post_frame(web: Client, scan_id: str, data: bytes) -> dict[str, object]:
    import json

    reply = web.request("POST", f"/scan/{scan_id}/frame", data, {"Content-Type": "image/jpeg"})
    assert reply.status == 200, reply.text
    result: dict[str, object] = json.loads(reply.body)
    return result


def start_scan(web: Client) -> str:
    import json

    reply = web.request("POST", "/scan")
    assert reply.status == 200
    scan_id: str = json.loads(reply.body)["id"]
    return scan_id


def test_camera_frames_assemble_on_the_server_and_import_the_wallet(web: Client) -> None:
    scan_id = start_scan(web)
    frames = device_frames()
    reports = [post_frame(web, scan_id, frame) for frame in frames]
    assert reports[0]["done"] is False and 0 < float(reports[0]["progress"]) < 1  # type: ignore[arg-type]
    assert reports[-1]["done"] is True and reports[-1]["kind"] == "account" and reports[-1]["error"] is None
    reply = web.post_form("/import", fields(scan=scan_id))
    assert reply.status == 303, reply.text
    assert shown_address(web.get("/wallet/savings").text) == account().address(0, 0)
    # the scan was used up: the same id imports nothing more
    again = web.post_form("/import", fields(name="again", scan=scan_id))
    assert again.status == 400 and "expired" in again.text


def test_an_unfinished_scan_imports_nothing(web: Client) -> None:
    scan_id = start_scan(web)
    post_frame(web, scan_id, device_frames()[0])
    before = snapshot(web.server_datadir)
    reply = web.post_form("/import", fields(scan=scan_id))
    assert reply.status == 400 and "not finished" in reply.text
    assert snapshot(web.server_datadir) == before


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "empty"),
        (b"not a picture", "not a readable JPEG or PNG"),
        (b"GIF89a" + b"\0" * 40, "not a readable"),
    ],
)
def test_a_bad_frame_is_an_error_in_the_report_and_the_scan_goes_on(
    web: Client, data: bytes, error: str
) -> None:
    scan_id = start_scan(web)
    assert "1 of" in str(post_frame(web, scan_id, device_frames()[0])["status"])
    report = post_frame(web, scan_id, data)
    assert error in str(report["error"]) and report["done"] is False
    assert "1 of" in str(report["status"])  # what was read is kept


def test_a_seed_qr_is_never_kept(web: Client) -> None:
    from signer.transport.seedqr import encode_standard

    image = render_qr(encode_standard(ABANDON), ecc="L", module_px=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    scan_id = start_scan(web)
    report = post_frame(web, scan_id, out.getvalue())
    assert report["done"] is False and "holds a seed" in str(report["error"])
    reply = web.post_form("/import", fields(scan=scan_id))
    assert reply.status == 400 and "not finished" in reply.text


def test_an_unknown_scan_is_a_404_report(web: Client) -> None:
    reply = web.request("POST", "/scan/nothing/frame", device_frames()[0], {"Content-Type": "image/jpeg"})
    assert reply.status == 404 and b"expired" in reply.body
