"""The web app's HTML, rendered on the server: every value is escaped here, nothing is inlined as code.

The pages load only ``/static/app.js`` and ``/static/style.css`` (the CSP allows nothing else). They
work without the script too, except the camera.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from companion.btc.service import ReceiveAddress
    from companion.btc.wallets import Status, WalletRecord

NETWORK_NAMES = {"main": "Bitcoin", "test": "Testnet", "signet": "Signet", "regtest": "Regtest"}


def layout(title: str, body: str, *, message: str = "", error: str = "") -> str:
    notes = ""
    if error:
        notes += f'<p class="error" role="alert" id="error">{escape(error)}</p>'
    if message:
        notes += f'<p class="message" role="status" id="message">{escape(message)}</p>'
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Airlock companion</title>"
        '<link rel="stylesheet" href="/static/style.css">'
        '<script src="/static/app.js" defer></script></head><body>'
        '<header><a href="/" class="brand">Airlock companion</a>'
        '<nav><a href="/">Wallets</a> <a href="/import">Import a wallet</a> '
        '<a href="/multisig/new" id="nav-multisig">New multisig wallet</a> '
        '<a href="/eth/import" id="nav-eth-import">Import an Ethereum account</a></nav></header>'
        f"<main><h1>{escape(title)}</h1>{notes}{body}</main></body></html>\n"
    )


def wallets_page(rows: list[tuple[WalletRecord, Status | None]], extra: str = "") -> str:
    """``extra``: the Ethereum accounts (companion.web.eth_pages), already rendered."""
    if not rows:
        body = (
            "<p>No wallets yet. Show your Airlock's account export (Export, then the account) "
            'and <a href="/import">import it</a>.</p>'
        )
        return layout("Wallets", body + extra)
    items = "".join(
        f'<tr><td><a href="{_wallet_url(record.name)}">{escape(record.name)}</a></td>'
        f"<td>{escape(NETWORK_NAMES.get(record.network, record.network))}</td>"
        f"<td>{escape(record.account_path)}</td><td>{_balance_cell(status)}</td></tr>"
        for record, status in rows
    )
    body = (
        '<table class="wallets"><thead><tr><th>Name</th><th>Network</th><th>Account</th>'
        f"<th>Balance</th></tr></thead><tbody>{items}</tbody></table>"
    )
    return layout("Wallets", body + extra)


@dataclass(frozen=True)
class ImportForm:
    """What the person typed, kept when the import fails so that nothing has to be entered again."""

    name: str = ""
    network: str = "main"
    node: str = ""
    paste: str = ""
    scan: str = ""
    xpub: str = ""  # or the account's extended key, its master fingerprint and path, typed apart
    fingerprint: str = ""
    path: str = ""

    @property
    def has_key_fields(self) -> bool:
        return bool(self.xpub or self.fingerprint or self.path)


def camera_section(scan: str = "", *, prefix: str = "", label: str = "Scan with the camera") -> str:
    """A form's camera: ``app.js`` finds it by its ``prefix``-ed ids and puts the scan's id in ``scan``."""
    return f"""<section class="camera" id="{prefix}camera">
<button type="button" id="{prefix}camera-start">{escape(label)}</button>
<video id="{prefix}camera-video" autoplay muted playsinline hidden></video>
<progress id="{prefix}camera-progress" max="1" value="0" hidden></progress>
<p id="{prefix}camera-status" role="status"></p>
<input type="hidden" name="scan" id="{prefix}scan" value="{escape(scan)}">
</section>"""


def import_page(form: ImportForm, *, error: str = "") -> str:
    options = "".join(
        f'<option value="{key}"{" selected" if key == form.network else ""}>{escape(label)}</option>'
        for key, label in NETWORK_NAMES.items()
    )
    body = f"""
<p>Import an account your Airlock exports (Export, then the account): scan its QR code with this
computer's camera, paste its text, or choose the file you saved. Only public keys come to this
computer.</p>
<form method="post" action="/import" enctype="multipart/form-data" id="import-form">
<label>Name <input name="name" id="name" required maxlength="64" value="{escape(form.name)}"
 placeholder="savings"></label>
<label>Network <select name="network" id="network">{options}</select></label>
<label>Node <input name="node" id="node" required value="{escape(form.node)}"
 placeholder="cbf://127.0.0.1:8333 or bitcoind://user:password@127.0.0.1:8332"></label>
<fieldset><legend>The export: one of these</legend>
{camera_section(form.scan)}
<label>Paste <textarea name="paste" id="paste" rows="4"
 placeholder="UR:CRYPTO-ACCOUNT/..., a descriptor, the JSON export or [fingerprint/path]xpub..."
