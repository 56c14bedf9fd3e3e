"""The registry ``airlock sign`` and the device read: which chain takes a scanned payload."""

from __future__ import annotations

import pytest

from signer.chains import registry
from signer.chains.contract import Claim
from signer.transport.errors import TransportError
from signer.transport.payload import Payload
from signer.transport.plain import recognise


def claim_of(payload: Payload) -> tuple[str | None, Claim]:
    chain, claim = registry.claiming(payload)
    return (chain.name if chain else None), claim


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (Payload("psbt", "plain", b"psbt\xff"), ("bitcoin", Claim.YES)),
        (Payload("eth-sign-request", "ur", b""), ("ethereum", Claim.YES)),
        (Payload("bytes", "ur", b"signmessage m/84h/0h/0h/0/0 ascii:hi"), ("bitcoin-message", Claim.YES)),
        (Payload("text", "bbqr", b"signmessage m/84h/0h/0h/0/0 ascii:hi"), ("bitcoin-message", Claim.YES)),
        (Payload("text", "bbqr", b"0x02f8"), ("ethereum", Claim.MAYBE)),  # a raw request, or nothing
        (Payload("json", "plain", b"{}"), ("ethereum", Claim.MAYBE)),
        (Payload("account", "ur", b""), (None, Claim.NO)),
        (Payload("bitcoin-address", "plain", b"bc1q"), (None, Claim.NO)),
    ],
)
def test_each_payload_goes_to_the_chain_that_claims_it_surest(payload: Payload, expected: tuple) -> None:
    assert claim_of(payload) == expected


def test_a_plain_sign_message_qr_goes_to_the_message_chain() -> None:
    payload = recognise("signmessage m/84h/0h/0h/0/0 ascii:hello")
    assert payload is not None and claim_of(payload) == ("bitcoin-message", Claim.YES)


def test_a_broken_sign_message_request_is_claimed_so_its_fault_is_named() -> None:
    broken = Payload("bytes", "ur", b"signmessage m/84h/0h/0h/0/0 utf16:hi")
    chain, claim = registry.claiming(broken)
    assert chain is not None and claim is Claim.YES
    with pytest.raises(TransportError, match="Airlock reads only 'ascii:'"):
        chain.parse(broken)


def test_the_signable_kinds_are_the_union_of_the_chains() -> None:
    assert registry.signable_kinds() == [
        "binary",
        "btc-sign-message",
        "bytes",
        "eth-sign-request",
        "json",
        "psbt",
        "text",
    ]
    assert [c.name for c in registry.chains()] == ["bitcoin", "bitcoin-message", "ethereum"]
