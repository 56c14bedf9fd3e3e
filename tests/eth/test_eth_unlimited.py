"""'Unlimited' means more than anyone could hold, not one sentinel value (issue 10.4).

An allowance is unlimited when it is at least 2^95 base units (as many bits as uint96, the
smallest 'infinite' sentinel tokens use), or, for a token of known decimals, at least a trillion
whole tokens (more than the supply of any major token). One function decides it for approve,
increaseAllowance, permits, Permit2 amounts, typed-data permits and nested calls."""

from __future__ import annotations

import pytest
from eth_builders import (
    DAI,
    NFT,
    NOW,
    PERMIT2,
    SPENDER,
    USDC,
    a,
    calldata,
    eip2612_permit,
    permit2_single,
    tx,
)

from signer.chains.ethereum_review import review_transaction, review_typed_data
from signer.eth.calls import decode_call
from signer.eth.effects import allowance_is_unlimited, describe_allowance
from signer.eth.typed_data import parse_typed_data
from signer.risk.rules import RiskContext

CTX = RiskContext(now=NOW)
NEAR_MAX_96 = 2**96 - 2  # one below UNI/COMP's uint96 'infinite' sentinel


def danger_codes(review) -> set[str]:
    return set(review.danger_codes)


@pytest.mark.parametrize(
    "amount",
    [NEAR_MAX_96, 2**95, 2**256 - 2, 2**160 - 2, 10**18, 5 * 10**20],
    ids=["2^96-2", "2^95", "2^256-2", "2^160-2", "a trillion USDC", "500 trillion USDC"],
)
def test_near_max_usdc_approval_is_unlimited(amount: int) -> None:
    review = review_transaction(tx(USDC, calldata("approve(address,uint256)", SPENDER, amount)), CTX)
    assert "unlimited-approval" in danger_codes(review)
    assert "UNLIMITED" in review.title


def test_exact_large_but_plausible_amount_is_not_unlimited() -> None:
    amount = 10**18 - 1  # 999,999,999,999.999999 USDC: below a trillion whole tokens
    review = review_transaction(tx(USDC, calldata("approve(address,uint256)", SPENDER, amount)), CTX)
    assert "unlimited-approval" not in review.codes()
    assert "999,999,999,999.999999 USDC" in review.title


def test_threshold_by_decimals() -> None:
    assert allowance_is_unlimited(1, USDC, 10**18) and not allowance_is_unlimited(1, USDC, 10**18 - 1)
    assert allowance_is_unlimited(1, DAI, 2**95) and not allowance_is_unlimited(1, DAI, 2**95 - 1)
    unknown = a(NFT)  # decimals unknown: only the bit-size rule applies
    assert allowance_is_unlimited(1, unknown, 2**95) and not allowance_is_unlimited(1, unknown, 10**27)
    assert not allowance_is_unlimited(1, USDC, None)


def test_wording_shows_exact_amount_when_not_a_sentinel() -> None:
    assert describe_allowance(1, USDC, 2**256 - 1) == "UNLIMITED USDC"
    text = describe_allowance(1, USDC, NEAR_MAX_96)
    assert text.startswith("UNLIMITED USDC (") and "79,228,162,514,264,337,593,543.950334 USDC" in text
    assert describe_allowance(1, USDC, 25 * 10**6) == "25 USDC"


def test_near_max_increase_allowance_and_nested_approve() -> None:
    inc = review_transaction(
        tx(USDC, calldata("increaseAllowance(address,uint256)", SPENDER, NEAR_MAX_96)), CTX
    )
    assert "unlimited-approval" in danger_codes(inc)
    nested = calldata("multicall(bytes[])", [calldata("approve(address,uint256)", SPENDER, NEAR_MAX_96)])
    assert "unlimited-approval" in danger_codes(review_transaction(tx(USDC, nested), CTX))


def test_near_max_permits() -> None:
    permit = review_typed_data(parse_typed_data(eip2612_permit(NEAR_MAX_96, NOW + 600)), CTX)
    assert "unlimited-approval" in danger_codes(permit)
    p2 = review_typed_data(parse_typed_data(permit2_single(2**160 - 2, NOW + 600, NOW + 600)), CTX)
    assert "unlimited-approval" in danger_codes(p2)
    call = decode_call(
        1,
        a(PERMIT2),
        0,
        calldata("approve(address,address,uint160,uint48)", "0x" + USDC.hex(), SPENDER, NEAR_MAX_96, NOW),
    )
    assert call.effects[0].unlimited
