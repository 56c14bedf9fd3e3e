"""The approvals page: what is up for review, when the list was last scanned (with Rescan), every
approval the account has granted (token, spender with its name and risk tags, kind, amount or
"unlimited", granted, last used, flags), and the revoke of the chosen or of every flagged one as one batch.

The approvals and the reminders are ``companion.approvals``' last stored scan and reminder times (as
``airlock-companion approvals`` prints them); this module only lays them out, escaping every value.
"""

from __future__ import annotations

import time
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.approvals.model import Approval
    from companion.approvals.reminders import ToReview
    from companion.approvals.scan import ScanResult
    from companion.approvals.service import Review
    from companion.eth.accounts import EthAccount

from companion.web.eth_pages import account_url, amount_text, chain_label
from companion.web.pages import layout
from signer.safe_text import visible

KINDS = {"erc20": "ERC-20", "erc721": "ERC-721", "erc1155": "ERC-1155", "permit2": "Permit2"}
DAY = 86_400
HOUR = 3_600


def approvals_page(name: str, account: EthAccount, review: Review | None, *,
                   message: str = "", error: str = "") -> str:  # fmt: skip
    """``review``: the last scan and what is up for review (None: no scan could be read or made)."""
    url = account_url(name)
    scan = None if review is None else review.scan
    body = (
        f'<p class="facts">{escape(chain_label(account.chain_id))} · '
        f'<span class="address">{escape(account.address(0).address)}</span> · '
        f'<a href="{url}">the account</a></p>'
        + reminders_section([] if review is None else review.flagged)
        + _scan_facts(scan)
        + f'<form method="post" action="{url}/approvals/scan" id="scan-form">'
        '<button type="submit" id="rescan">Rescan</button></form>'
    )
    body += "" if scan is None else _table(url, scan)
    body += _unreadable(scan)
    return layout(f"Approvals of {name}", body, message=message, error=error)


def reminders_section(flagged: list[ToReview]) -> str:
    """``flagged``: the last scan's flagged approvals with their reminder times."""
    if not flagged:
        return '<section id="reminders" data-due="0"><p class="hint">Nothing due for review.</p></section>'
    items = "".join(f'<li data-key="{escape(t.approval.key)}">{escape(reminder_text(t))}</li>'
                    for t in flagged)  # fmt: skip
    return (
        f'<section id="reminders" class="due" data-due="{len(flagged)}"><h2>Due for review</h2>'
        f"<ul>{items}</ul><p class=\"hint\">Revoke what you no longer use: a spender you approved can "
        "move those tokens at any time, without asking again. You are reminded again every 24 hours "
        "while one stays.</p></section>"
    )


def reminder_text(item: ToReview) -> str:
    a = item.approval
    what = f"{_token_name(a)} to {_spender_name(a)}"
    reasons = ", ".join(a.reasons) or "flagged"
    first, last = item.first_flagged_at, item.last_reminded_at
    if first is None or last is None:
        return f"Flagged: {what} ({reasons})."
    if last <= first:
        return f"Newly flagged: {what} ({reasons})."
    hours = (last - first) // HOUR
    age = f"{hours} h" if hours < 72 else f"{hours // 24} days"
    return f"Flagged again: {what}, still {reasons} after {age}."


def flag_names(a: Approval) -> list[str]:
    flags = []
    if a.unlimited:
        flags.append("unlimited")
    if a.stale:
        flags.append("not used for 30 days")
    if a.risky:
        flags.append("risky spender")
    return flags


def _unreadable(scan: ScanResult | None) -> str:
    unread = [] if scan is None else scan.unreadable
    if not unread:
        return ""
    items = "".join(f'<li><span class="address">{escape(u.token)}</span> to <span class="address">'
                    f"{escape(u.spender)}</span> ({escape(KINDS.get(u.kind, u.kind))}): "
                    f"{escape(visible(u.reason, keep=''))}</li>"
                    for u in unread)  # fmt: skip
    return (f'<section id="unreadable"><h2>Not read</h2><p>These were granted, but their current value '
            f"could not be read from the token (a broken or hostile contract):</p><ul>{items}</ul></section>")


