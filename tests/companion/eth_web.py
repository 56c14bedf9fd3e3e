"""What the Ethereum page tests share: the account export the device shows, the page's forms sent as a
browser sends them, and the device's side played by ``airlock sign`` in process (test mnemonic).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import ABANDON, INPUTS_DIR
from web_client import Client, Reply

from companion.datadir import open_datadir
from companion.web.server import WebServer
from signer.eth.export import account_hdkey_ur, ledger_live_account_ur
from signer.keys.bip39 import mnemonic_to_seed


def hdkey_export() -> str:
    """``ur:crypto-hdkey`` of m/44'/60'/0' of the test mnemonic, as the device's Export shows it."""
    return account_hdkey_ur(mnemonic_to_seed(ABANDON)).upper() + "\n"


def ledger_export() -> str:
    return ledger_live_account_ur(mnemonic_to_seed(ABANDON)).upper() + "\n"


def import_account(web: Client, name: str, rpc: str, export: str | None = None) -> Reply:
    return web.post_form("/eth/import", {"name": name, "rpc": rpc, "paste": export or hdkey_export()})


@contextmanager
def serving_account(folder: Path, rpc: str) -> Iterator[Client]:
    """A page server on a new datadir in ``folder``, the test account imported as "main" (node ``rpc``)."""
    server = WebServer(open_datadir(folder / "companion"))
    server.start()
    try:
        web = Client(server)
        web.server_datadir = folder / "companion"
        assert location(import_account(web, "main", rpc)) == "/eth/main?imported=1"
        yield web
    finally:
        server.stop()


def post(web: Client, path: str, fields: list[tuple[str, str]] | dict[str, str]) -> Reply:
    """An url-encoded form, as a browser sends a form without files."""
    body = urlencode(list(fields.items()) if isinstance(fields, dict) else fields).encode()
    return web.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})


def location(reply: Reply) -> str:
    assert reply.status == 303, reply.text[:2000]
    return reply.headers["location"]


def element(page: str, element_id: str) -> str:
    """The text inside the element ``id`` (tags stripped, spaces collapsed)."""
    match = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no #{element_id} in the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def attribute(page: str, element_id: str, name: str) -> str:
    match = re.search(rf'<[^>]* id="{element_id}"[^>]*>', page)
    assert match, f"no #{element_id} in the page"
    value = re.search(rf'{name}="([^"]*)"', match.group(0))
    assert value, f"#{element_id} has no {name}"
    return unescape(value.group(1))


def warning_codes(page: str) -> list[str]:
    """The codes of the review's warnings, as the page lists them."""
    return re.findall(r'<li class="severity-[a-z]+" data-code="([a-z0-9-]+)">', page)


def words_file(tmp_path: Path) -> Path:
    words = tmp_path / INPUTS_DIR / "words.txt"
    if not words.exists():
        words.parent.mkdir(parents=True, exist_ok=True)
        words.write_text(ABANDON + "\n")
    return words


def airlock_sign(capsys: pytest.CaptureFixture[str], tmp_path: Path, request_text: str, *extra: str) -> str:
    """The device: ``airlock sign`` of the request's UR parts; its eth-signature UR parts, one a line."""
    from signer.cli import main as airlock

    request = tmp_path / "request.txt"
    request.write_text(request_text)
    capsys.readouterr()
    status = airlock(["sign", str(request), "--mnemonic-file", str(words_file(tmp_path)), *extra])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.upper().startswith("UR:ETH-SIGNATURE/"), out
    return out
