"""The hand-over page of a batch: request k of n with the device's review and its animated QR, the
signature back (camera, paste, file), the progress, then the broadcast and each transaction followed
to its receipt.

Element ids are the Bitcoin hand-over's (``handover-qr``, ``signed-camera-start``, ``signed-form``,
``tx``, ``tx-state``), so the same script drives both.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from companion.web.eth_pages import account_url, review_section
from companion.web.pages import camera_section, layout
from companion.web.send_pages import QrOptions, animated_qr

if TYPE_CHECKING:
    from companion.web.eth_batch import Batch, Sent

FORMATS = {"ur": "UR (eth-sign-request)"}
TITLES = {"send": "Send from {name}", "revoke": "Revoke approvals of {name}"}


def batch_url(batch: Batch) -> str:
    return f"{account_url(batch.name)}/batch/{batch.batch_id}"


def progress_text(batch: Batch) -> str:
    return f"{batch.signed} of {batch.total} signed"


def batch_page(batch: Batch, frame_count: int, options: QrOptions, *,
               waiting: tuple[tuple[int, ...], tuple[int, ...]] = ((), ()), message: str = "",
               error: str = "") -> str:  # fmt: skip
    """``frame_count``: the frames of the current request (0 when every request is signed); ``waiting``:
    the nonces before the batch's that the node has not seen, held by earlier requests or by none."""
    body = (f'<p class="headline" id="batch-progress" data-signed="{batch.signed}" '
            f'data-total="{batch.total}">{escape(progress_text(batch))}</p>')  # fmt: skip
    current = batch.current
    body += _list_section(batch)
    if not batch.sent:
        body += _waiting_note(batch, *waiting)
    if batch.sent:
        body += sent_section(batch)
    if not batch.finished:  # with some sent: the rest, when the node refused one after others went out
        body += (_broadcast_section(batch) if current is None
                 else _current_section(batch, current, frame_count, options))  # fmt: skip
    if not batch.sent:
        body += (f'<form method="post" action="{batch_url(batch)}/discard" id="discard-form">'
                 '<button type="submit" id="discard">Discard (nothing is sent)</button></form>')  # fmt: skip
    title = TITLES.get(batch.kind, "{name}").format(name=batch.name)
    return layout(title, body, message=message, error=error)


def _waiting_note(batch: Batch, held: tuple[int, ...], free: tuple[int, ...]) -> str:
    pending = f'<a href="{account_url(batch.name)}#pending">Waiting for a signature</a>'
    note = ""
    if held:
        nonces = ", ".join(map(str, held))
        note += (f'<p class="error" id="batch-waiting" data-nonces="{nonces}">Earlier requests of this '
                 f"address are handed over and not broadcast (nonce {nonces}): these are mined only after "
                 f"them. Broadcast them first, or discard them ({pending}) and prepare these again.</p>")
    if free:
        nonces = ", ".join(map(str, free))
        note += (f'<p class="error" id="batch-gap" data-nonces="{nonces}">No transaction takes nonce '
                 f"{nonces} any more (its request was discarded): these would wait for it. Discard them and "
                 "prepare them again.</p>")
    return note


def _current_section(batch: Batch, k: int, frame_count: int, options: QrOptions) -> str:
    url = batch_url(batch)
    code = animated_qr(f"{url}/{k}", "handover-qr", f"request {k + 1} as an animated QR code", frame_count,
                       options, FORMATS)  # fmt: skip
    review = review_section(batch.reviews[k])
    return f"""
<h2 id="batch-current" data-position="{k}">Request {k + 1} of {batch.total}</h2>
{review}
<section id="handover"><h2>Hand it to your Airlock</h2>
<p>On your Airlock choose Scan and point its camera at this code; it shows the review above. Or copy
the file to its SD card.</p>
{code}
<p><a href="{url}/{k}/request.txt" id="download-request" download>Download the request
 (a text file for an SD card or <code>airlock sign</code>)</a></p></section>
<section id="signed-section"><h2>Bring the signature back</h2>
<p>Once your Airlock has signed, it shows the signature as a QR code: scan it here, or paste it, or
choose its file.</p>
<form method="post" action="{url}/signature" enctype="multipart/form-data" id="signed-form">
<input type="hidden" name="position" value="{k}">
{camera_section(prefix="signed-", label="Scan the signature with the camera")}
<label>Or paste it <textarea name="paste" id="signed-paste" rows="3"
 placeholder="UR:ETH-SIGNATURE/... (one part a line)"></textarea></label>
<label>Or choose its file <input type="file" name="file" id="signed-file"></label>
<button type="submit" id="signed-add">Check the signature</button>
</form></section>"""


