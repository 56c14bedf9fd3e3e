"""Sign a Bitcoin message scanned as SeedSigner's ``signmessage`` QR (Sparrow's "Sign/Verify
Message" with a QR signer): choose the seed, review (the whole message, the address and its path,
warnings), approve, and show the base64 signature as the QR code Sparrow scans back.

The review and the signature are the signer's (``signer.btc.message_request``); this only draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ui import exports, text
from ui.flows.export import qr_screen
from ui.screen import Action, Home, Push, Replace
from ui.screens.menu import Menu, MenuItem
from ui.screens.message import error
from ui.screens.review import ReviewModel, ReviewScreen
from ui.screens.working import Working

if TYPE_CHECKING:
    from signer.btc.keys import BtcKeys
    from signer.btc.message_request import MessageReview
    from signer.keys.vault import SeedEntry
    from signer.transport.payload import Payload
    from signer.transport.signmessage import SignMessageRequest
    from ui.session import Session

TITLE = "Sign message"


def sign_message(session: Session, payload: Payload) -> Action:
    request: SignMessageRequest = payload.obj  # type: ignore[assignment]
    seeds = session.seeds()
    if len(seeds) == 1:
        return review(session, seeds[0], request)
    items = [
        MenuItem(s.label, lambda s=s: review(session, s, request), detail=session.fingerprint(s))
        for s in seeds
    ]
    return Replace(Menu("Sign with", items))


def review(session: Session, entry: SeedEntry, request: SignMessageRequest) -> Action:
    def job() -> tuple[MessageReview, BtcKeys]:
        from signer.btc.message_request import account_paths, keys_for, review_message

        preferred = [a.network for a in entry.accounts if a.is_bitcoin] + list(session.setting("networks"))
        keys = keys_for(request, session.seed_bytes(entry), preferred)
        return review_message(request, keys, account_paths(entry.accounts)), keys

    def reviewed(result: tuple[MessageReview, BtcKeys]) -> Action:
        return Replace(ReviewScreen(model(session, entry, *result)))

    return Replace(
        Working(
            TITLE,
            "Finding the signing address...",
            job,
            reviewed,
            lambda exc: Replace(error("Cannot sign", str(exc))),
        )
    )


def model(session: Session, entry: SeedEntry, review: MessageReview, keys: BtcKeys) -> ReviewModel:
    facts = [
        (f"Message ({len(review.message)} bytes)", review.shown),
        ("Signing address", text.chunked(review.address)),
        ("Path", review.path_text),
        ("Seed", f"{entry.label} {session.fingerprint(entry)}"),
    ]

    def approve(_accepted: bool) -> Action:
        return Push(
            Working(
                "Signing",
                "Signing the message...",
                lambda: _sign(review, keys),
                lambda signed: Home(then=result(session, signed)),
                lambda exc: Replace(error("Not signed", str(exc))),
            )
        )

    return ReviewModel(
        TITLE,
        facts,
        approve,
        warnings=list(review.warnings),
        headline="Sign this message?",
        extra={"codes": sorted(review.codes()), "address": review.address, "path": review.path_text},
    )


def _sign(review: MessageReview, keys: BtcKeys) -> Any:
    from signer.btc.message_request import sign_reviewed_message

    return sign_reviewed_message(review, keys)


def result(session: Session, signed: Any) -> Any:
    """The signature as one text QR (base64, as SeedSigner shows it and Sparrow reads it)."""
    return qr_screen(
        session,
        "Message signature",
        [("text", exports.text_encoder(signed.signature))],
        "Scan with your wallet",
    )
