"""Scan anything, then do what it asks: review and sign a Bitcoin PSBT, a Bitcoin message or an
Ethereum request, register a multisig wallet (``ui.flows.multisig``), check whether an address is
ours, import a SeedQR, restore a backup.

Signing always goes scan -> review (warnings first, danger needs a long hold) -> sign -> animated
QR of the result. Nothing is signed without a review of exactly what is signed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from signer.errors import AirlockError
from signer.review import ReviewWarning, Severity
from signer.risk.history import HISTORY_KEY, seed_history
from ui import exports, text
from ui.flows import multisig
from ui.flows.export import qr_screen
from ui.screen import Action, Home, Pop, Push, Replace, Screen
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error, info
from ui.screens.review import ReviewModel, ReviewScreen
from ui.screens.scan import ScanScreen, kind_name
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.btc.review import Review
    from signer.eth.request import EthRequest
    from signer.eth.review import EthReview
    from signer.keys.vault import SeedEntry
    from signer.transport.payload import Payload
    from ui.session import Session



def scan_anything(session: Session) -> ScanScreen:
    return ScanScreen(session, "Scan", lambda payload: dispatch(session, payload))


def dispatch(session: Session, payload: Payload) -> Action:
    """What to do with a scanned payload of any kind."""
    from signer.keys import backup

    kind = payload.kind
    if kind == "seed":
        from ui.flows import seeds

        material = seeds.material_from_seed_payload(payload)
        if material is None:
            return Replace(error("Not usable", "This seed QR code does not hold BIP-39 entropy."))
        return seeds.finish_seed(session, material, temporary=session.vault is None)
    if kind in ("bytes", "binary") and backup.is_backup(payload.data):
        from ui.flows import vault as vault_flows

        if session.vault is None:
            return Replace(error("Vault locked", "Restoring a backup needs an unlocked vault."))
        return Replace(vault_flows.backup_password(session, payload.data, into_new=False))
    if not session.seeds():
        return Replace(error("No seed", "Add a seed first: there is nothing to sign with."))
    if kind == "psbt":
        return btc_sign(session, payload)
    message = _sign_message_payload(payload)
    if isinstance(message, Screen):
        return Replace(message)
    if message is not None:
        from ui.flows.sign_message import sign_message

        return sign_message(session, message)
    if kind in multisig.WALLET_KINDS:
        try:
            is_wallet = multisig.wallet_text(payload) is not None
        except AirlockError as exc:
            return Replace(error("Not a wallet", str(exc)))
        if is_wallet:
            return multisig.register(session, payload)
    if kind in ("eth-sign-request", "json", "text", "bytes", "binary"):
        return eth_sign(session, payload)
    if kind in ("bitcoin-address", "bip21", "eth-address", "eip681"):
        return address_check(session, payload)
    what = kind_name(kind)
    hint = {
        "hdkey": "It is a public key export; there is nothing to sign.",
        "account": "It is an account export; there is nothing to sign.",
        "eth-signature": "It is already a signature.",
        "bitcoin-tx": "It is a finished transaction; broadcast it from your wallet.",
        "descriptor-text": "It is a public key or a single-key wallet; there is nothing to sign.",
        "output-descriptor": "It is a single-key wallet; there is nothing to sign.",
    }.get(kind, "")
    return Replace(info("Nothing to do", f"This QR code holds {what}. {hint}".strip()))


def _sign_message_payload(payload: Payload) -> Payload | Screen | None:
    """A sign-message request (plain, or inside ur:bytes / BBQr text), an error screen when one is
    malformed, or None for anything else."""
    from signer.transport.errors import TransportError
    from signer.transport.signmessage import from_payload

    try:
        return from_payload(payload)
    except TransportError as exc:
        return error("Not a valid request", str(exc))


# -- Bitcoin --------------------------------------------------------------------------------
@dataclass
class BtcCandidate:
    entry: SeedEntry
    network: str
    keys: Any
    review: Review


def find_btc_signer(session: Session, psbt: Any) -> BtcCandidate | None:
    """The first seed (and network) for which the PSBT has inputs to sign; else the best refusal."""
    from signer.btc.network_choice import review_for_seed

    fallback: BtcCandidate | None = None
    for entry in session.seeds():
        preferred = [a.network for a in entry.accounts if a.is_bitcoin] + list(session.setting("networks"))
        keys, review = review_for_seed(psbt, session.seed_bytes(entry), entry.multisig, preferred)
        candidate = BtcCandidate(entry, keys.network, keys, review)
        if review.to_sign or any(i.ours for i in review.inputs):
            return candidate
        fallback = fallback or candidate
    return fallback


def btc_sign(session: Session, payload: Payload) -> Action:
    from signer.btc import load_psbt

    def job() -> BtcCandidate | None:
        return find_btc_signer(session, load_psbt(payload.data))

    def reviewed(candidate: BtcCandidate | None) -> Action:
        if candidate is None:
            return Replace(error("Cannot review", "No seed is loaded."))
        return Replace(ReviewScreen(btc_model(session, candidate, payload)))

    return Replace(
        Working(
            "Bitcoin",
            "Checking the transaction...",
            job,
            reviewed,
            lambda exc: Replace(error("Not a valid PSBT", str(exc))),
        )
    )


def _btc(sats: int | None) -> str:
    from signer.btc.review import fmt_btc

    return fmt_btc(sats)


def btc_model(session: Session, candidate: BtcCandidate, payload: Payload) -> ReviewModel:
    review = candidate.review
    if review.message_proof is not None:
        facts, headline = _message_proof_facts(review), "Sign a message"
    else:
        facts = _payment_facts(review)
        headline = f"Send {_btc(review.sent)}" if review.sent else "Move within the wallet"
    facts.append(("Seed", f"{candidate.entry.label} {review.fingerprint}"))
    if review.network != "main":
        facts.append(("Network", review.network.upper()))
    if review.message_proof is None:
        facts.append(("Lock time", f"{review.locktime}, RBF {'on' if review.rbf else 'off'}"))

    def approve(accepted: bool) -> Action:
        return Push(
            Working(
                "Signing",
                "Signing the transaction...",
                lambda: _btc_sign(candidate, accepted),
                lambda signed: Home(then=btc_result(session, signed, payload)),
                lambda exc: Replace(error("Not signed", str(exc))),
            )
        )

    warnings = list(review.warnings)
    if review.network != "main":
        warnings.append(ReviewWarning("testnet", Severity.INFO, f"This is a {review.network} transaction."))
    return ReviewModel(
        "Bitcoin",
        facts,
        approve,
        warnings=warnings,
        refusals=list(review.refusals),
        headline=headline,
        extra={
            "sent": review.sent,
            "fee": review.fee,
            "change": review.change,
            "codes": sorted(review.codes()),
            "kind": review.kind,
        },
    )


def _message_proof_facts(review: Review) -> list[tuple[str, str]]:
    """A BIP-322 proof: the message and the address it is signed as (it moves no coins; the review's
    note says which coins a proof of funds also shows)."""
    proof = review.message_proof
    assert proof is not None
    address = proof.address(review.network)
    shown = proof.display() if proof.message is not None else "(not included)"  # ASCII, codes for the rest
    return [("Message", shown), ("Signed as the owner of", text.chunked(address) if address else "?")]


def _payment_facts(review: Review) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    external = [o for o in review.outputs if o.kind in ("external", "op_return")]
    for o in external:
        if o.kind == "op_return":
            label = "Destroyed" if o.amount else "Data"
            facts.append((f"{label} (output {o.index})", f"data output (OP_RETURN)\n{_btc(o.amount)}"))
            continue
        where = text.chunked(o.address) if o.address else f"script {o.script_type}"
        facts.append((f"To (output {o.index})", f"{where}\n{_btc(o.amount)}"))
    fee_rate = "" if review.fee_rate is None else f" ({review.fee_rate:.1f} sat/vB)"
    facts.append(("Fee", _btc(review.fee) + fee_rate))
    for o in review.outputs:
        if o.kind in ("change", "self"):
            label = "Change" if o.kind == "change" else "To yourself"
            facts.append((f"{label} (output {o.index})", f"{_btc(o.amount)}\n{o.path or ''}".strip()))
    ours = sum(1 for i in review.inputs if i.ours)
    facts.append(("Inputs", f"{len(review.inputs)} ({ours} of this seed), {_btc(review.total_in)}"))
    if review.multisig_wallets:
        facts.append(("Wallet", ", ".join(review.multisig_wallets)))
    return facts


def _btc_sign(candidate: BtcCandidate, accepted: bool) -> bytes:
    from signer.btc import sign_reviewed

    return sign_reviewed(candidate.review, candidate.keys, accept_risk=accepted).psbt


def btc_result(session: Session, signed: bytes, payload: Payload) -> Screen:
    ur_type = payload.ur_type if payload.format == "ur" and payload.ur_type else "crypto-psbt"
    ur = ("UR", exports.bytes_encoder(signed, ur_type))
    bbqr = ("BBQr", exports.bbqr_encoder(signed, "P"))
    encoders = [bbqr, ur] if payload.format == "bbqr" else [ur, bbqr]
    if payload.format == "base43":  # Electrum reads only its own base43 form: first when it fits
        from signer.transport import base43
        from signer.transport.errors import TransportError

        electrum = exports.text_encoder(base43.encode(signed), ecc="L")  # as dense as one code can be
        try:
            electrum(session.setting("qr_density"))
            encoders.insert(0, ("Electrum", electrum))
        except TransportError:  # too long for one code on this screen: still offered, last
            encoders.append(("Electrum", electrum))
    return qr_screen(session, "Signed PSBT", encoders, "Scan with your wallet")


# -- Ethereum -------------------------------------------------------------------------------
def eth_sign(session: Session, payload: Payload) -> Action:
    from signer.eth.request import parse_payload

    try:
        request = parse_payload(payload)
    except AirlockError as exc:
        if payload.kind in ("json", "text", "bytes", "binary"):
            return Replace(
                info(
                    "Nothing to sign",
                    f"This QR code holds {kind_name(payload.kind)} that is not a signing request ({exc}).",
                )
            )
        return Replace(error("Not a valid request", str(exc)))
    seeds = session.seeds()
    if request.fingerprint is not None:
        wanted = f"{request.fingerprint:08x}"
        match = [s for s in seeds if session.fingerprint(s) == wanted]
        if not match:
            return Replace(
                error(
                    "Wrong seed",
                    f"The request is for the seed with fingerprint {wanted}; it is not "
                    "loaded here (check the passphrase).",
                )
            )
        return eth_review(session, match[0], request, payload, replace=True)
    if len(seeds) == 1:
        return eth_review(session, seeds[0], request, payload, replace=True)
    items = [
        MenuItem(
            s.label,
            lambda s=s: eth_review(session, s, request, payload, replace=True),
            detail=session.fingerprint(s),
        )
        for s in seeds
    ]
    return Replace(Menu("Sign with", items))


def _eth_context(entry: SeedEntry) -> Any:
    from signer.risk.library import builtin_library
    from signer.risk.rules import RiskContext

    return RiskContext(history=seed_history(entry.history), library=builtin_library(), now=int(time.time()))


def eth_review(
    session: Session, entry: SeedEntry, request: EthRequest, payload: Payload, *, replace: bool = False
) -> Action:
    from signer.eth.request import review_request

    def job() -> EthReview:
        return review_request(request, session.seed_bytes(entry), _eth_context(entry))

    def reviewed(review: EthReview) -> Action:
        screen = ReviewScreen(eth_model(session, entry, request, review, payload))
        screen.update(eth_model(session, entry, request, review, payload, screen=screen))
        return Replace(screen)

    working = Working(
        "Ethereum",
        "Decoding the request...",
        job,
        reviewed,
        lambda exc: Replace(error("Cannot review", str(exc))),
    )
    return Replace(working) if replace else Push(working)


def eth_facts(review: EthReview) -> list[tuple[str, str]]:
    from signer.eth.primitives import checksum

    facts: list[tuple[str, str]] = []
    if review.chain is not None:
        facts.append(("Network", f"{review.chain.name} ({review.chain.chain_id})"))
    if review.signer is not None:
        facts.append(("Signing account", f"{text.chunked(checksum(review.signer))}\n{review.path}"))
    tx = review.tx
    if tx is not None:
        from signer.eth.effects import format_amount

        facts.append(("To", text.chunked(checksum(tx.to)) if tx.to else "(a new contract)"))
        facts.append(("Value", format_amount(tx.chain_id, None, tx.value)))
    chain_id = review.chain.chain_id if review.chain else 1
    shown: list[object] = []
    if review.call is not None:  # a transaction's call, or the call a Safe transaction makes
        for call in review.call.walk():
            if call.depth or call.title not in review.title:  # the headline already says it
                facts.append(("Call" if call.depth == 0 else f"Inner call {call.depth}", call.title))
            for effect in call.effects:
                shown.append(effect)
                described = effect.describe(chain_id)
                if described not in review.title:
                    facts.append(("Effect", described))
    if tx is not None:
        facts.append(("Max fee", format_amount(tx.chain_id, None, tx.max_fee)))
        facts.append(("Nonce / gas limit", f"{tx.nonce} / {tx.gas_limit}"))
        for auth in tx.authorization_list:
            facts.append(("EIP-7702 delegation", f"to {checksum(auth.address)} on chain {auth.chain_id}"))
        if tx.data:
            facts.append(("Data", f"{len(tx.data)} bytes"))
    if review.meaning is not None:
        for effect in review.meaning.effects:
            if effect not in shown:
                facts.append(("Effect", effect.describe(chain_id)))
    if review.typed_data is not None:
        for field in review.typed_data.fields():
            facts.append((field.path, field.display))
    if review.message is not None:
        facts.append(("Message", review.message.display()))
    for note in review.notes:
        facts.append(("Note", note))
    return facts


def eth_model(
    session: Session,
    entry: SeedEntry,
    request: EthRequest,
    review: EthReview,
    payload: Payload,
    screen: ReviewScreen | None = None,
) -> ReviewModel:
    def approve(accepted: bool) -> Action:
        return Push(
            Working(
                "Signing",
                "Signing...",
                lambda: _eth_sign(session, entry, request, review, accepted),
                lambda result: Home(then=eth_result(session, result, payload)),
                lambda exc: Replace(error("Not signed", str(exc))),
            )
        )

    edit = None
    if screen is not None and _editable_approval(request, review):
        edit = ("limit", lambda: Push(approval_limit(session, entry, request, review, payload, screen)))
    return ReviewModel(
        "Ethereum",
        eth_facts(review),
        approve,
        warnings=list(review.warnings),
        refusals=list(review.refusals),
        headline=review.title,
        edit=edit,
        extra={"codes": sorted(review.codes()), "kind": review.kind},
    )


def _editable_approval(request: EthRequest, review: EthReview) -> bool:
    """Offer the 'limit' key for an unlimited approval the signer can lower (raw or ERC-4527)."""
    from signer.eth.approval_limit import editable_approval
    from signer.eth.effects import allowance_is_unlimited

    approval = editable_approval(review.tx)
    return approval is not None and allowance_is_unlimited(approval.chain_id, approval.token, approval.amount)


def approval_limit(
    session: Session,
    entry: SeedEntry,
    request: EthRequest,
    review: EthReview,
    payload: Payload,
    screen: ReviewScreen,
) -> Keyboard:
    """Type a limit for the approval (token units, or base units for unlisted tokens); the signer
    edits the transaction and the review starts again from the first page."""
    from signer.eth.approval_limit import RAW_SUFFIX, apply_limit, editable_approval, parse_limit
    from signer.eth.request import review_request

    approval = editable_approval(review.tx)
    assert approval is not None

    def amount_of(value: str) -> int:
        return parse_limit(value + (RAW_SUFFIX if approval.decimals is None else ""), approval)

    def validate(value: str) -> str | None:
        try:
            amount_of(value)
        except AirlockError as exc:
            return str(exc)
        return None

    def done(value: str) -> Action:
        try:
            edited = apply_limit(request, amount_of(value))
            new_review = review_request(edited, session.seed_bytes(entry), _eth_context(entry))
        except AirlockError as exc:
            return Replace(error("Not changed", str(exc)))
        screen.update(eth_model(session, entry, edited, new_review, payload, screen=screen))
        return Pop(None)

    return Keyboard(
        f"Limit in {approval.unit}"[:40],
        done,
        layout="digits",
        validate=validate,
        max_len=40,
        status=lambda v: f"approve at most {v or '0'} {approval.unit}",
    )


def _eth_sign(
    session: Session, entry: SeedEntry, request: EthRequest, review: EthReview, accepted: bool
) -> Any:
    from signer.eth.request import sign_request

    result = sign_request(request, review, session.seed_bytes(entry), accept_risk=accepted)
    recipients = review.recipients()
    if recipients:
        history = seed_history(entry.history)
        for address in recipients:
            history.add(address)
        updated = {**(entry.history or {}), HISTORY_KEY: history.to_json()}
        if session.vault is not None and not session.is_temporary(entry):
            from signer.keys.errors import VaultError

            try:
                session.vault.set_history(entry.label, updated)
            except (VaultError, OSError):
                # The signature exists: show it. Keeping the history only in memory weakens the
                # lookalike check after a restart, which is better than hiding a made signature.
                entry.history = updated
        else:
            entry.history = updated
    return result


def eth_result(session: Session, result: Any, payload: Payload) -> Screen:
    if result.source == "erc4527" and result.edited:  # the wallet cannot use a signature: see approval_limit
        data = result.raw_reply()
        encoders = [("text", exports.text_encoder("0x" + data.hex())), ("UR", exports.bytes_encoder(data))]
        return qr_screen(session, "Signed transaction", encoders, "Broadcast it; reject it in the wallet")
    if result.source == "erc4527":
        from signer.transport.ur import UR

        ur = UR("eth-signature", result.response().to_cbor())
        return qr_screen(session, "Signature", [("UR", exports.ur_encoder(ur))], "Scan with your wallet")
    data = result.raw_reply()
    if payload.format == "bbqr":
        encoders = [("BBQr", exports.bbqr_encoder(data, "B")), ("UR", exports.bytes_encoder(data))]
    elif payload.format == "ur":
        encoders = [("UR", exports.bytes_encoder(data)), ("BBQr", exports.bbqr_encoder(data, "B"))]
    else:
        encoders = [("text", exports.text_encoder("0x" + data.hex())), ("UR", exports.bytes_encoder(data))]
    return qr_screen(session, "Signed", encoders, "Scan with your wallet")


# -- address checks -------------------------------------------------------------------------
def address_check(session: Session, payload: Payload) -> Action:
    """Scanned an address (any form): say whether it is one of ours, and where, as the CLI does."""
    from signer.address_lookup import SeedToSearch, check, parse_address_query

    try:
        query = parse_address_query(payload)
    except AirlockError as exc:
        return Replace(error("Not an address", str(exc)))
    seeds = [
        SeedToSearch(
            entry.label,
            lambda entry=entry: session.seed_bytes(entry),
            tuple(entry.accounts),
            tuple((m["name"], m["descriptor"]) for m in entry.multisig),
        )
        for entry in session.seeds()
    ]

    def done(result: Any) -> Action:
        body = "\n".join([text.chunked(result.query.address), *result.lines()])
        if result.found:
            return Replace(info(result.title, body))
        return Replace(Message(result.title, body, severity="warn"))

    return Replace(
        Working(
            "Address",
            "Searching your addresses...",
            lambda: check(query, seeds),
            done,
            lambda exc: Replace(error("Not checked", str(exc))),
        )
    )