def _broadcast_section(batch: Batch) -> str:
    url = batch_url(batch)
    left = batch.total - len(batch.sent)
    what = "the transaction" if batch.total == 1 else f"all {batch.total} transactions, in nonce order"
    sent = "Nothing has been sent yet."
    if batch.sent:
        what = "the transaction left" if left == 1 else f"the {left} transactions left, in nonce order"
        sent = f"{len(batch.sent)} of {batch.total} are sent (above); the node refused the next."
    return f"""
<section id="broadcast-section"><h2>Signed</h2>
<p class="message" id="signed-state" data-ready="1">Every signature checked: each answers its request
and comes from this account's address. {escape(sent)}</p>
<form method="post" action="{url}/broadcast" id="broadcast-form">
<button type="submit" id="broadcast">Broadcast {escape(what)}</button></form></section>"""


def sent_section(batch: Batch) -> str:
    """The transactions broadcast, each with its state; the script polls ``status`` until all are mined."""
    url = batch_url(batch)
    rows = "".join(_sent_row(k, s) for k, s in enumerate(batch.sent))
    state = "confirmed" if batch.confirmed else "pending"
    after = ""
    if batch.kind == "revoke":
        after = (f'<form method="post" action="{account_url(batch.name)}/approvals/scan" id="rescan-form">'
                 '<button type="submit" id="rescan">Rescan the approvals</button></form>')  # fmt: skip
    return f"""
<section id="tx" data-status="{url}/status" data-reload="1"><h2>Broadcast</h2>
<table class="wallets" id="sent"><thead><tr><th>Nonce</th><th>Transaction</th><th>State</th></tr></thead>
<tbody>{rows}</tbody></table>
<p id="tx-state" data-state="{state}">{escape(follow_text(batch))}</p>
<form method="post" action="{url}/check" id="tx-check-form">
<button type="submit" id="tx-check">Check now</button></form>{after}
<p><a href="{account_url(batch.name)}">Back to the account</a></p></section>"""


def _sent_row(k: int, sent: Sent) -> str:
    return (f'<tr id="sent-{k}" data-state="{"pending" if sent.receipt is None else "confirmed"}">'
            f'<td>{sent.nonce}</td><td class="address">{escape(sent.tx_hash)}</td>'
            f"<td>{escape(receipt_text(sent))}</td></tr>")  # fmt: skip


def receipt_text(sent: Sent) -> str:
    if sent.receipt is None:
        return "pending: sent, waiting for a block"
    outcome = "succeeded" if sent.succeeded else "FAILED (reverted): nothing was changed but the fee"
    return f"in block {sent.block}, {outcome}"


def follow_text(batch: Batch) -> str:
    mined = sum(1 for s in batch.sent if s.receipt is not None)
    if batch.confirmed:
        failed = sum(1 for s in batch.sent if not s.succeeded)
        tail = "" if not failed else f" {failed} FAILED: see the table."
        if not batch.finished:
            return f"The {len(batch.sent)} sent are in a block.{tail} The rest is not broadcast."
        return f"All {len(batch.sent)} in a block.{tail}"
    return (f"{mined} of {len(batch.sent)} in a block; the others are pending. This page checks again every "
            "few seconds.")  # fmt: skip


def _list_section(batch: Batch) -> str:
    if batch.total < 2:
        return ""
    rows = "".join(
        f'<tr id="request-{k}" data-signed="{int(k in batch.signatures)}"><td>{k + 1}</td>'
        f"<td>{escape(review.title)}</td><td>{request.tx.nonce}</td>"
        f"<td>{'signed' if k in batch.signatures else 'waiting'}</td></tr>"
        for k, (request, review) in enumerate(zip(batch.requests, batch.reviews, strict=True))
    )
    return (
        '<section id="batch"><h2>The queue</h2><table class="wallets" id="batch-list"><thead><tr>'
        f"<th>Request</th><th>What</th><th>Nonce</th><th>Signature</th></tr></thead><tbody>{rows}</tbody>"
        "</table></section>"
    )
