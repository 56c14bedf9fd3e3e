"""The Ethereum pages: the accounts beside the Bitcoin wallets, the import form, the account page
(address, balances, history, the send form) and the device's review of a transaction.

Everything shown is computed by ``companion.eth`` (the same functions as ``airlock-companion eth``) and
the signer's review code; this module only lays it out, escaping every value. Element ids are stable:
the tests drive them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from companion.web.pages import camera_section, layout

if TYPE_CHECKING:
    from companion.eth.accounts import EthAccount
    from companion.eth.handover import SignRequest
    from companion.eth.service import Activity, Balances, TokenBalance
    from signer.eth.review import EthReview

SOURCES = {
    "crypto-hdkey": "MetaMask-style account (crypto-hdkey)",
    "crypto-account": "Ledger Live paths (crypto-account)",
    "address": "a bare address: watch only, nothing to sign",
}
ETH = ""  # the token field's value for the chain's own coin
ACTIVITY_KINDS = {"send": "Sent", "token-in": "Received", "token-out": "Sent", "nft-in": "NFT received",
                  "nft-out": "NFT sent"}  # fmt: skip
SEVERITY_LABELS = {"info": "Note", "warn": "Warning", "danger": "Danger"}


def account_url(name: str) -> str:
    return "/eth/" + quote(name, safe="")


def chain_label(chain_id: int) -> str:
    from signer.eth.registry import chain

    info = chain(chain_id)
    return f"{info.name} ({chain_id})" if info.known else f"chain {chain_id}"


def native_symbol(chain_id: int) -> str:
    from signer.eth.registry import chain

    return chain(chain_id).symbol


def amount_text(amount: int, decimals: int | None, symbol: str | None) -> str:
    from signer.eth.primitives import format_units

    if decimals is None:
        return f"{amount:,} base units{f' of {symbol}' if symbol else ''}"
    return f"{format_units(amount, decimals)} {symbol or ''}".rstrip()


def rpc_where(url: str) -> str:
    """The RPC URL without what may be a secret (an API key in its path or query, a password)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"


# -- the wallet list -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountRow:
    """One Ethereum account on the wallet list: ``due`` approvals to review as of its last scan (None: never
    scanned); ``account`` None when it cannot be read (``problem`` says why)."""

    name: str
    account: EthAccount | None
    due: int | None = None
    problem: str = ""


def accounts_section(rows: list[AccountRow]) -> str:
    link = '<p><a href="/eth/import" id="eth-import-link">Import an Ethereum account</a></p>'
    if not rows:
        return f'<section id="eth-accounts"><h2>Ethereum accounts</h2><p>None yet.</p>{link}</section>'
    items = "".join(_account_row(row) for row in rows)
    return (
        '<section id="eth-accounts"><h2>Ethereum accounts</h2><table class="wallets"><thead><tr>'
        "<th>Name</th><th>Chain</th><th>Address</th><th>Approvals</th></tr></thead>"
        f"<tbody>{items}</tbody></table>{link}</section>"
    )


def _account_row(row: AccountRow) -> str:
    account = row.account
    url = account_url(row.name)
    key = escape(row.name)
    if account is None:
        return (f'<tr id="eth-row-{key}"><td>{escape(row.name)}</td><td colspan="3" class="error">'
                f"{escape(row.problem)}</td></tr>")  # fmt: skip
    if row.due:
        plural = "approval" if row.due == 1 else "approvals"
        badge = (f'<a class="badge" id="due-{key}" data-due="{row.due}" href="{url}/approvals">'
                 f"{row.due} {plural} to review</a>")  # fmt: skip
    elif row.problem:
        badge = f'<span class="hint" title="{escape(row.problem)}">not checked</span>'
    elif row.due is None:
        badge = f'<a href="{url}/approvals" class="hint" id="due-{key}" data-due="">not scanned yet</a>'
    else:
        badge = f'<a href="{url}/approvals" class="hint" id="due-{key}" data-due="0">none due</a>'
    return (
        f'<tr id="eth-row-{key}"><td><a href="{url}">{escape(account.name)}</a></td>'
        f"<td>{escape(chain_label(account.chain_id))}</td>"
        f'<td class="address">{escape(account.address(0).address)}</td><td>{badge}</td></tr>'
    )


# -- import ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportForm:
    """What the person typed, kept when the import fails."""

    name: str = ""
    rpc: str = ""
    chain_id: str = ""
    paste: str = ""
    scan: str = ""


