"""What the device shows for the revokes the companion hands over: each must read as a revoke, plainly.

``approve(0x0, tokenId)`` is how ERC-721 clears a single token's approval (the companion's revoke of one
NFT approval); it used to be shown as "may spend 7 units (or NFT #7)" to the zero address, with an
"approval never expires" warning, which reads as a grant.
"""

from __future__ import annotations

from eth_builders import a, calldata, tx

from signer.chains.ethereum_review import review_transaction

NFT = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"  # not in the token list
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
SPENDER = "0x00000000000000000000000000000000000A11cE"
ZERO = "0x" + "00" * 20


def test_clearing_a_single_nft_approval_reads_as_a_revoke() -> None:
    review = review_transaction(tx(a(NFT), calldata("approve(address,uint256)", ZERO, 7)))
    assert review.title == f"Revoke: clear the approval of NFT #7 of {NFT} (no one but you may move it)"
    assert review.warnings == ()
    (effect,) = review.call.effects if review.call else ()
    assert (effect.standard, effect.revoke, effect.token_id, effect.amount) == ("erc721", True, 7, None)


def test_an_allowance_set_to_zero_reads_as_a_revoke() -> None:
    for token in (USDC, NFT):
        review = review_transaction(tx(a(token), calldata("approve(address,uint256)", SPENDER, 0)))
        assert review.title.startswith(f"Revoke: {SPENDER} may no longer spend your "), review.title
        assert review.warnings == ()
    # a listed token is named; another says which contract (never the standard's internal name)
    assert "your USDC (allowance set to 0)" in review_transaction(
        tx(a(USDC), calldata("approve(address,uint256)", SPENDER, 0))
    ).title
    unknown = review_transaction(tx(a(NFT), calldata("approve(address,uint256)", SPENDER, 0))).title
    assert f"your tokens of {NFT}" in unknown and "erc20" not in unknown, unknown


def test_a_known_erc20_approving_the_zero_address_is_not_called_an_nft_revoke() -> None:
    review = review_transaction(tx(a(USDC), calldata("approve(address,uint256)", ZERO, 7)))
    assert not review.title.startswith("Revoke")
