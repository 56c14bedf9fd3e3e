"""The sending pages: history and coins, the send form, the device's review and the QR handover, the
signed copies coming back, the broadcast and the transaction followed to its block.

Everything shown is computed by ``companion.btc`` (the same functions as the command line); this module
only lays it out, escaping every value. Element ids are stable: the demo and the tests drive them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from companion.web.pages import _btc, _wallet_url, camera_section, label_form, label_input

if TYPE_CHECKING:
    from companion.btc.activity import Coin, HistoryRow
    from companion.btc.service import SpeedUp, TxState

DENSITIES = {0: "Sparse (easiest to read)", 1: "Normal (as the device)", 2: "Dense", 3: "Densest"}
FORMATS = {"ur": "UR (crypto-psbt)", "bbqr": "BBQr"}
SPEEDS_MS = (100, 150, 250, 400, 600)
DEFAULT_SPEED_MS = 250  # the device's camera on a Pi Zero reads a laptop screen well at 4 frames a second
OUTPUT_LABELS = {"external": "Send", "change": "Change", "self": "To yourself", "op_return": "Data"}
SEVERITY_LABELS = {"info": "Note", "warning": "Warning", "danger": "Danger"}


@dataclass(frozen=True)
class SendForm:
    """What the person typed in the send form, kept when building fails."""

    to: str = ""
    amount: str = ""
    send_max: bool = False
    fee_rate: str = "2"
    utxos: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activity:
    """A wallet's history and coins for its page, or why they cannot be shown."""

    history: list[HistoryRow] = field(default_factory=list)
    coins: list[Coin] = field(default_factory=list)
    problem: str = ""
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (BIP-329 type, ref) -> label
    speed_ups: dict[str, SpeedUp] = field(default_factory=dict)  # pending txid -> how to speed it up


@dataclass(frozen=True)
class QrOptions:
    """How the handover QR is shown: format, density, speed (chosen on the page)."""

    format: str = "ur"
    density: int = 1
    speed_ms: int = DEFAULT_SPEED_MS


def activity_sections(name: str, activity: Activity, form: SendForm, *, synced: bool) -> str:
    """History, the send form with its coins (coin control) and the signed-transaction form."""
    url = _wallet_url(name)
    if activity.problem:
        problem = f'<p class="hint" id="history">{escape(activity.problem)}</p>'
        return f'<section id="activity"><h2>History</h2>{problem}</section>'
    body = _history(url, activity)
    if synced:
        body += _send_form(url, activity.coins, form, activity.labels)
        body += (
            '<section id="signed-section"><h2>Broadcast a signed transaction</h2>'
            "<p>Bring a transaction your Airlock signed (built here or with <code>btc send</code>).</p>"
            f"{signed_form(url, '')}</section>"
        )
    return body


def _history(url: str, activity: Activity) -> str:
    rows = activity.history
    if not rows:
        return '<section id="activity"><h2>History</h2><p id="history">No transactions yet.</p></section>'
    items = "".join(
        f'<tr id="row-{escape(row.txid)}"><td class="txid" title="{escape(row.txid)}">'
        f"{escape(_short(row.txid))}</td>"
        f'<td class="amount">{_signed_btc(row.net)}</td>'
        f"<td>{'' if row.fee is None else escape(_btc(row.fee))}</td>"
        f"<td>{'pending' if row.height is None else f'block {row.height}'}"
        f"{_speed_up_form(url, row.txid, activity.speed_ups.get(row.txid))}</td>"
        f"<td>{label_input(f'tx:{row.txid}', activity.labels.get(('tx', row.txid), ''))}</td></tr>"
        for row in rows
    )
    forms = "".join(label_form(url, f"tx:{row.txid}") for row in rows)
    return (
        '<section id="activity"><h2>History</h2><table id="history" class="wallets"><thead><tr>'
        "<th>Transaction</th><th>Amount</th><th>Fee</th><th>State</th><th>Label</th></tr></thead>"
        f"<tbody>{items}</tbody></table>{forms}</section>"
    )


