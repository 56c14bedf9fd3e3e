"""The new-multisig pages: the cosigners added one by one, the policy and first address before Create,
then the registration QR each device scans, with the descriptor and BSMS files.

The cosigners' exports travel in the form itself (hidden fields, the text each export is), so the page
keeps nothing between requests and a refused step loses nothing. Every value is escaped here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from companion.web.pages import NETWORK_NAMES, _grouped, _wallet_url, camera_section, layout
from companion.web.send_pages import QrOptions, _options, animated_qr

if TYPE_CHECKING:
    from companion.btc.service import MultisigPlan, Registration

SCRIPT_NAMES = {"wsh": "Native segwit (P2WSH)", "sh-wsh": "Nested segwit (P2SH-P2WSH)"}
REGISTRATION_FORMATS = {"ur": "UR (crypto-output)", "bbqr": "BBQr (descriptor text)"}


@dataclass(frozen=True)
class MultisigForm:
    """What the person entered so far, kept whole when a step is refused."""

    name: str = ""
    network: str = "main"
    node: str = ""
    threshold: str = "2"
    script: str = "wsh"
    cosigners: tuple[str, ...] = field(default_factory=tuple)  # each cosigner's export text
    paste: str = ""
    scan: str = ""


def new_multisig_page(form: MultisigForm, plan: MultisigPlan | None, *, message: str = "",
                      error: str = "") -> str:  # fmt: skip
    networks = _options(NETWORK_NAMES, form.network)
    scripts = _options(SCRIPT_NAMES, form.script)
    kept = "".join(f'<input type="hidden" name="cosigner" value="{escape(c)}">' for c in form.cosigners)
    body = f"""
<p>A wallet that needs several devices to sign. On each Airlock choose Export, then its multisig key
(BIP-48), and add it here: by the camera, pasted, or from its file. Only public keys come to this
computer.</p>
<form method="post" action="/multisig/new" enctype="multipart/form-data" id="multisig-form">
<button type="submit" name="action" value="check" id="multisig-check" hidden tabindex="-1"></button>
{kept}
<label>Name <input name="name" id="name" maxlength="64" value="{escape(form.name)}"
 placeholder="family"></label>
<label>Network <select name="network" id="network">{networks}</select></label>
<label>Node <input name="node" id="node" value="{escape(form.node)}"
 placeholder="cbf://127.0.0.1:8333 or bitcoind://user:password@127.0.0.1:8332"></label>
<label>Script type <select name="script" id="script">{scripts}</select></label>
<label>Signatures needed <input name="threshold" id="threshold" inputmode="numeric" maxlength="3"
 value="{escape(form.threshold)}"></label>
{_cosigner_list(form, plan)}
<fieldset id="add-cosigner"><legend>Add a cosigner: one of these</legend>
{camera_section(form.scan, prefix="cosigner-", label="Scan a key with the camera")}
<label>Paste <textarea name="paste" id="cosigner-paste" rows="3"
 placeholder="UR:CRYPTO-ACCOUNT/..., the JSON export, or [fingerprint/path]xpub">{escape(form.paste)}
</textarea></label>
<label>File <input type="file" name="file" id="cosigner-file"></label>
<button type="submit" name="action" value="add" id="cosigner-add">Add cosigner</button>
</fieldset>
{_policy(form, plan)}
</form>"""
    return layout("New multisig wallet", body, message=message, error=error)


def _cosigner_list(form: MultisigForm, plan: MultisigPlan | None) -> str:
    if not form.cosigners:
        return '<p id="cosigners" data-count="0">No cosigners yet.</p>'
    keys: list[Any] = plan.keys if plan is not None else [None] * len(form.cosigners)
    rows = "".join(_cosigner_row(i, key) for i, key in enumerate(keys))
    return (
        f'<table id="cosigners" class="wallets" data-count="{len(form.cosigners)}"><thead><tr><th>#</th>'
        "<th>Fingerprint</th><th>Path</th><th>Key</th><th></th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _cosigner_row(index: int, key: Any) -> str:
    remove = (f'<button type="submit" name="remove" value="{index}" id="cosigner-remove-{index}" '
              'formnovalidate>Remove</button>')  # fmt: skip
    if key is None or isinstance(key, str):
        why = escape(key or "not read")
        return (f'<tr id="cosigner-{index}" class="refused"><td>{index + 1}</td><td colspan="3">{why}</td>'
                f"<td>{remove}</td></tr>")  # fmt: skip
    shown = key.cosigner.to_json()
    return (
        f'<tr id="cosigner-{index}"><td>{index + 1}</td>'
        f'<td class="facts" id="cosigner-{index}-fingerprint">{escape(shown["fingerprint"] or "")}</td>'
        f'<td class="facts" id="cosigner-{index}-path">{escape(shown["path"] or "")}</td>'
        f'<td class="address" id="cosigner-{index}-key">{escape(shown["xpub"] or "")}</td>'
        f"<td>{remove}</td></tr>"
    )


def _policy(form: MultisigForm, plan: MultisigPlan | None) -> str:
    if plan is None or plan.wallet is None:
        why = plan.problem if plan is not None else "add the cosigners"
        return (
            f'<section id="policy" data-ready="0"><h2>The wallet</h2><p class="hint" id="policy-problem">'
            f"{escape(why[:1].upper() + why[1:])}.</p></section>"
        )
    wallet = plan.wallet
    assert plan.first_address is not None
    return f"""
<section id="policy" data-ready="1"><h2>The wallet</h2>
<p class="headline" id="policy-summary">{wallet.m} of {wallet.n}: any {wallet.m} of these {wallet.n} devices
 sign a payment. {escape(SCRIPT_NAMES[form.script])}, sorted keys (BIP-67).</p>
<p>First receive address (each device shows the same one once it has registered the wallet):</p>
<p class="address" id="policy-address">{escape(_grouped(plan.first_address))}</p>
<button type="submit" name="action" value="create" id="multisig-create">Create the wallet</button>
</section>"""


def registration_page(name: str, reg: Registration, count: int, options: QrOptions, *, message: str = "",
                      error: str = "") -> str:  # fmt: skip
    """The registration QR (animated, frames rendered by the server) and the two files."""
    url = _wallet_url(name)
    base = f"{url}/registration"
    wallet = reg.wallet
    cosigners = "".join(
        f'<li><span class="facts">{escape(c.origin_text())}</span> '
        f'<span class="address">{escape(c.xpub)}</span></li>'
        for c in wallet.cosigners
    )
    code = animated_qr(base, "registration-qr", "the wallet as an animated QR code for the devices", count,
                       options, REGISTRATION_FORMATS)  # fmt: skip
    body = f"""
<section id="registration"><h2>Register it on each device</h2>
<p>On every cosigner's Airlock choose Scan and point its camera at this code (or Seeds, the seed,
Multisig wallets, Register). Check that the device shows the policy and the first address below.
A device signs only for a wallet it registered.</p>
<p class="headline" id="registration-policy">{wallet.m} of {wallet.n} ·
 {escape(NETWORK_NAMES.get(reg.network, reg.network))}</p>
<p>First address:</p><p class="address" id="registration-address">{escape(_grouped(reg.first_address))}</p>
<ol id="registration-cosigners">{cosigners}</ol>
{code}
<p><a href="{base}/descriptor.txt" id="download-descriptor" download>Download the descriptor (.txt)</a>
 · <a href="{base}/bsms.txt" id="download-bsms" download>Download the BSMS record (BIP-129)</a></p>
<p><a href="{url}" id="registration-wallet">Go to the wallet</a></p></section>"""
    return layout(f"Register {name}", body, message=message, error=error)
