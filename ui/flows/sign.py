"""Scan anything, then do what it asks: review and sign a request of any registered chain (Bitcoin
PSBTs and messages, Ethereum requests, ...), register a multisig wallet (``ui.flows.multisig``),
check whether an address is ours, import a SeedQR, restore a backup.

Signing always goes scan -> review (warnings first, danger needs a long hold) -> sign -> animated
QR of the result. Nothing is signed without a review of exactly what is signed. What a request
means, which seed signs it and what the reply is are the chains' (signer.chains); this module
routes and draws: one review screen and one result screen for every chain.

Imported where they are needed, so that the scan opens quickly on a Pi Zero: the seed flows (some forty
modules, shamir-mnemonic) when a SeedQR is scanned, the seed's keys and the address search (embit)
when a review or an address check starts.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from signer.chains import registry
from signer.chains.choice import Ask, NotLoaded, Reviewed, SigningSeed, choose_seed, review_first, review_with
from signer.chains.contract import Chain, Claim, Context, Edit, Offer, Request, SeedChoice, Signed
from signer.errors import AirlockError
from signer.keys import backup
from signer.keys.errors import VaultError
from signer.review import Severity
from signer.transport.errors import TransportError
from signer.transport.payload import ADDRESS_KINDS, PayloadKind
from ui import exports, text
from ui.flows import multisig
from ui.flows import vault as vault_flows
from ui.flows.export import qr_screen
from ui.screen import Action, Home, Pop, Push, Replace, Screen
from ui.screens.keyboard import Keyboard
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import Message, error, info
from ui.screens.review import ReviewModel, ReviewScreen
from ui.screens.scan import ScanScreen, kind_name
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.chains.contract import KeySource
    from signer.keys.vault import SeedEntry
    from signer.transport.payload import Payload
    from ui.session import Session


def scan_anything(session: Session) -> ScanScreen:
    return ScanScreen(session, "Scan", lambda payload: dispatch(session, payload))


def dispatch(session: Session, payload: Payload) -> Action:
    """What to do with a scanned payload of any kind."""
    kind = payload.kind
    if kind == PayloadKind.SEED:
        from ui.flows import seeds

        material = seeds.material_from_seed_payload(payload)
        if material is None:
            return Replace(error("Not usable", "This seed QR code does not hold BIP-39 entropy."))
        return seeds.finish_seed(session, material, temporary=session.vault is None)
    if kind in (PayloadKind.BYTES, PayloadKind.BINARY) and backup.is_backup(payload.data):
        if session.vault is None:
            return Replace(error("Vault locked", "Restoring a backup needs an unlocked vault."))
        return Replace(vault_flows.backup_password(session, payload.data, into_new=False))
    if not session.seeds():
        return Replace(error("No seed", "Add a seed first: there is nothing to sign with."))
    chain, claim = registry.claiming(payload)
    if chain is not None and claim is Claim.YES:
        return sign(session, chain, claim, payload)
    if kind in multisig.WALLET_KINDS:  # a wallet file travels as text, JSON or bytes: before a guess
        try:
            is_wallet = multisig.wallet_text(payload) is not None
        except AirlockError as exc:
            return Replace(error("Not a wallet", str(exc)))
        if is_wallet:
            return multisig.register(session, payload)
    if chain is not None:
        return sign(session, chain, claim, payload)
    if kind in ADDRESS_KINDS:
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


# -- signing: one flow for every chain --------------------------------------------------------------
def signing_seeds(session: Session) -> list[SigningSeed]:
    """The loaded seeds as the chains choose among them (keys derived only when a review needs them)."""
    settings_networks = list(session.setting("networks"))
    return [
        SigningSeed(
            entry.label,
            session.fingerprint(entry),
            partial(_seed_keys, session, entry),
            Context(
                label=entry.label,
                accounts=tuple(entry.accounts),
                networks=(*(a.network for a in entry.accounts if a.is_bitcoin), *settings_networks),
                history=entry.history,
            ),
            entry,
        )
        for entry in session.seeds()
    ]


def _seed_keys(session: Session, entry: SeedEntry) -> KeySource:
    from signer.chains.keys import SeedKeys

    return SeedKeys(session.seed_bytes(entry), entry.multisig)


def sign(session: Session, chain: Chain, claim: Claim, payload: Payload) -> Action:
    """Choose the seed as the chain says, then review."""
    words = chain.wording
    if chain.seed_choice is SeedChoice.BY_REVIEW:  # the choice needs the reviews: all in the background

        def job() -> Reviewed | None:
            return review_first(chain, chain.parse(payload), signing_seeds(session))

        def reviewed(found: Reviewed | None) -> Action:
            if found is None:
                return Replace(error("Cannot review", "No seed is loaded."))
            return Replace(review_screen(session, chain, found))

        def failed(exc: AirlockError) -> Action:
            return Replace(error(words.review_failed, str(exc)))

        return Replace(Working(words.title, words.reviewing, job, reviewed, failed))
    try:
        request = chain.parse(payload)
    except AirlockError as exc:
        if claim is Claim.MAYBE:  # a generic container that holds no request of this chain
            return Replace(
                info(
                    "Nothing to sign",
                    f"This QR code holds {kind_name(payload.kind)} that is not a signing request ({exc}).",
                )
            )
        return Replace(error("Not a valid request", str(exc)))
    choice = choose_seed(chain, request, signing_seeds(session))
    if isinstance(choice, NotLoaded):
        return Replace(error("Wrong seed", choice.message))
    if isinstance(choice, Ask):
        items = [
            MenuItem(s.label, partial(review, session, chain, s, request), detail=s.fingerprint)
            for s in choice.seeds
        ]
        return Replace(Menu("Sign with", items))
    return review(session, chain, choice.seed, request)


def review(session: Session, chain: Chain, seed: SigningSeed, request: Request) -> Action:
    words = chain.wording
    return Replace(
        Working(
            words.title,
            words.reviewing,
            lambda: review_with(chain, request, seed),
            lambda found: Replace(review_screen(session, chain, found)),
            lambda exc: Replace(error(words.review_failed, str(exc))),
        )
    )


def review_screen(session: Session, chain: Chain, found: Reviewed) -> ReviewScreen:
    screen = ReviewScreen(review_model(session, chain, found))
    screen.update(review_model(session, chain, found, screen))
    return screen


def review_model(
    session: Session, chain: Chain, found: Reviewed, screen: ReviewScreen | None = None
) -> ReviewModel:
    """The review screen's model, from the chain's review as it is (no per-chain model)."""
    current = found.review

    def approve(accepted: bool) -> Action:
        return Push(
            Working(
                "Signing",
                chain.wording.signing,
                lambda: _sign(session, chain, found, accepted),
                lambda signed: Home(then=result_screen(session, signed)),
                lambda exc: Replace(error("Not signed", str(exc))),
            )
        )

    edit = None
    edits = chain.edits(current) if screen is not None else ()
    if screen is not None and edits:  # the screen shows the edited review in place
        first, shown = edits[0], screen
        edit = (first.label, lambda: Push(edit_keyboard(session, chain, found, first, shown)))
    return ReviewModel(
        current.title,
        [(f.label, f.value) for f in current.facts],
        approve,
        warnings=list(current.warnings),
        refusals=list(current.refusals),
        headline=current.headline,
        edit=edit,
        extra={"codes": list(current.codes), "kind": current.kind, **current.figures},
    )


def edit_keyboard(
    session: Session, chain: Chain, found: Reviewed, edit: Edit, screen: ReviewScreen
) -> Keyboard:
    """Type the edit's value (e.g. a limit for an approval); the edited request is reviewed again and
    the review starts again from the first page."""

    def done(value: str) -> Action:
        try:
            edited = edit.apply(value)
            again = chain.review(edited, found.keys, found.seed.context)
        except AirlockError as exc:
            return Replace(error("Not changed", str(exc)))
        screen.update(review_model(session, chain, Reviewed(found.seed, found.keys, again), screen))
        return Pop(None)

    return Keyboard(
        edit.prompt,
        done,
        layout=edit.layout,
        validate=edit.validate,
        max_len=edit.max_len,
        status=edit.status,
    )


def _sign(session: Session, chain: Chain, found: Reviewed, accepted: bool) -> Signed:
    signed = chain.sign(found.review, found.keys, accepted)
    if signed.history is not None:
        _keep_history(session, cast("SeedEntry", found.seed.handle), dict(signed.history))
    return signed


def _keep_history(session: Session, entry: SeedEntry, history: dict[str, Any]) -> None:
    """Store the seed's signing history in the vault (in memory for a temporary seed)."""
    if session.vault is not None and not session.is_temporary(entry):
        try:
            session.vault.set_history(entry.label, history)
        except (VaultError, OSError):
            # The signature exists: show it. Keeping the history only in memory weakens the
            # lookalike check after a restart, which is better than hiding a made signature.
            entry.history = history
    else:
        entry.history = history