def _speed_up_form(url: str, txid: str, how: SpeedUp | None) -> str:
    """A pending transaction's speed-up: a new fee rate, then a replacement (RBF) or a child (CPFP)."""
    if how is None or not (how.replace or how.child):
        return ""
    buttons = ""
    if how.replace:
        buttons += (f'<button type="submit" name="how" value="replace" id="bump-{txid}">'
                    "Speed up (RBF)</button>")  # fmt: skip
    if how.child:
        buttons += (f'<button type="submit" name="how" value="child" id="cpfp-{txid}">'
                    "Speed up with a child (CPFP)</button>")  # fmt: skip
    return f"""
<form method="post" action="{url}/speed-up" class="speed-up" id="speed-up-{txid}">
<input type="hidden" name="txid" value="{txid}">
<label>New fee rate in sat/vB <input name="fee_rate" id="speed-up-rate-{txid}" inputmode="numeric" required
 autocomplete="off"></label>{buttons}</form>"""


def _coin_state(coin: Coin) -> str:
    """Where a coin came from and when it may be spent: a newly mined one says from which block."""
    where = "change" if coin.change else "received"
    if coin.immature:
        return f"{where}, newly mined: spendable from block {coin.spendable_from_height}"
    return f"{where}, {'pending' if coin.height is None else f'block {coin.height}'}"


def _send_form(url: str, coins: list[Coin], form: SendForm, labels: dict[tuple[str, str], str]) -> str:
    rows = "".join(
        f'<tr><td><input type="checkbox" name="utxo" value="{escape(c.txid)}:{c.vout}"'
        f' id="utxo-{escape(c.txid)}-{c.vout}"{_checked(f"{c.txid}:{c.vout}" in form.utxos)}'
        f"{' disabled' if c.immature else ''}></td>"
        f'<td class="amount">{escape(_btc(c.amount))}</td><td class="address">{escape(c.address)}'
        f"{_address_label(labels, c.address)}</td>"
        f"<td>{_coin_state(c)}</td>"
        f"<td>{label_input(f'output:{c.txid}:{c.vout}', labels.get(('output', f'{c.txid}:{c.vout}'), ''))}"
        "</td></tr>"
        for c in coins
    )
    coins_table = (
        '<table id="utxos" class="wallets"><thead><tr><th></th><th>Amount</th><th>Address</th><th></th>'
        f"<th>Label</th></tr></thead><tbody>{rows}</tbody></table>"
        if coins
        else '<p id="utxos">No coins to spend.</p>'
    )
    label_forms = "".join(label_form(url, f"output:{c.txid}:{c.vout}") for c in coins)
    return f"""
<section id="send-section"><h2>Send</h2>
<form method="post" action="{url}/send" id="send-form">
<label>To address <input name="to" id="send-to" required value="{escape(form.to)}"
 autocomplete="off" spellcheck="false"></label>
<label>Amount in sats <input name="amount" id="send-amount" inputmode="numeric" value="{escape(form.amount)}"
 autocomplete="off"></label>
<label class="inline"><input type="checkbox" name="max" value="1" id="send-max"{_checked(form.send_max)}>
 Send everything (the chosen coins, or the whole wallet), less the fee</label>
<label>Fee rate in sat/vB <input name="fee_rate" id="send-fee-rate" inputmode="numeric" required
 value="{escape(form.fee_rate)}"></label>
<fieldset><legend>Coins to spend (none chosen: the wallet chooses)</legend>{coins_table}</fieldset>
<p class="hint">Replace-by-fee is on: a payment stuck at a low fee can be sped up later.</p>
<button type="submit" id="send">Review</button>
</form>{label_forms}</section>"""


def _address_label(labels: dict[tuple[str, str], str], address: str) -> str:
    text = labels.get(("addr", address))
    return f'<br><span class="hint">{escape(text)}</span>' if text else ""


def labels_section(url: str) -> str:
    """Labels to and from other wallets (BIP-329, as Sparrow exports and imports them)."""
    return f"""
<section id="labels"><h2>Labels</h2>
<p>Your labels in BIP-329, the file Sparrow and other wallets import and export.</p>
<p><a href="{url}/labels.jsonl" id="labels-export" download>Download the labels (.jsonl)</a></p>
<form method="post" action="{url}/labels" enctype="multipart/form-data" id="labels-import-form">
<label>Import a label file <input type="file" name="file" id="labels-file" required></label>
<button type="submit" id="labels-import">Import labels</button></form></section>"""


