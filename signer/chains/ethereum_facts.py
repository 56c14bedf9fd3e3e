"""What the review screen of an Ethereum request shows, in order: the network and the signing
account, then a transaction's recipient, value, calls and their effects, fee and nonce, EIP-7702
delegations; typed data's fields; a message's text; the review's notes. The headline (the review's
title) already says the main call, so a call or effect it names is not repeated."""

from __future__ import annotations

from signer.chains.contract import Fact
from signer.display import chunked
from signer.eth.effects import format_amount
from signer.eth.primitives import checksum
from signer.eth.review import EthReview


def facts(review: EthReview) -> tuple[Fact, ...]:
    found: list[Fact] = []
    if review.chain is not None:
        found.append(Fact("Network", f"{review.chain.name} ({review.chain.chain_id})"))
    if review.signer is not None:
        found.append(Fact("Signing account", f"{chunked(checksum(review.signer))}\n{review.path}"))
    tx = review.tx
    if tx is not None:
        found.append(Fact("To", chunked(checksum(tx.to)) if tx.to else "(a new contract)"))
        found.append(Fact("Value", format_amount(tx.chain_id, None, tx.value)))
    chain_id = review.chain.chain_id if review.chain else 1
    shown: list[object] = []
    if review.call is not None:  # a transaction's call, or the call a Safe transaction makes
        for call in review.call.walk():
            if call.depth or call.title not in review.title:  # the headline already says it
                found.append(Fact("Call" if call.depth == 0 else f"Inner call {call.depth}", call.title))
            for effect in call.effects:
                shown.append(effect)
                described = effect.describe(chain_id)
                if described not in review.title:
                    found.append(Fact("Effect", described))
    if tx is not None:
        found.append(Fact("Max fee", format_amount(tx.chain_id, None, tx.max_fee)))
        found.append(Fact("Nonce / gas limit", f"{tx.nonce} / {tx.gas_limit}"))
        for auth in tx.authorization_list:
            found.append(Fact("EIP-7702 delegation", f"to {checksum(auth.address)} on chain {auth.chain_id}"))
        if tx.data:
            found.append(Fact("Data", f"{len(tx.data)} bytes"))
    if review.meaning is not None:
        for effect in review.meaning.effects:
            if effect not in shown:
                found.append(Fact("Effect", effect.describe(chain_id)))
    if review.typed_data is not None:
        for field in review.typed_data.fields():
            found.append(Fact(field.path, field.display))
    if review.message is not None:
        found.append(Fact("Message", review.message.display()))
    for note in review.notes:
        found.append(Fact("Note", note))
    return tuple(found)
