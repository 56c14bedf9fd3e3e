"""SeedSigner's / Sparrow's ``signmessage`` QR as a chain of the registry (signer.btc.message_request
reviews and signs it; this gives it the common shape).

The request names no seed: with several, the person chooses. The reply is the base64 signature as
one text QR, what Sparrow scans back (``airlock sign`` prints it).

signer.btc.message_request is imported by the verbs that use it: the registry asks ``claims`` of
every payload, Ethereum requests included, and those should not load the Bitcoin signer.
"""

from __future__ import annotations

from signer.chains.contract import (
    Chain,
    ChainOption,
    Claim,
    Context,
    Fact,
    KeySource,
    Offer,
    Request,
    Review,
    Signed,
    Wording,
    check_keys,
)
from signer.chains.keys import bitcoin_signer
from signer.display import chunked
from signer.transport.errors import TransportError
from signer.transport.payload import Payload, PayloadKind
from signer.transport.signmessage import from_payload

KIND = PayloadKind.BTC_SIGN_MESSAGE


class MessageChain(Chain):
    name = "bitcoin-message"
    kinds = frozenset({KIND})
    wording = Wording(
        title="Sign message",
        reviewing="Finding the signing address...",
        review_failed="Cannot sign",
        signing="Signing the message...",
    )
    options = frozenset({ChainOption.NETWORK})

    def claims(self, payload: Payload) -> Claim:
        """A request read as one (plain QR text), or one inside ur:bytes or a BBQr text file; one that
        claims to be a request and breaks the grammar is claimed too, for ``parse`` to say why."""
        try:
            return Claim.YES if from_payload(payload) is not None else Claim.NO
        except TransportError:
            return Claim.YES

    def parse(self, payload: Payload) -> Request:
        found = from_payload(payload)
        if found is None:
            raise TransportError("not a sign-message request")
        return Request(found, found.obj)

    def review(self, request: Request, keys: KeySource, context: Context) -> Review:
        from signer.btc.message_request import account_paths, keys_for, review_message  # lazily (docstring)

        btc_keys = keys_for(request.body, keys.bitcoin, context.networks, network=context.network)
        accounts = account_paths(context.accounts) if context.accounts is not None else None
        detail = review_message(request.body, btc_keys, accounts)
        fingerprint = keys.fingerprint.hex()
        return Review(
            chain="bitcoin",
            kind=KIND,
            title=self.wording.title,
            headline="Sign this message?",
            facts=(
                Fact(f"Message ({len(detail.message)} bytes)", detail.shown),
                Fact("Signing address", chunked(detail.address)),
                Fact("Path", detail.path_text),
                Fact("Seed", f"{context.label} {fingerprint}"),
            ),
            warnings=detail.warnings,
            refusals=(),  # a path that cannot sign here is refused by the review itself (BtcRefusal)
            detail=detail,
            request=request,
            context=context,
            fingerprint=fingerprint,
            codes=tuple(sorted(detail.codes())),
            figures={"address": detail.address, "path": detail.path_text},
        )

    def sign(self, review: Review, keys: KeySource, accept_risk: bool) -> Signed:
        from signer.btc.message_request import MessageReview, sign_reviewed_message  # lazily (docstring)

        check_keys(review, keys)
        detail = review.detail
        assert isinstance(detail, MessageReview)
        signed = sign_reviewed_message(detail, bitcoin_signer(keys, detail.network))
        reply = Offer("text", "text", signed.signature)
        return Signed(
            "Message signature",
            "Scan with your wallet",
            (reply,),
            reply=reply,
            note=f"signed the message with {signed.address} ({signed.path})",
            detail=signed,
        )


MESSAGE_CHAIN = MessageChain()
