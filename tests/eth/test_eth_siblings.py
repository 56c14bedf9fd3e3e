"""Siblings of the issue-10 defects: more sentinel values judged by one exact value, more
signatures and calls that move assets or control."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_builders import ABANDON_ADDR0, BOB, NOW, SPENDER, USDC, a, calldata, seed, tx, typed

from signer.chains.ethereum_review import review_request, review_transaction
from signer.eth.request import parse_raw
from signer.risk.rules import RiskContext

CTX = RiskContext(now=NOW)
SAFE = a("0x" + "5a" * 20)
UNI_V3_POSITIONS = a("0xC36442b4a4522E871399CD717aBDD847Ab11FE88")


def severities(r, code: str) -> set[str]:
    return {str(w.severity) for w in r.warnings if w.code == code}


@pytest.mark.parametrize(
    "recipient",
    [
        "0x0000000000000000000000000000000000000001",  # ecrecover precompile: nothing comes back
        "0x0000000000000000000000000000000000000100",
        "0x000000000000000000000000000000000000dEaD",
        "0xdEAD000000000000000042069420694206942069",  # the other common burn address
    ],
)
def test_burn_and_precompile_addresses_are_judged_by_meaning(recipient: str) -> None:
    r = review_transaction(tx(USDC, calldata("transfer(address,uint256)", recipient, 10**6)), CTX)
    assert severities(r, "burn-address") == {"danger"}
    assert severities(review_transaction(tx(a(recipient), value=10**16), CTX), "burn-address") == {"danger"}


def test_permit_for_all_signature_is_set_approval_for_all() -> None:
    doc = typed(
        "PermitForAll",
        {
            "PermitForAll": [
                ("owner", "address"),
                ("operator", "address"),
                ("approved", "bool"),
                ("nonce", "uint256"),
                ("deadline", "uint256"),
            ]
        },
        {"name": "Some NFT", "version": "1", "chainId": 1, "verifyingContract": "0x" + "33" * 20},
        {"owner": ABANDON_ADDR0, "operator": SPENDER, "approved": True, "nonce": 0, "deadline": NOW + 600},
    )
    r = review_request(parse_raw(doc), seed(), CTX)
    assert severities(r, "set-approval-for-all") == {"danger"} and "permit-signature" in r.codes()


def test_position_manager_permit_calldata_is_an_nft_approval() -> None:
    data = calldata(
        "permit(address,uint256,uint256,uint8,bytes32,bytes32)",
        SPENDER,
        77,
        NOW + 600,
        27,
        b"\1" * 32,
        b"\2" * 32,
    )
    r = review_transaction(tx(UNI_V3_POSITIONS, data), CTX)
    assert r.call.known and "#77" in r.title and SPENDER.lower() in r.title.lower()


@pytest.mark.parametrize(
    "inner",
    [
        calldata("enableModule(address)", BOB),
        calldata("addOwnerWithThreshold(address,uint256)", BOB, 1),
        calldata("swapOwner(address,address,address)", "0x" + "00" * 19 + "01", ABANDON_ADDR0, BOB),
        calldata("changeThreshold(uint256)", 1),
        calldata("setGuard(address)", BOB),
        calldata("setFallbackHandler(address)", BOB),
    ],
    ids=["module", "owner", "swap owner", "threshold", "guard", "fallback"],
)
def test_safe_control_changes_are_danger(inner: bytes) -> None:
    args = [SAFE, 0, inner, 0, 0, 0, 0, b"\0" * 20, b"\0" * 20, b"\0" * 65]
    types = [
        "address",
        "uint256",
        "bytes",
        "uint8",
        "uint256",
        "uint256",
        "uint256",
        "address",
        "address",
        "bytes",
    ]
    data = bytes.fromhex("6a761202") + encode(types, args)
    r = review_transaction(tx(SAFE, data), CTX)
    assert severities(r, "control-change") == {"danger"}, [w.code for w in r.warnings]


def test_contract_ownership_transfer_is_danger() -> None:
    r = review_transaction(tx(a("0x" + "44" * 20), calldata("transferOwnership(address)", BOB)), CTX)
    assert severities(r, "control-change") == {"danger"} and BOB.lower() in r.title.lower()
