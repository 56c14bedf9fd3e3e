"""Ethereum requests as a chain of the registry: ERC-4527 ``eth-sign-request`` (MetaMask, Rabby...)
and raw requests (an unsigned transaction, EIP-712 JSON or a message, as hex text, ur:bytes or BBQr).

The seed is the one the request names by fingerprint (ERC-4527), else the only one, else the
person's choice. Replies: ``ur:eth-signature`` for ERC-4527; for raw requests the signed
transaction (or the 65-byte signature) in the request's format family, 0x-hex for plain text; for
an ERC-4527 transaction whose approval was lowered here, the whole signed transaction to broadcast
(signer.eth.approval_limit says why). A signature's recipients join the seed's address history.
"""

from __future__ import annotations

from typing import Any

from signer.chains import ethereum_facts
from signer.chains.contract import (
    Chain,
    ChainOption,
    Claim,
    Context,
    Edit,
    KeySource,
    Offer,
    Request,
    Review,
    Signed,
    Wording,
    check_keys,
)
from signer.chains.ethereum_review import history_after, review_request, risk_context
from signer.chains.keys import ethereum_signer
from signer.errors import AirlockError, UsageError
from signer.eth.approval_limit import BROADCAST_NOTE, RAW_SUFFIX, apply_limit, editable_approval, parse_limit
from signer.eth.effects import allowance_is_unlimited
from signer.eth.errors import EthError
from signer.eth.request import EthRequest, EthSignResult, parse_payload, sign_request, text_message_request
from signer.eth.review import EthReview
from signer.eth.tx import UnsignedTx
from signer.transport.payload import Payload, PayloadKind

ERC4527_KIND = PayloadKind.ETH_SIGN_REQUEST
# generic containers a raw request comes in
RAW_KINDS = frozenset({PayloadKind.BYTES, PayloadKind.BINARY, PayloadKind.JSON, PayloadKind.TEXT})
SCAN_HINT = "Scan with your wallet"


class EthereumChain(Chain):
    name = "ethereum"
    kinds = frozenset({ERC4527_KIND, *RAW_KINDS})
    wording = Wording(
        title="Ethereum",
        reviewing="Decoding the request...",
        review_failed="Cannot review",
        signing="Signing...",
    )
    options = frozenset({ChainOption.APPROVAL_LIMIT})

    def claims(self, payload: Payload) -> Claim:
        if payload.kind == ERC4527_KIND:
            return Claim.YES
        return Claim.MAYBE if payload.kind in RAW_KINDS else Claim.NO

    def parse(self, payload: Payload) -> Request:
        return Request(payload, parse_payload(payload))

    def prepare(self, request: Request, context: Context) -> Request:
        """``--approval-limit``: the request with its approval lowered (a usage error if it has none)."""
        if context.approval_limit is None:
            return request
        body: EthRequest = request.body
        approval = editable_approval(body.payload if isinstance(body.payload, UnsignedTx) else None)
        if approval is None:
            raise UsageError(
                "--approval-limit: the request has no approve / increaseAllowance (or Permit2 approve) call "
                "to limit; nothing was signed"
            )
        try:
            return Request(request.payload, apply_limit(body, parse_limit(context.approval_limit, approval)))
        except EthError as exc:
            raise UsageError(f"--approval-limit: {exc}; nothing was signed") from None

    def wanted_fingerprint(self, request: Request) -> str | None:
        fingerprint = request.body.fingerprint
        return None if fingerprint is None else f"{fingerprint:08x}"

    def review(self, request: Request, keys: KeySource, context: Context) -> Review:
        detail = review_request(request.body, keys.ethereum(), risk_context(context.history, context.now))
        return Review(
            chain="ethereum",
            kind=detail.kind,
            title=self.wording.title,
            headline=detail.title,
            facts=ethereum_facts.facts(detail),
            warnings=detail.warnings,
            refusals=detail.refusals,
            detail=detail,
            request=request,
            context=context,
            fingerprint=keys.fingerprint.hex(),
            codes=tuple(sorted(detail.codes())),
        )

    def sign(self, review: Review, keys: KeySource, accept_risk: bool) -> Signed:
        check_keys(review, keys)
        detail = review.detail
        assert isinstance(detail, EthReview)
        result = sign_request(review.request.body, detail, ethereum_signer(keys), accept_risk=accept_risk)
        history = history_after(review.context.history, detail)
        return signed_reply(result, review.request.payload, detail, history)

    def edits(self, review: Review) -> tuple[Edit, ...]:
        """The 'limit' key: an unlimited approval the signer can lower (raw or ERC-4527)."""
        detail = review.detail
        assert isinstance(detail, EthReview)
        approval = editable_approval(detail.tx)
        if approval is None or not allowance_is_unlimited(approval.chain_id, approval.token, approval.amount):
            return ()
        request = review.request

        def amount_of(value: str) -> int:  # digits from the keyboard: base units for unlisted tokens
            return parse_limit(value + (RAW_SUFFIX if approval.decimals is None else ""), approval)

        def validate(value: str) -> str | None:
            try:
                amount_of(value)
            except AirlockError as exc:
                return str(exc)
            return None

        return (
            Edit(
                label="limit",
                prompt=f"Limit in {approval.unit}"[:40],
                validate=validate,
                status=lambda value: f"approve at most {value or '0'} {approval.unit}",
                apply=lambda value: Request(request.payload, apply_limit(request.body, amount_of(value))),
            ),
        )