def import_page(form: ImportForm, *, error: str = "") -> str:
    body = f"""
<p>Import the Ethereum account your Airlock exports (Export, then Ethereum: the MetaMask-style key or
the Ledger Live paths), or any address to watch. Only public keys come to this computer.</p>
<form method="post" action="/eth/import" enctype="multipart/form-data" id="eth-import-form">
<label>Name <input name="name" id="eth-name" required maxlength="64" value="{escape(form.name)}"
 placeholder="main"></label>
<label>RPC URL of your node <input name="rpc" id="eth-rpc" required value="{escape(form.rpc)}"
 placeholder="http://127.0.0.1:8545" autocomplete="off" spellcheck="false"></label>
<p class="hint">The companion asks this node only, never a third party. The chain is the node's own:
give its id below only to have a node on another chain refused.</p>
<label>Chain id (optional) <input name="chain_id" id="eth-chain-id" inputmode="numeric"
 value="{escape(form.chain_id)}" autocomplete="off"></label>
<fieldset><legend>The export: one of these</legend>
{camera_section(form.scan)}
<label>Paste <textarea name="paste" id="eth-paste" rows="4"
 placeholder="UR:CRYPTO-HDKEY/..., UR:CRYPTO-ACCOUNT/... or an address 0x..."
>{escape(form.paste)}</textarea></label>
<label>File <input type="file" name="file" id="eth-file"></label>
</fieldset>
<button type="submit" id="eth-import">Import</button>
</form>"""
    return layout("Import an Ethereum account", body, error=error)


# -- the account page -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SendForm:
    """The send form as typed, kept when preparing fails."""

    to: str = ""
    amount: str = ""
    token: str = ETH


@dataclass(frozen=True)
class AccountView:
    """What the account page shows; ``balances``/``history`` are A's service results (None: not read,
    with ``problem`` saying why)."""

    account: EthAccount
    index: int
    balances: Balances | None = None
    history: list[Activity] | None = None
    problem: str = ""
    due: int | None = None
    pending: tuple[SignRequest, ...] = ()  # handed over, not broadcast


def account_page(view: AccountView, form: SendForm, *, message: str = "", error: str = "") -> str:
    account = view.account
    url = account_url(account.name)
    fingerprint = "none" if account.fingerprint is None else f"{account.fingerprint:08x}"
    body = (
        f'<p class="facts" id="eth-facts">{escape(chain_label(account.chain_id))} · '
        f"{escape(SOURCES.get(account.source, account.source))} · seed {escape(fingerprint)} · "
        f"node {escape(rpc_where(account.rpc))}</p>"
        + _approvals_link(url, view.due)
        + _receive_section(url, account, view.index)
        + _balances_section(url, view)
        + _history_section(view)
    )
    body += pending_section(url, view.pending)
    if account.fingerprint is not None:
        body += _send_form(url, view, form)
    else:
        body += ('<section id="send-section"><h2>Send</h2><p class="hint">A watched address: import the '
                 "account from your Airlock to send from it.</p></section>")  # fmt: skip
    return layout(account.name, body, message=message, error=error or view.problem)


def _approvals_link(url: str, due: int | None) -> str:
    badge = f' <span class="badge" id="approvals-due">{due} to review</span>' if due else ""
    return (f'<p id="approvals-link"><a href="{url}/approvals">Token approvals: who may spend from this '
            f"account</a>{badge}</p>")  # fmt: skip


def _receive_section(url: str, account: EthAccount, index: int) -> str:
    address = account.address(index)
    choices = ""
    if len(account.addresses) > 1:
        options = "".join(
            f'<option value="{a.index}"{" selected" if a.index == index else ""}>'
            f"{a.index}: {escape(a.address[:10])}…</option>"
            for a in account.addresses
        )
        choices = (f'<form method="get" action="{url}" id="index-form"><label>Address '
                   f'<select name="index" id="eth-index">{options}</select></label>'
                   '<button type="submit" id="eth-index-show">Show</button></form>')  # fmt: skip
    return f"""
<section id="receive"><h2>Address</h2>{choices}
<p class="address" id="eth-address">{escape(address.address)}</p>
<p class="facts" id="eth-path">{escape(address.path)}</p>
<img class="qr" id="eth-address-qr" src="{url}/address/{address.index}.png" alt="QR code of the address">
</section>"""


