"""Review an Ethereum request: decode it, run the risk rules on it, check the keys it names.

This sits above both ``signer.eth`` (the decoders and the review's shape) and ``signer.risk`` (the
rules, which read decoded requests), so neither of those imports the other's way back. The risk
context a device or the CLI reviews in (the seed's address history, the built-in risk library, the
time) and the history kept after a signature are built here too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from signer.eth import registry
from signer.eth.decoded_call import Call, plain_call
from signer.eth.keys import EthKeys
from signer.eth.message import PersonalMessage
from signer.eth.request import EthRequest, key_checks, path_warnings
from signer.eth.review import EthKind, EthReview
from signer.eth.tx import UnsignedTx
from signer.eth.typed_data import TypedData
from signer.eth.typed_meaning import recognise
from signer.review import ReviewWarning
from signer.risk.history import HISTORY_KEY, seed_history
from signer.risk.library import builtin_library
from signer.risk.rules import RiskContext, message_warnings, transaction_warnings, typed_data_warnings


def risk_context(history: Mapping[str, Any] | None = None, now: int | None = None) -> RiskContext:
    """What the rules know of a seed: the addresses it signed for, the built-in risk library, the time."""
    return RiskContext(
        history=seed_history(dict(history or {})),
        library=builtin_library(),
        now=int(time.time()) if now is None else now,
    )


def history_after(history: Mapping[str, Any] | None, review: EthReview) -> dict[str, Any] | None:
    """The seed's history record once ``review`` is signed, its recipients remembered (they feed the
    lookalike and first-time-recipient rules next time); None when it does not change."""
    recipients = review.recipients()
    if not recipients:
        return None
    addresses = seed_history(dict(history or {}))
    for address in recipients:
        addresses.add(address)
    return {**(history or {}), HISTORY_KEY: addresses.to_json()}


def review_request(
    req: EthRequest, keys: EthKeys | bytes | None = None, ctx: RiskContext | None = None
) -> EthReview:
    """Review a request; with ``keys`` (the seed's, watch-only ones, or the BIP-32 seed itself) the
    wrong-seed / address checks run and the signer is shown."""
    ctx = ctx or RiskContext()
    if ctx.expected_chain_id is None and req.chain_id is not None:
        ctx = replace(ctx, expected_chain_id=req.chain_id)
    signer: bytes | None = None
    refusals: list[ReviewWarning] = []
    if keys is not None:
        signer, refusals = key_checks(req, keys)
        ctx = replace(ctx, own_addresses=frozenset({*ctx.own_addresses, signer}))
    meta = {
        "signer": signer,
        "path": req.signing_path,
        "fingerprint": req.fingerprint,
        "origin": req.origin,
        "source": req.source,
    }
    p = req.payload
    if isinstance(p, UnsignedTx):
        review = review_transaction(p, ctx, **meta)
    elif isinstance(p, TypedData):
        review = review_typed_data(p, ctx, **meta)
    else:
        review = review_message(p, ctx, **meta)
    review = review.with_extra(path_warnings(req.signing_path), refusals)
    return replace(review, notes=(*req.edit_notes, *review.notes)) if req.edit_notes else review


def _tx_title(tx: UnsignedTx, call: Call) -> str:
    if tx.is_contract_creation:
        return f"Deploy a contract ({len(tx.data)} bytes)"
    if tx.authorization_list and not tx.data and not tx.value:
        return f"EIP-7702 account delegation ({len(tx.authorization_list)} authorization(s))"
    return call.title


def _call_of(tx: UnsignedTx) -> Call:
    if tx.is_contract_creation:
        return Call(None, tx.value, tx.data, f"Deploy a contract ({len(tx.data)} bytes)")
    if not tx.data:  # a plain transfer: no calldata decoder needed (they take a while to import)
        return plain_call(tx.chain_id, tx.to, tx.value)
    from signer.eth.calls import decode_call

    return decode_call(tx.chain_id, tx.to, tx.value, tx.data)


def review_transaction(tx: UnsignedTx, ctx: RiskContext | None = None, **meta: Any) -> EthReview:
    """Decode the call and run every rule on an unsigned transaction."""
    ctx = ctx or RiskContext()
    call = _call_of(tx)
    warnings = transaction_warnings(tx, call, ctx)
    title, chain = _tx_title(tx, call), registry.chain(tx.chain_id)
    return EthReview(EthKind.TX, title, chain, tuple(warnings), tx=tx, call=call, **meta)


def review_typed_data(td: TypedData, ctx: RiskContext | None = None, **meta: Any) -> EthReview:
    ctx = ctx or RiskContext()
    meaning = recognise(td)
    warnings = typed_data_warnings(td, meaning, ctx)
    chain = registry.chain(td.chain_id) if td.chain_id else None
    return EthReview(
        EthKind.TYPED_DATA,
        meaning.title,
        chain,
        tuple(warnings),
        call=meaning.call,
        typed_data=td,
        meaning=meaning,
        notes=meaning.notes,
        **meta,
    )


def review_message(msg: PersonalMessage, ctx: RiskContext | None = None, **meta: Any) -> EthReview:
    ctx = ctx or RiskContext()
    warnings = message_warnings(msg, ctx)
    title = "Sign a message" if msg.text is not None else f"Sign {len(msg.data)} bytes of data"
    return EthReview(EthKind.MESSAGE, title, None, tuple(warnings), message=msg, **meta)