def text_message(text: str) -> Request:
    """A personal_sign request for ``text`` exactly as given (never read as hex)."""
    return Request(Payload(PayloadKind.TEXT, "plain", text.encode("utf-8")), text_message_request(text))


def signed_reply(
    result: EthSignResult, payload: Payload, review: EthReview, history: dict[str, Any] | None
) -> Signed:
    note = f"signed with {review.path}"
    if result.source == "erc4527" and result.edited:  # the wallet cannot use a signature: see approval_limit
        data = result.raw_reply()
        as_hex = Offer("text", "text", "0x" + data.hex())
        ur = Offer("UR", "ur", data, "bytes")
        return Signed(
            "Signed transaction",
            "Broadcast it; reject it in the wallet",
            (as_hex, ur),
            reply=as_hex,
            replies={"ur": ur, "bbqr": Offer("BBQr", "bbqr", data, "B"), "base64": as_hex},
            note=f"{note}\n{BROADCAST_NOTE}.",
            history=history,
            detail=result,
        )
    if result.source == "erc4527":
        ur = Offer("UR", "ur", result.response().to_cbor(), "eth-signature")
        return Signed(
            "Signature",
            SCAN_HINT,
            (ur,),
            reply=ur,
            replies={"ur": ur},
            only="an ERC-4527 request is answered with ur:eth-signature",
            note=note,
            history=history,
            detail=result,
        )
    data = result.raw_reply()
    ur = Offer("UR", "ur", data, payload.ur_type if payload.format == "ur" and payload.ur_type else "bytes")
    bbqr = Offer("BBQr", "bbqr", data, "B")
    as_hex = Offer("text", "text", "0x" + data.hex())
    as_base64 = Offer("base64", "base64", data)
    offers = {"bbqr": (bbqr, ur), "ur": (ur, bbqr)}.get(payload.format, (as_hex, ur))
    reply = as_hex if payload.format == "plain" else {"ur": ur, "bbqr": bbqr}.get(payload.format, as_base64)
    return Signed(
        "Signed",
        SCAN_HINT,
        offers,
        reply=reply,
        replies={"ur": ur, "bbqr": bbqr, "base64": as_base64},
        note=note,
        history=history,
        detail=result,
    )


ETHEREUM_CHAIN = EthereumChain()