def result_screen(session: Session, signed: Signed) -> Screen:
    """The signed result as the chain offers it; an offer that must fit one code comes first when it
    does (Electrum's base43), else last."""
    density = session.setting("qr_density")
    first: list[tuple[str, exports.Encoder]] = []
    rest: list[tuple[str, exports.Encoder]] = []
    last: list[tuple[str, exports.Encoder]] = []
    for offer in signed.offers:
        encoder = _encoder(offer)
        if not offer.one_code:
            rest.append((offer.label, encoder))
            continue
        try:
            encoder(density)
            first.append((offer.label, encoder))
        except TransportError:
            last.append((offer.label, encoder))
    return qr_screen(session, signed.title, [*first, *rest, *last], signed.hint)


def _encoder(offer: Offer) -> exports.Encoder:
    if offer.form == "text":
        return exports.text_encoder(str(offer.data), ecc=offer.ecc)
    data = offer.data if isinstance(offer.data, bytes) else offer.data.encode()
    if offer.form == "bbqr":
        return exports.bbqr_encoder(data, offer.type)
    return exports.bytes_encoder(data, offer.type)


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
            partial(session.seed_bytes, entry),
            tuple(entry.accounts),
            tuple((m["name"], m["descriptor"]) for m in entry.multisig),
        )
        for entry in session.seeds()
    ]

    def done(result: Any) -> Action:
        body = "\n".join([text.chunked(result.query.address), *result.lines()])
        if result.found:
            return Replace(info(result.title, body))
        return Replace(Message(result.title, body, severity=Severity.WARN))

    return Replace(
        Working(
            "Address",
            "Searching your addresses...",
            lambda: check(query, seeds),
            done,
            lambda exc: Replace(error("Not checked", str(exc))),
        )
    )