>{escape(form.paste)}</textarea></label>
<label>File <input type="file" name="file" id="file"></label>
<fieldset id="key-fields"><legend>Or the account's key, as the device shows it</legend>
<label>Extended public key <input name="xpub" id="xpub" value="{escape(form.xpub)}" autocomplete="off"
 spellcheck="false" placeholder="xpub..., ypub..., zpub... (tpub, upub, vpub on test networks)"></label>
<label>Master fingerprint <input name="fingerprint" id="fingerprint" value="{escape(form.fingerprint)}"
 autocomplete="off" placeholder="73c5da0a"></label>
<label>Derivation path <input name="path" id="path" value="{escape(form.path)}" autocomplete="off"
 placeholder="m/84h/0h/0h"></label>
</fieldset>
</fieldset>
<button type="submit" id="import">Import</button>
</form>"""
    return layout("Import a wallet", body, error=error)


def wallet_page(
    record: WalletRecord,
    status: Status | None,
    receive: ReceiveAddress | None,
    *,
    message: str = "",
    error: str = "",
    extra: str = "",
    receive_label: str = "",
) -> str:
    """``extra``: the sending sections (companion.web.send_pages), already rendered."""
    from companion.btc.node_url import parse_node_url

    url = _wallet_url(record.name)
    node = parse_node_url(record.node)  # shown without its password
    if status is None:
        balance = '<p id="balance">Not synced yet: press Sync to read the balance from your node.</p>'
    else:
        balance = (
            f'<dl id="balance"><dt>Confirmed</dt><dd id="confirmed">{_btc(status.confirmed)}</dd>'
            f'<dt>Pending</dt><dd id="pending">{_btc(status.pending)}</dd>'
            f"<dt>As of</dt><dd>block {status.height}</dd></dl>"
            '<p class="hint">Pending: not yet in a block, or newly mined coins not yet spendable.</p>'
        )
    body = (
        f'<p class="facts">{escape(NETWORK_NAMES.get(record.network, record.network))} · '
        f"{escape(record.account_path)} · node {escape(node.scheme)}://{escape(node.where)}</p>"
        f"<section><h2>Balance</h2>{balance}"
        f'<form method="post" action="{url}/sync">'
        '<button type="submit" id="sync">Sync</button></form></section>'
    )
    if receive is not None:
        body += _receive_section(url, receive, receive_label)
    return layout(record.name, body + extra, message=message, error=error)


def _receive_section(url: str, receive: ReceiveAddress, label: str) -> str:
    qr = f"{url}/address/{receive.index}"
    stale = (
        ""
        if receive.synced
        else '<p class="hint">Sync first: until then this address may already have been used.</p>'
    )
    return f"""
<section><h2>Receive</h2>
<p>Give this address to the person paying you. A new one shows here once this one has been used.</p>
<p class="address" id="address">{escape(_grouped(receive.address))}</p>
<p class="facts" id="path">{escape(receive.path)}</p>{stale}
<p class="inline-label">Label (who will pay, what for): {label_input(f"addr:{receive.address}", label)}</p>
{label_form(url, f"addr:{receive.address}")}
<img class="qr" id="receive-qr" src="{qr}/receive.png" alt="QR code of the payment address">
<details id="verify"><summary>Verify on device</summary>
<p>On your Airlock choose Scan and point it at this code. It tells you whether the address belongs
to your seed, and where. Only give out an address your Airlock recognises.</p>
<img class="qr" id="verify-qr" src="{qr}/verify.png" alt="QR code of the address for the Airlock">
</details></section>"""


def _balance_cell(status: Status | None) -> str:
    return "not synced" if status is None else f"{_btc(status.confirmed)} (+{_btc(status.pending)} pending)"


def _btc(sats: int) -> str:
    return f"{sats // 100_000_000:,}.{sats % 100_000_000:08d} BTC"


def _grouped(address: str) -> str:
    return " ".join(address[i : i + 4] for i in range(0, len(address), 4))


def _wallet_url(name: str) -> str:
    return "/wallet/" + quote(name, safe="")


def label_input(ref: str, label: str) -> str:
    """A label's text field and its Save button, sent with the form ``label_form(ref)`` (placed outside
    any other form: forms do not nest)."""
    key = _label_key(ref)
    return (
        f'<input name="label" form="label-form-{key}" id="label-{key}" value="{escape(label)}"'
        f' maxlength="255" autocomplete="off" aria-label="label" class="label">'
        f'<button type="submit" form="label-form-{key}" id="label-save-{key}">Save</button>'
    )


def label_form(url: str, ref: str) -> str:
    return (
        f'<form method="post" action="{url}/label" id="label-form-{_label_key(ref)}" hidden>'
        f'<input type="hidden" name="ref" value="{escape(ref)}"></form>'
    )


def _label_key(ref: str) -> str:
    """An element id for a BIP-329 reference: ``tx-TXID``, ``output-TXID-N``, ``addr-ADDRESS``."""
    return escape(ref.replace(":", "-"))