def _balances_section(url: str, view: AccountView) -> str:
    account = view.account
    add = f"""
<form method="post" action="{url}/token" id="token-form">
<label>Add a token (its contract address) <input name="token" id="token-address" required
 autocomplete="off" spellcheck="false" placeholder="0x..."></label>
<button type="submit" id="token-add">Add the token</button></form>"""
    if view.balances is None:
        return f'<section id="balances"><h2>Balances</h2><p class="hint">Not read.</p>{add}</section>'
    b = view.balances
    rows = (f'<tr id="balance-eth"><td>{escape(native_symbol(account.chain_id))}</td>'
            f'<td class="amount">{escape(amount_text(int(b.eth), 18, native_symbol(account.chain_id)))}</td>'
            "<td></td></tr>")  # fmt: skip
    for t in b.tokens:
        rows += (f'<tr id="balance-{escape(t.token)}"><td>{escape(t.symbol or "?")}</td>'
                 f'<td class="amount">{escape(amount_text(int(t.amount), t.decimals, t.symbol))}</td>'
                 f'<td class="address">{escape(t.token)}</td></tr>')  # fmt: skip
    return (
        '<section id="balances"><h2>Balances</h2><table class="wallets" id="balance-table"><thead><tr>'
        f"<th>Coin</th><th>Amount</th><th>Contract</th></tr></thead><tbody>{rows}</tbody></table>{add}"
        "</section>"
    )


