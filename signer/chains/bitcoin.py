"""Bitcoin PSBTs (BIP-174/370), BIP-322 proofs among them, as a chain of the registry.

The seed is chosen by review: the first seed (and network) with inputs of its own in the PSBT.
The reply is the signed PSBT in the request's format family: UR (same type name) or BBQr, and
Electrum's base43 first when Electrum sent it and it fits one code.

The PSBT review and signing (signer.btc) are imported by the verbs that use them: the registry
imports this module to ask ``claims`` of every payload, Ethereum requests included, and those
should not wait for the Bitcoin review to load (a second or more on a Pi Zero).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from signer.chains.contract import (
    Chain,
    ChainOption,
    Claim,
    Context,
    KeySource,
    Offer,
    Request,
    Review,
    SeedChoice,
    Signed,
    Wording,
    check_keys,
)
from signer.chains.keys import bitcoin_signer
from signer.transport import base43
from signer.transport.payload import Payload, PayloadKind

if TYPE_CHECKING:
    from signer.btc.sign import SignedPsbt

RESULT_HINT = "Scan with your wallet"


class PsbtChain(Chain):
    name = "bitcoin"
    kinds = frozenset({PayloadKind.PSBT})
    wording = Wording(
        title="Bitcoin",
        reviewing="Checking the transaction...",
        review_failed="Not a valid PSBT",
        signing="Signing the transaction...",
    )
    seed_choice = SeedChoice.BY_REVIEW
    options = frozenset(
        {ChainOption.NETWORK, ChainOption.TIP_HEIGHT, ChainOption.PROOF_MESSAGE, ChainOption.FINALIZE}
    )

    def claims(self, payload: Payload) -> Claim:
        return Claim.YES if payload.kind == PayloadKind.PSBT else Claim.NO

    def parse(self, payload: Payload) -> Request:
        from signer.btc.psbt_io import load_psbt  # lazily: see the module's docstring

        return Request(payload, load_psbt(payload.data))

    def review(self, request: Request, keys: KeySource, context: Context) -> Review:
        from signer.btc.analyze import review_psbt  # lazily: see the module's docstring
        from signer.btc.network_choice import has_own_inputs, review_on_networks
        from signer.chains import bitcoin_facts

        psbt, height, message = request.body, context.tip_height, context.proof_message
        if context.network:
            detail = review_psbt(psbt, keys.bitcoin(context.network), tip_height=height, message=message)
        else:
            networks = context.networks
            _, detail = review_on_networks(psbt, keys.bitcoin, networks, tip_height=height, message=message)
        return Review(
            chain="bitcoin",
            kind=detail.kind,
            title=self.wording.title,
            headline=bitcoin_facts.headline(detail),
            facts=bitcoin_facts.facts(detail, context.label),
            warnings=bitcoin_facts.warnings(detail),
            refusals=detail.refusals,
            detail=detail,
            request=request,
            context=context,
            fingerprint=detail.fingerprint,
            codes=tuple(sorted(detail.codes())),
            figures={"sent": detail.sent, "fee": detail.fee, "change": detail.change},
            ours=has_own_inputs(detail),
        )

    def sign(self, review: Review, keys: KeySource, accept_risk: bool) -> Signed:
        from signer.btc.review import Review as PsbtReview  # lazily: see the module's docstring
        from signer.btc.sign import sign_reviewed

        check_keys(review, keys)
        detail = review.detail
        assert isinstance(detail, PsbtReview)
        signer = bitcoin_signer(keys, detail.network)
        signed = sign_reviewed(detail, signer, accept_risk=accept_risk, finalize=review.context.finalize)
        return signed_reply(signed, review.request.payload)


def signed_reply(signed: SignedPsbt, payload: Payload) -> Signed:
    """The signed PSBT in the request's format family, UR first unless the request came as BBQr."""
    psbt = signed.psbt
    ur_type = payload.ur_type if payload.format == "ur" and payload.ur_type else "crypto-psbt"
    ur = Offer("UR", "ur", psbt, ur_type)
    bbqr = Offer("BBQr", "bbqr", psbt, "P")
    offers = [bbqr, ur] if payload.format == "bbqr" else [ur, bbqr]
    if payload.format == "base43":  # Electrum reads only its own base43 form: as dense as one code can be
        offers.append(Offer("Electrum", "text", base43.encode(psbt), ecc="L", one_code=True))
    as_base64 = Offer("base64", "base64", psbt)
    return Signed(
        "Signed PSBT",
        RESULT_HINT,
        tuple(offers),
        reply={"ur": ur, "bbqr": bbqr}.get(payload.format, as_base64),
        replies={"ur": ur, "bbqr": bbqr, "base64": as_base64},
        note=f"signed input(s) {', '.join(map(str, signed.signed_inputs))}",
        detail=signed,
    )


PSBT_CHAIN = PsbtChain()

__all__ = ["PSBT_CHAIN", "PsbtChain", "signed_reply"]
