"""Hostile requests: each raises its warning code, and nothing is signed without the override."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from eth_account import Account
from eth_builders import (
    ABANDON_ADDR0,
    BOB,
    MAIL,
    MAX,
    NFT,
    NOW,
    SPENDER,
    USDC,
    a,
    calldata,
    dai_permit,
    erc4527,
    permit2_single,
    seaport,
    seed,
    tx,
)

from signer.chains.ethereum_review import review_request
from signer.eth.errors import EthRefusal
from signer.eth.request import EthRequest, parse_eth_sign_request, parse_raw, sign_request
from signer.eth.sign import private_key_at, sign_authorization
from signer.eth.tx import SET_CODE, Authorization
from signer.review import Severity
from signer.risk.history import AddressHistory
from signer.risk.library import builtin_library
from signer.risk.rules import RiskContext

SEED = seed()
KEY = private_key_at(SEED, "m/44'/60'/0'/0/0")
KNOWN_FRIEND = "0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c"
LOOKALIKE = "0x5A0b" + "f" * 32 + "9c4c"  # same first 4 and last 4 hex characters
OFAC_ADDRESS = "0x722122dF12D4e14e13Ac3b6895a86e84145b6967"  # in the shipped OFAC list (Tornado Cash)
UNKNOWN_DELEGATE = bytes.fromhex("44" * 20)
METAMASK_DELEGATOR = bytes.fromhex("63c0c19a282a1B52b07dD5a65b58948A07DAE32B")


def ctx() -> RiskContext:
    history = AddressHistory()
    history.add(KNOWN_FRIEND)
    return RiskContext(history=history, library=builtin_library(), now=NOW)


def auth(chain_id: int, delegate: bytes) -> Authorization:
    y, r, s = sign_authorization(chain_id, delegate, 8, KEY)
    return Authorization(chain_id, delegate, 8, y, r, s)


def raw_tx(*args, **kw) -> Callable[[], EthRequest]:
    return lambda: parse_raw(tx(*args, **kw).raw)


@dataclass
class Case:
    name: str
    request: Callable[[], EthRequest]
    code: str
    severity: Severity = Severity.DANGER


CASES = [
    Case(
        "unlimited approve",
        raw_tx(USDC, calldata("approve(address,uint256)", SPENDER, MAX)),
        "unlimited-approval",
    ),
    Case(
        "increaseAllowance to max",
        raw_tx(USDC, calldata("increaseAllowance(address,uint256)", SPENDER, MAX)),
        "unlimited-approval",
    ),
    Case(
        "setApprovalForAll",
        raw_tx(a(NFT), calldata("setApprovalForAll(address,bool)", SPENDER, True)),
        "set-approval-for-all",
    ),
    Case(
        "Permit2 max amount, far expiry",
        lambda: parse_raw(permit2_single(2**160 - 1, 2**48 - 1, NOW + 10**8)),
        "permit-signature",
    ),
    Case(
        "Permit2 max amount: unlimited",
        lambda: parse_raw(permit2_single(2**160 - 1, NOW + 10**8, NOW + 600)),
        "unlimited-approval",
    ),
    Case(
        "Permit2 far expiry",
        lambda: parse_raw(permit2_single(5, NOW + 10**8, NOW + 600)),
        "permit-long-expiry",
        Severity.WARN,
    ),
    Case(
        "fake Permit2 domain",
        lambda: parse_raw(permit2_single(5, NOW + 600, NOW + 600, verifying="0x" + "ab" * 20)),
        "fake-permit2",
    ),
    Case("DAI permit", lambda: parse_raw(dai_permit(True, 0)), "permit-signature"),
    Case(
        "bare 32-byte hash", lambda: parse_raw(("0x" + "ab" * 32).encode(), text=True), "blind-hash-signature"
    ),
    Case(
        "message that is a transaction",
        lambda: parse_eth_sign_request(erc4527(tx(USDC).raw, 3, chain_id=None)),
        "blind-hash-signature",
    ),
    Case("binary message", lambda: parse_raw(b"0x00ff10", text=True), "message-not-text"),
    Case(
        "7702 to unknown delegate",
        raw_tx(a(ABANDON_ADDR0), tx_type=SET_CODE, authorizations=(auth(1, UNKNOWN_DELEGATE),)),
        "eip7702-delegation",
    ),
    Case(
        "7702 with chain id 0",
        raw_tx(a(ABANDON_ADDR0), tx_type=SET_CODE, authorizations=(auth(0, METAMASK_DELEGATOR),)),
        "eip7702-delegation",
    ),
    Case("lookalike recipient", raw_tx(a(LOOKALIKE), value=10**17), "lookalike-address"),
    Case(
        "lookalike token recipient",
        raw_tx(USDC, calldata("transfer(address,uint256)", LOOKALIKE, 10**6)),
        "lookalike-address",
    ),
    Case(
        "transfer to the token contract",
        raw_tx(USDC, calldata("transfer(address,uint256)", "0x" + USDC.hex(), 1)),
        "recipient-is-token-contract",
    ),
    Case(
        "chain id mismatch",
        lambda: parse_eth_sign_request(erc4527(tx(a(BOB), value=1, chain_id=10).raw, 4, chain_id=1)),
        "chain-mismatch",
    ),
    Case(
        "typed data chain mismatch",
        lambda: parse_eth_sign_request(
            erc4527(permit2_single(5, NOW + 60, NOW + 60, chain_id=137), 2, chain_id=1)
        ),
        "chain-mismatch",
    ),
    Case("huge fee", raw_tx(a(BOB), value=10**18, gas=1_000_000, max_fee=1000 * 10**9), "fee-high"),
    Case(
        "approve nested in multicall",
        raw_tx(USDC, calldata("multicall(bytes[])", [calldata("approve(address,uint256)", SPENDER, MAX)])),
        "unlimited-approval",
    ),
    Case("OFAC-listed recipient", raw_tx(a(OFAC_ADDRESS), value=10**16), "tagged-address"),
    Case("claim() scam with value", raw_tx(a(NFT), calldata("claim()"), value=10**18), "suspected-scam-call"),
    Case(
        "malformed multicall",
        raw_tx(USDC, calldata("multicall(bytes[])", [b"\x01\x02\x03\x04"])[:-1]),
        "malformed-calldata",
    ),
    Case("Seaport listing for nothing", lambda: parse_raw(seaport(1, 0)), "seaport-order"),
    Case(
        "approve 2^96-2 USDC: unlimited in practice",
        raw_tx(USDC, calldata("approve(address,uint256)", SPENDER, 2**96 - 2)),
        "unlimited-approval",
    ),
    Case("Seaport listing for 1 wei", lambda: parse_raw(seaport(1, 1)), "seaport-order"),
    Case(
        "Ethereum request for a Bitcoin key",
        lambda: parse_eth_sign_request(erc4527(tx(a(BOB), value=1).raw, 4, path="m/84'/0'/0'/0/0")),
        "key-purpose-mismatch",
    ),
    Case(
        "Universal Router pulls your USDC to a stranger",
        raw_tx(
            a("0x66a9893cC07D91D95644AEDD05D03f95e1dBA8Af"),
            calldata(
                "execute(bytes,bytes[])",
                b"\x02",
                [bytes(12) + USDC + bytes(12) + a(SPENDER) + (10**9).to_bytes(32, "big")],
            ),
        ),
        "foreign-recipient",
    ),
    Case(
        "Safe execTransaction with DELEGATECALL",
        raw_tx(
            a("0x" + "5a" * 20),
            calldata(
                "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)",
                SPENDER,
                0,
                b"\xde\xad\xbe\xef",
                1,
                0,
                0,
                0,
                "0x" + "00" * 20,
                "0x" + "00" * 20,
                b"",
            ),
        ),
        "delegatecall",
    ),
    Case(
        "Safe module enabled for a stranger",
        raw_tx(a("0x" + "5a" * 20), calldata("enableModule(address)", SPENDER)),
        "control-change",
    ),
    Case(
        "unknown typed data",
        lambda: parse_raw(json.dumps(MAIL).encode()),
        "unknown-typed-data",
        Severity.WARN,
    ),
    Case(
        "unknown function (blind signing)",
        raw_tx(a(NFT), bytes.fromhex("deadbeef") + bytes(32)),
        "unknown-call",
        Severity.WARN,
    ),
    Case("contract creation", raw_tx(None, b"\x60\x00"), "contract-creation", Severity.WARN),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_request(case: Case) -> None:
    request = case.request()
    review = review_request(request, SEED, ctx())
    found = [w for w in review.warnings if w.code == case.code]
    assert found, f"expected {case.code}, got {[w.code for w in review.warnings]}"
    assert any(w.severity == case.severity for w in found)
    if review.has_danger:
        with pytest.raises(EthRefusal, match="not signed: danger warnings"):
            sign_request(request, review, SEED)
        result = sign_request(request, review, SEED, accept_risk=True)  # the explicit override signs
        assert len(result.signature) >= 65
    else:
        sign_request(request, review, SEED)


def test_safe_send_to_known_recipient_has_no_danger() -> None:
    request = parse_raw(tx(a(KNOWN_FRIEND), value=10**17).raw)
    review = review_request(request, SEED, ctx())
    assert not review.has_danger and "first-time-recipient" not in review.codes()
    result = sign_request(request, review, SEED)
    assert Account.recover_transaction(result.signed_tx) == ABANDON_ADDR0


def test_first_time_recipient_is_info() -> None:
    review = review_request(parse_raw(tx(a(BOB), value=10**17).raw), SEED, ctx())
    assert [w.severity for w in review.warnings if w.code == "first-time-recipient"] == [Severity.INFO]
    assert review.recipients() == [a(BOB)]