def _history_section(view: AccountView) -> str:
    if view.history is None:
        return '<section id="activity"><h2>History</h2><p class="hint" id="history">Not read.</p></section>'
    if not view.history:
        return '<section id="activity"><h2>History</h2><p id="history">Nothing yet.</p></section>'
    known = {} if view.balances is None else {t.token.lower(): t for t in view.balances.tokens}
    symbol = native_symbol(view.account.chain_id)
    rows = "".join(_activity_row(a, known, symbol) for a in view.history)
    return (
        '<section id="activity"><h2>History</h2><table class="wallets" id="history"><thead><tr>'
        "<th>Block</th><th>What</th><th>Amount</th><th>With</th><th>Transaction</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _activity_row(a: Activity, tokens: dict[str, TokenBalance], native: str) -> str:
    """One ``companion.eth.service.Activity``: an own send, or a token or NFT transfer in or out."""
    if a.token_id is not None:
        shown = f"#{a.token_id}"
    elif a.amount is None:
        shown = ""
    elif a.token is None:
        shown = amount_text(int(a.amount), 18, native)
    else:
        held = tokens.get(a.token.lower())
        unit = held.symbol if held else _short(a.token)
        shown = amount_text(int(a.amount), held.decimals if held else None, unit)
    what = a.title or ACTIVITY_KINDS.get(a.kind, a.kind)
    block = "pending" if a.block is None else str(a.block)
    other = a.counterparty or ""
    other_text = "(newly minted)" if other and int(other, 16) == 0 else _short(other)
    return (
        f'<tr data-kind="{escape(a.kind)}"><td>{escape(block)}</td><td>{escape(what)}</td>'
        f'<td class="amount">{escape(shown)}</td>'
        f'<td class="facts" title="{escape(other)}">{escape(other_text)}</td>'
        f'<td class="facts" title="{escape(a.tx_hash)}">{escape(_short(a.tx_hash))}</td></tr>'
    )


def _send_form(url: str, view: AccountView, form: SendForm) -> str:
    symbol = native_symbol(view.account.chain_id)
    options = f'<option value="{ETH}"{" selected" if form.token == ETH else ""}>{escape(symbol)}</option>'
    tokens = [] if view.balances is None else list(view.balances.tokens)
    known = {t.token.lower() for t in tokens}
    for t in tokens:
        chosen = " selected" if form.token.lower() == t.token.lower() else ""
        options += f'<option value="{escape(t.token)}"{chosen}>{escape(t.symbol or t.token)}</option>'
    for token in view.account.tokens:
        if token.lower() not in known:
            chosen = " selected" if form.token.lower() == token.lower() else ""
            options += f'<option value="{escape(token)}"{chosen}>{escape(token)}</option>'
    return f"""
<section id="send-section"><h2>Send</h2>
<form method="post" action="{url}/send" id="eth-send-form">
<input type="hidden" name="index" value="{view.index}">
<label>To address <input name="to" id="eth-send-to" required value="{escape(form.to)}"
 autocomplete="off" spellcheck="false" placeholder="0x..."></label>
<label>Amount <input name="amount" id="eth-send-amount" required inputmode="decimal"
 value="{escape(form.amount)}" autocomplete="off" placeholder="0.1"></label>
<label>Coin <select name="token" id="eth-send-token">{options}</select></label>
<p class="hint">In the coin's own units (ETH, or the token's), not wei. The fee and the nonce come
from your node; the next page shows them, with the device's review, before anything is handed over.</p>
<button type="submit" id="eth-send">Review</button>
</form></section>"""


def pending_section(url: str, pending: tuple[SignRequest, ...]) -> str:
    """Requests handed over and not broadcast: each holds its nonce, and every later one waits behind it."""
    if not pending:
        return ""
    from signer.chains.ethereum_review import review_transaction

    rows = "".join(
        f'<tr id="pending-{r.request_id.hex()}"><td>{r.tx.nonce}</td>'
        f"<td>{escape(review_transaction(r.tx).title)}</td>"
        f'<td class="facts">{escape(r.address)}</td><td>'
        f'<form method="post" action="{url}/pending/{r.request_id.hex()}/discard">'
        f'<button type="submit" id="discard-{r.request_id.hex()}">Discard</button></form></td></tr>'
        for r in pending
    )
    return f"""
<section id="pending"><h2>Waiting for a signature</h2>
<p class="hint">Handed over and not broadcast. Each holds its nonce: a later transaction of the same
address is mined only after it. Discard one you will not sign (nothing was sent; a signature made for it
is then refused).</p>
<table class="wallets" id="pending-table"><thead><tr><th>Nonce</th><th>What</th><th>From</th><th></th></tr>
</thead><tbody>{rows}</tbody></table></section>"""


# -- the review -----------------------------------------------------------------------------------
def review_section(review: EthReview, section_id: str = "review",
                   title: str = "What your Airlock will show") -> str:  # fmt: skip
    """An Ethereum review (``signer.eth.review.EthReview``): title, chain, signer, the transaction, the
    decoded call and every warning with its code, as the device shows them."""
    data = review.to_json()
    facts = ""
    if data.get("chain"):
        facts += f"<dt>Chain</dt><dd>{escape(data['chain']['name'])} ({data['chain']['id']})</dd>"
    signer = data["signer"]
    if signer.get("address"):
        facts += f"<dt>Signer</dt><dd>{escape(signer['address'])} ({escape(signer['path'] or '')})</dd>"
    tx = data.get("tx")
    if tx:
        facts += (
            f'<dt>To</dt><dd class="address">{escape(tx["to"] or "(a new contract)")}</dd>'
            f"<dt>Value</dt><dd>{escape(tx['value'])}</dd>"
            f"<dt>Nonce</dt><dd>{tx['nonce']}</dd>"
            f"<dt>Gas limit</dt><dd>{tx['gas_limit']:,}</dd>"
            f"<dt>Fee at most</dt><dd>{escape(tx['max_fee'])}</dd>"
        )
    calls = ""
    if review.call is not None:
        items = "".join(
            f'<li data-depth="{min(c.depth, 3)}">{escape(c.title)}</li>' for c in review.call.walk()
        )
        calls = f'<ul class="calls">{items}</ul>'
    return f"""
<section id="{section_id}" class="eth-review"><h2>{escape(title)}</h2>
<p class="headline" data-role="review-title">{escape(review.title)}</p>
<dl>{facts}</dl>{calls}{warnings_list(review)}
<details><summary>As the command line prints it</summary>
<pre data-role="review-text">{escape(review.to_text())}</pre></details></section>"""


def warnings_list(review: EthReview) -> str:
    notes = [*review.refusals, *review.warnings]
    if not notes:
        return '<p class="review-warnings" data-codes="">No warnings.</p>'
    refused = {id(r) for r in review.refusals}
    items = "".join(
        f'<li class="severity-{escape(str(w.severity))}" data-code="{escape(w.code)}"><strong>'
        f"{'Refused' if id(w) in refused else escape(SEVERITY_LABELS.get(str(w.severity), str(w.severity)))}"
        f"</strong> <code>{escape(w.code)}</code> {escape(w.message)}</li>"
        for w in notes
    )
    codes = " ".join(w.code for w in notes)
    return f'<ul class="review-warnings" data-codes="{escape(codes)}">{items}</ul>'


def _short(text: str) -> str:
    return text if len(text) <= 20 else f"{text[:10]}…{text[-6:]}"