def signed_form(url: str, expect: str) -> str:
    """The signed PSBT back: camera, paste or file (``expect``: the txid the page is waiting for)."""
    return f"""
<form method="post" action="{url}/signed" enctype="multipart/form-data" id="signed-form">
<input type="hidden" name="expect" value="{escape(expect)}">
{camera_section(prefix="signed-", label="Scan the signed transaction with the camera")}
<label>Or paste it <textarea name="paste" id="signed-paste" rows="3"
 placeholder="UR:CRYPTO-PSBT/... (one part a line), B$..., or base64 (cHNidP8...)"></textarea></label>
<label>Or choose its file <input type="file" name="file" id="signed-file"></label>
<button type="submit" id="signed-add">Check the signed transaction</button>
</form>"""


def review_section(review: Any, title: str = "What your Airlock will show") -> str:
    """The device's review of a PSBT (``signer.chains.contract.Review``), every address in full."""
    data = review.to_json()
    outputs = "".join(
        f'<tr class="out-{escape(str(o["kind"]))}">'
        f'<td>{escape(OUTPUT_LABELS.get(str(o["kind"]), str(o["kind"])))}</td>'
        f'<td class="amount">{escape(_btc(int(o["amount"])))}</td>'
        f'<td class="address">{escape(o["address"] or o["script_type"])}</td>'
        f'<td class="facts">{escape(o["path"] or "")}</td></tr>'
        for o in data["outputs"]
    )
    fee = "unknown" if data["fee"] is None else _btc(int(data["fee"]))
    rate = "unknown" if data["fee_rate"] is None else f"{data['fee_rate']:.1f} sat/vB"
    size = f"{'' if data['vsize_exact'] else '~'}{data['vsize']} vB"
    ins = data["inputs"]
    total_in = "unknown" if data["total_in"] is None else _btc(int(data["total_in"]))
    notes = list(review.warnings) + list(review.refusals)
    if notes:
        warnings = "".join(
            f'<li class="severity-{escape(str(w.severity))}"><strong>'
            f"{escape(SEVERITY_LABELS.get(str(w.severity), str(w.severity)))}</strong> "
            f"<code>{escape(w.code)}</code> {escape(w.message)}</li>"
            for w in notes
        )
        warnings = f'<ul id="review-warnings">{warnings}</ul>'
    else:
        warnings = '<p id="review-warnings">No warnings.</p>'
    return f"""
<section id="review"><h2>{escape(title)}</h2>
<p class="headline" id="review-headline">{escape(review.headline)}</p>
<table id="review-outputs" class="wallets"><tbody>{outputs}</tbody></table>
<dl id="review-facts"><dt>Fee</dt><dd id="review-fee">{escape(fee)} ({escape(rate)}, {escape(size)})</dd>
<dt>Spends</dt><dd>{len(ins)} coin{"" if len(ins) == 1 else "s"}, {escape(total_in)}</dd>
<dt>Coins</dt><dd id="review-inputs">{_inputs(ins)}</dd>
<dt>Replace-by-fee</dt><dd>{"on" if data["rbf"] else "off"}</dd>
<dt>Seed</dt><dd>{escape(data["fingerprint"])}</dd></dl>
{warnings}
<p class="hint">Change is shown only when it is proven to come back to this account, at the path given.
Check each address on your Airlock's screen against the one you meant to pay.</p>
<details><summary>As the command line prints it</summary>
<pre id="review-text">{escape(review.to_text())}</pre></details></section>"""


def animated_qr(base: str, img_id: str, alt: str, count: int, options: QrOptions,
                formats: dict[str, str]) -> str:  # fmt: skip
    """An animated QR the page cycles (frames rendered by the server at ``base/frame/N.png``), with its
    frame count and the format, density and speed it is shown at."""
    query = f"format={options.format}&amp;density={options.density}"
    chosen = _options(formats, options.format)
    densities = _options({str(k): v for k, v in DENSITIES.items()}, str(options.density))
    speeds = _options({str(ms): f"{ms} ms a frame" for ms in SPEEDS_MS}, str(options.speed_ms))
    return f"""<img class="qr handover" id="{img_id}" src="{base}/frame/0.png?{query}" alt="{alt}"
 data-base="{base}/frame/" data-query="{query}" data-count="{count}" data-speed="{options.speed_ms}">
<p class="facts" id="handover-frame">{count} frame{"" if count == 1 else "s"}</p>
<form method="get" action="{base}" id="handover-options">
<label>Format <select name="format" id="qr-format">{chosen}</select></label>
<label>Density <select name="density" id="qr-density">{densities}</select></label>
<label>Speed <select name="speed" id="qr-speed">{speeds}</select></label>
<button type="submit" id="qr-apply">Show</button></form>"""