def _scan_facts(scan: ScanResult | None) -> str:
    if scan is None:
        return '<p class="hint" id="scan-facts">Not scanned yet: press Rescan.</p>'
    return (f'<p class="facts" id="scan-facts" data-block="{scan.block}" data-time="{scan.now}">Last scanned '
            f"{escape(when(scan.now))} (chain time), at block {scan.block}. Press Rescan to read the node "
            "again.</p>")  # fmt: skip


def _table(url: str, scan: ScanResult) -> str:
    approvals, now = scan.approvals, scan.now
    if not approvals:
        return '<p id="approvals" data-count="0">No approvals: nobody may spend from this account.</p>'
    rows = "".join(_row(a, now) for a in approvals)
    flagged = sum(1 for a in approvals if a.flagged)
    return f"""
<form method="post" action="{url}/approvals/revoke" id="revoke-form">
<table class="wallets" id="approvals" data-count="{len(approvals)}" data-flagged="{flagged}"><thead><tr>
<th></th><th>Token</th><th>Spender</th><th>Kind</th><th>Amount</th><th>Granted</th><th>Last used</th>
<th>Flags</th></tr></thead><tbody>{rows}</tbody></table>
<p class="hint">Each revoke is a transaction your Airlock signs: an approval set to zero, an operator
switched off, or Permit2's lockdown (several Permit2 allowances in one).</p>
<button type="submit" name="how" value="selected" id="revoke-selected">Revoke selected</button>
<button type="submit" name="how" value="flagged" id="revoke-flagged"{"" if flagged else " disabled"}>
Revoke all flagged ({flagged})</button></form>"""


def _row(a: Approval, now: int) -> str:
    key = escape(a.key)
    flags = "".join(f'<span class="flag">{escape(f)}</span> ' for f in flag_names(a))
    tags = "".join(f' <span class="flag risk">{escape(t)}</span>' for t in a.risk_tags)
    spender_name = f"<strong>{escape(a.spender_name)}</strong><br>" if a.spender_name else ""
    return (
        f'<tr data-key="{key}" data-flagged="{int(a.flagged)}">'
        f'<td><input type="checkbox" name="key" value="{key}" aria-label="revoke"></td>'
        f'<td>{escape(a.symbol or "")}<br><span class="address">{escape(a.token)}</span></td>'
        f'<td>{spender_name}<span class="address">{escape(a.spender)}</span>{tags}</td>'
        f"<td>{escape(KINDS.get(a.kind, a.kind))}</td>"
        f'<td class="amount">{escape(amount_cell(a))}</td>'
        f"<td>{escape(ago(a.granted_at, now))}</td><td>{escape(ago(a.last_used_at, now, 'never'))}</td>"
        f'<td class="flags">{flags or "—"}</td></tr>'
    )


def amount_cell(a: Approval) -> str:
    if a.unlimited:
        return "unlimited"
    if a.kind == "erc721" and a.token_id is not None:
        return f"token #{a.token_id}"
    if a.amount is None:
        return "every token (operator)"
    text = amount_text(int(a.amount), a.decimals, a.symbol)
    if a.kind == "permit2" and a.expiration:
        text += f", until {when(int(a.expiration))}"
    return text


def ago(at: int | None, now: int, missing: str = "unknown") -> str:
    if at is None:
        return missing
    days = max(0, now - int(at)) // DAY
    return f"{when(int(at))} ({'today' if days == 0 else f'{days} days ago'})"


def when(at: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at))


def _token_name(a: Approval) -> str:
    return a.symbol or a.token


def _spender_name(a: Approval) -> str:
    return a.spender_name or a.spender
