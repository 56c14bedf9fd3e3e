"""Rule details not covered by the hostile corpus (tests/eth/test_eth_hostile.py): thresholds,
severities, allowlists and the quieter codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eth"))

from eth_builders import (
    ABANDON_ADDR0,
    BOB,
    MAIL,
    NOW,
    SPENDER,
    USDC,
    a,
    calldata,
    eip2612_permit,
    permit2_single,
    seaport,
    seed,
    tx,
)

from signer.chains.ethereum_review import (
    review_message,
    review_request,
    review_transaction,
    review_typed_data,
)
from signer.eth.message import parse_personal_message
from signer.eth.request import parse_raw
from signer.eth.sign import private_key_at, sign_authorization
from signer.eth.tx import SET_CODE, Authorization
from signer.eth.typed_data import parse_typed_data
from signer.review import Severity
from signer.risk.rules import RiskContext

CTX = RiskContext(now=NOW)
DAY = 86_400


def codes(review) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for w in review.warnings:
        out.setdefault(w.code, set()).add(str(w.severity))
    return out


def test_fee_rules() -> None:
    assert "fee-high" not in codes(review_transaction(tx(a(BOB), value=10**18), CTX))  # 0.003 ETH on 1 ETH
    assert codes(review_transaction(tx(a(BOB), value=10**16), CTX))["fee-high"] == {"warn"}  # 30% of value
    assert codes(review_transaction(tx(a(BOB), value=10**18, gas=2_000_000, max_fee=50 * 10**9), CTX))[
        "fee-high"
    ] == {"warn"}  # 0.1 ETH: above the 0.05 cap, below 10x
    l2 = tx(
        a(BOB), value=10**18, chain_id=8453, gas=2_000_000, max_fee=10 * 10**9
    )  # 0.02 ETH on Base (cap 0.01)
    assert codes(review_transaction(l2, CTX))["fee-high"] == {"warn"}
    approve = tx(USDC, calldata("approve(address,uint256)", SPENDER, 5), gas=1_500_000, max_fee=10**9)
    assert any("gas limit" in w.message.lower() for w in review_transaction(approve, CTX).warnings)


def test_unknown_chain_and_trailing_calldata() -> None:
    review = review_transaction(
        tx(USDC, calldata("transfer(address,uint256)", BOB, 1) + b"\x01", chain_id=999_999), CTX
    )
    assert codes(review)["unknown-chain"] == {"info"} and codes(review)["calldata-trailing-bytes"] == {"warn"}


def test_permit_expiry_thresholds() -> None:
    short = review_typed_data(parse_typed_data(permit2_single(10, NOW + 7 * DAY, NOW + 600)), CTX)
    assert codes(short)["permit-signature"] == {"warn"} and "permit-long-expiry" not in codes(short)
    long = review_typed_data(parse_typed_data(permit2_single(10, NOW + 31 * DAY, NOW + 600)), CTX)
    assert codes(long)["permit-signature"] == {"danger"} and codes(long)["permit-long-expiry"] == {"warn"}
    permit = review_typed_data(parse_typed_data(eip2612_permit(10**6, NOW + 600)), CTX)
    assert codes(permit)["permit-signature"] == {"warn"} and codes(permit)["approval-no-expiry"] == {"warn"}
    far = review_typed_data(parse_typed_data(eip2612_permit(10**6, NOW + 365 * DAY)), CTX)
    assert codes(far)["permit-signature"] == {"danger"}


def test_typed_data_without_chain_and_ignored_fields() -> None:
    doc = json.loads(json.dumps(MAIL))
    doc["types"]["EIP712Domain"] = [f for f in doc["types"]["EIP712Domain"] if f["name"] != "chainId"]
    del doc["domain"]["chainId"]
    doc["message"]["note"] = "not signed"
    review = review_typed_data(parse_typed_data(json.dumps(doc)), CTX)
    assert codes(review)["typed-data-no-chain"] == {"warn"} and codes(review)[
        "typed-data-ignored-fields"
    ] == {"warn"}


def test_burn_and_batch_approvals() -> None:
    burn = review_transaction(
        tx(USDC, calldata("transfer(address,uint256)", "0x" + "00" * 18 + "dead", 1)), CTX
    )
    assert codes(burn)["burn-address"] == {"danger"}
    two = calldata(
        "multicall(bytes[])",
        [calldata("approve(address,uint256)", SPENDER, 5), calldata("approve(address,uint256)", BOB, 5)],
    )
    assert codes(review_transaction(tx(USDC, two), CTX))["batch-approvals"] == {"warn"}
    revoke = review_transaction(tx(USDC, calldata("approve(address,uint256)", SPENDER, 0)), CTX)
    assert not review_transaction(tx(USDC, calldata("approve(address,uint256)", SPENDER, 0)), CTX).has_danger
    assert "approval-no-expiry" not in codes(revoke)


def test_native_coin_to_token_contract() -> None:
    assert codes(review_transaction(tx(USDC, value=10**17), CTX))["recipient-is-token-contract"] == {"danger"}
    weth = bytes.fromhex("c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2")
    assert "recipient-is-token-contract" not in codes(review_transaction(tx(weth, value=10**17), CTX))


KEY = private_key_at(seed(), "m/44'/60'/0'/0/0")


def delegation(chain: int, delegate: bytes, ctx: RiskContext = CTX) -> dict[str, set[str]]:
    y, r, s = sign_authorization(chain, delegate, 1, KEY)
    t = tx(a(ABANDON_ADDR0), tx_type=SET_CODE, authorizations=(Authorization(chain, delegate, 1, y, r, s),))
    review = review_transaction(t, ctx)
    assert review.tx.authorization_list[0].authority == a(ABANDON_ADDR0)
    return codes(review)


def test_eip7702_severities() -> None:
    metamask = bytes.fromhex("63c0c19a282a1B52b07dD5a65b58948A07DAE32B")
    assert delegation(1, metamask)["eip7702-delegation"] == {"warn"}
    assert delegation(1, bytes(20))["eip7702-delegation"] == {"info"}  # clearing a delegation
    assert delegation(5, b"\x44" * 20)["eip7702-delegation"] == {"info"}  # for another chain: skipped here
    assert delegation(
        1, b"\x44" * 20, RiskContext(now=NOW, delegates={b"\x44" * 20: "my audited account"})
    ) == {"eip7702-delegation": {"warn"}}
    bad_sig = tx(a(BOB), tx_type=SET_CODE, authorizations=(Authorization(1, b"\x44" * 20, 1, 0, 1, 2**255),))
    review = review_transaction(bad_sig, CTX)
    assert review.tx.authorization_list[0].authority is None
    assert any("invalid" in w.message for w in review.warnings if w.code == "eip7702-delegation")


def test_seaport_paid_listing_is_only_a_warning() -> None:
    review = review_typed_data(parse_typed_data(seaport(1, 10**18)), CTX)
    assert codes(review)["seaport-order"] == {"warn"}


def test_messages() -> None:
    siwe = (
        b"example.org wants you to sign in with your Ethereum account:\n"
        + ABANDON_ADDR0.encode()
        + b"\n\nNonce: 1"
    )
    assert codes(review_message(parse_personal_message(siwe), CTX)) == {"sign-in-request": {"info"}}
    assert codes(review_message(parse_personal_message("héllo ✓".encode()), CTX)) == {}
    assert codes(review_message(parse_personal_message(b"a\x00b"), CTX))["message-not-text"] == {"danger"}


def test_lookalike_of_own_address() -> None:
    poison = "0x9858" + "0" * 32 + "da94"  # mimics the signer's own first address
    review = review_request(parse_raw(tx(a(poison), value=10**17).raw), seed(), RiskContext(now=NOW))
    assert codes(review)["lookalike-address"] == {"danger"}
    assert all(w.severity == Severity.DANGER for w in review.warnings if w.code == "lookalike-address")


def messages(review, code: str) -> list[str]:
    return [w.message for w in review.warnings if w.code == code]


def test_far_future_deadlines_say_never_not_practically_never() -> None:
    """A deadline centuries away is no deadline: say 'never expires', never 'until practically never'."""
    for deadline in (2**40, 2**48 - 2, 2**256 - 1, NOW + 200 * 365 * DAY):
        review = review_typed_data(parse_typed_data(eip2612_permit(10**6, deadline)), CTX)
        texts = " ".join(w.message for w in review.warnings)
        assert "practically never" not in texts
        assert "The permit signature never expires" in messages(review, "permit-long-expiry")
    p2 = review_typed_data(parse_typed_data(permit2_single(10, 2**48 - 2, NOW + 600)), CTX)
    assert "practically" not in " ".join(w.message for w in p2.warnings)
    assert any("never expires" in m for m in messages(p2, "approval-no-expiry"))
    dated = review_typed_data(parse_typed_data(eip2612_permit(10**6, NOW + 365 * DAY)), CTX)
    assert messages(dated, "permit-long-expiry") == [
        "The permit signature can be used until 2026-10-09 08:53 UTC"
    ]