def handover_section(url: str, txid: str, count: int, options: QrOptions) -> str:
    """The unsigned PSBT as an animated QR (frames rendered by the server), its options, its file."""
    base = f"{url}/send/{txid}"
    code = animated_qr(base, "handover-qr", "the unsigned transaction as an animated QR code", count, options,
                       FORMATS)  # fmt: skip
    return f"""
<section id="handover"><h2>Hand it to your Airlock</h2>
<p>On your Airlock choose Scan and point its camera at this code; it shows the review above. Or copy
the file to its SD card.</p>
{code}
<p><a href="{base}/unsigned.psbt" id="download-psbt" download>Download the unsigned transaction
 (.psbt file for an SD card)</a></p></section>"""


def signed_status(url: str, txid: str, copies: int, *, ready: bool, problem: str) -> str:
    """How the signed copies stand: ready to broadcast, or what is still missing."""
    plural = "copy" if copies == 1 else "copies"
    if ready:
        state = (
            f'<p class="message" id="signed-state" data-ready="1">Checked: {copies} signed {plural}, '
            "every input's signature verifies, and it spends only this wallet's coins. "
            "Ready to broadcast.</p>"
            f'<form method="post" action="{url}/signed/{txid}/broadcast" id="broadcast-form">'
            '<button type="submit" id="broadcast">Broadcast</button></form>'
        )
    else:
        state = (
            f'<p class="hint" id="signed-state" data-ready="0">{copies} signed {plural}: '
            f"{escape(problem)}. Add each cosigner's copy.</p>"
        )
    return (
        f'<section id="signed-status"><h2>Signed</h2><p class="facts">Transaction {escape(txid)}</p>{state}'
        f'<form method="post" action="{url}/signed/{txid}/discard" id="discard-form">'
        '<button type="submit" id="discard">Start over</button></form></section>'
    )


def tx_section(url: str, state: TxState) -> str:
    """A transaction followed to its block; the script polls ``status`` and rewrites ``#tx-state``."""
    data = state.to_json()
    return f"""
<section id="tx" data-status="{url}/tx/{state.txid}/status"><h2>Transaction</h2>
<p class="address" id="txid">{escape(state.txid)}</p>
<p id="tx-state" data-state="{escape(str(data["state"]))}">{escape(tx_state_text(state))}</p>
<form method="post" action="{url}/tx/{state.txid}/check" id="tx-check-form">
<button type="submit" id="tx-check">Check now</button></form>
<p><a href="{url}">Back to the wallet</a></p></section>"""


def tx_state_text(state: TxState) -> str:
    if state.height is not None:
        return f"Confirmed in block {state.height}."
    if state.known:
        return "Pending: sent, waiting for a block. This page checks again every few seconds."
    return "Not seen yet: the wallet's node has not reported it."


def _inputs(inputs: list[dict[str, Any]]) -> str:
    return "<br>".join(
        f'<span class="facts">{escape(str(i["outpoint"]))}</span> '
        f'{escape(_btc(int(i["amount"])) if i["amount"] is not None else "unknown amount")} '
        f"{escape(str(i['path']) if i['ours'] else 'not signed by this seed')}"
        for i in inputs
    )


def _options(choices: dict[str, str], chosen: str) -> str:
    return "".join(
        f'<option value="{escape(k)}"{" selected" if k == chosen else ""}>{escape(v)}</option>'
        for k, v in choices.items()
    )


def _checked(on: bool) -> str:
    return " checked" if on else ""


def _signed_btc(sats: int) -> str:
    return ("+" if sats > 0 else "-" if sats < 0 else "") + _btc(abs(sats))


def _short(txid: str) -> str:
    return f"{txid[:12]}…{txid[-6:]}"
