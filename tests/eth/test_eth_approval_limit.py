"""The approval limit (issue 9.14) for raw and ERC-4527 (MetaMask/Rabby) requests, on the CLI too.

ERC-4527 wallets attach the returned r, s, v to their own transaction, so a signature of an edited
transaction is useless to them (test_eth_signature_of_the_edited_tx_does_not_fit_the_wallets_tx):
an edited ERC-4527 request is answered with the whole signed transaction, to broadcast."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import rlp
from eth_account import Account
from eth_builders import (
    ABANDON,
    ABANDON_ADDR0,
    BOB,
    DAI,
    MAX,
    NFT,
    PERMIT2,
    SPENDER,
    USDC,
    a,
    calldata,
    erc4527,
    seed,
    tx,
)
from eth_keys import keys

from signer.chains.ethereum_review import review_request
from signer.cli import main
from signer.eth.approval_limit import (
    apply_limit,
    edit_approval_amount,
    editable_approval,
    parse_limit,
)
from signer.eth.errors import EthError
from signer.eth.request import parse_eth_sign_request, parse_raw, sign_request
from signer.eth.tx import parse_unsigned_tx
from signer.transport.ur import decode_single, encode_single
from signer.transport.urtypes import Bytes, decode_ur, to_ur

SEED = seed()
UNLIMITED = tx(USDC, calldata("approve(address,uint256)", SPENDER, MAX - 1))


def approved_amount(signed_or_unsigned: bytes) -> int:
    fields = rlp.decode(signed_or_unsigned[1:])
    return int.from_bytes(fields[7][-32:], "big")


def test_erc4527_request_is_limited_and_answered_with_the_signed_transaction() -> None:
    request = parse_eth_sign_request(erc4527(UNLIMITED.raw, 4, request_id=b"\x09" * 16))
    assert "unlimited-approval" in review_request(request, SEED).codes()
    limited = apply_limit(request, parse_limit("250.5", editable_approval(request.payload)))
    review = review_request(limited, SEED)
    assert "unlimited-approval" not in review.codes() and "250.5 USDC" in review.title
    assert any("broadcast" in n for n in review.notes) and any(
        "from UNLIMITED USDC" in n for n in review.notes
    )
    result = sign_request(limited, review, SEED)
    assert result.edited and result.replies_signed_tx
    assert Account.recover_transaction(result.signed_tx) == ABANDON_ADDR0
    assert approved_amount(result.signed_tx) == 250_500_000
    assert rlp.decode(result.signed_tx[1:])[1] == rlp.decode(UNLIMITED.raw[1:])[1]  # the wallet's nonce
    with pytest.raises(EthError, match="eth-signature"):
        result.response()


def test_eth_signature_of_the_edited_tx_does_not_fit_the_wallets_tx() -> None:
    """What MetaMask would do with an eth-signature: put it on its own (unlimited) transaction."""
    request = parse_eth_sign_request(erc4527(UNLIMITED.raw, 4))
    limited = apply_limit(request, 10**6)
    result = sign_request(limited, review_request(limited, SEED), SEED)
    r, s = int.from_bytes(result.signature[:32], "big"), int.from_bytes(result.signature[32:64], "big")
    parity = result.signature[64]
    signer_of_original = (
        keys.Signature(vrs=(parity, r, s)).recover_public_key_from_msg_hash(UNLIMITED.signing_hash())
    ).to_canonical_address()
    assert signer_of_original != a(ABANDON_ADDR0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("250.5", 250_500_000),
        ("250.5 USDC", 250_500_000),
        ("250.5usdc", 250_500_000),
        ("1,000", 1_000_000_000),
        ("250500000raw", 250_500_000),
        ("0", 0),
    ],
)
def test_limit_amounts(text: str, expected: int) -> None:
    assert parse_limit(text, editable_approval(UNLIMITED)) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("250.5 DAI", "not DAI"),
        ("1.0000001", "decimal places"),
        ("-5", "not an amount"),
        ("lots", "not an amount"),
        ("12xraw", "whole number"),
        (str(10**72), "too large"),
        # isdigit() took "²" and int() refused it, and thousands of digits escaped int(): each was a
        # ValueError ("airlock sign --approval-limit" stopped on an unexpected error)
        ("²raw", "whole number"),
        ("٢٥٠", "not an amount"),
        ("1" * 4400 + "raw", "too large"),
        ("1" * 4400, "too large"),
        ("1" * 100 + "." + "1" * 5000, "decimal places"),
    ],
)
def test_bad_limits_are_refused(text: str, error: str) -> None:
    with pytest.raises(EthError, match=error):
        parse_limit(text, editable_approval(UNLIMITED))


def test_a_limit_only_lowers() -> None:
    small = editable_approval(tx(USDC, calldata("approve(address,uint256)", SPENDER, 10**6)))
    with pytest.raises(EthError, match="only lower"):
        parse_limit("2", small)
    assert parse_limit("0.5", small) == 500_000


def test_unknown_token_limits_need_base_units() -> None:
    approval = editable_approval(tx(a(NFT), calldata("approve(address,uint256)", SPENDER, MAX - 1)))
    with pytest.raises(EthError, match="base units"):
        parse_limit("250", approval)
    assert parse_limit("250raw", approval) == 250


def test_permit2_approve_and_increase_allowance_are_editable() -> None:
    p2 = tx(
        a(PERMIT2),
        calldata("approve(address,address,uint160,uint48)", "0x" + DAI.hex(), SPENDER, 2**160 - 1, 2**47),
    )
    edited = edit_approval_amount(p2, parse_limit("12.5 DAI", editable_approval(p2)))
    assert parse_unsigned_tx(edited.raw) == edited
    assert editable_approval(edited).amount == 12_500_000_000_000_000_000
    inc = tx(DAI, calldata("increaseAllowance(address,uint256)", SPENDER, MAX - 1))
    assert editable_approval(edit_approval_amount(inc, 5)).amount == 5


@pytest.mark.parametrize(
    "data",
    [
        calldata("transfer(address,uint256)", SPENDER, 1),
        calldata("approve(address,uint256)", SPENDER, MAX) + b"\x01",  # extra bytes: not edited blindly
        calldata("multicall(bytes[])", [calldata("approve(address,uint256)", SPENDER, MAX)]),
    ],
    ids=["transfer", "trailing bytes", "nested"],
)
def test_only_a_plain_top_level_approval_is_editable(data: bytes) -> None:
    t = tx(USDC, data)
    assert editable_approval(t) is None
    with pytest.raises(EthError, match="only a plain approve"):
        edit_approval_amount(t, 1)
    with pytest.raises(EthError, match="no approve"):
        apply_limit(parse_raw(t.raw), 1)


# -- the CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def sign_file(tmp_path: Path, secret_input: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]):
    mnemonic = secret_input("words.txt", ABANDON + "\n")

    def go(content: str, *extra: str) -> tuple[int, str, str, dict | None]:
        request, review = tmp_path / "request.txt", tmp_path / "review.json"
        request.write_text(content + "\n")
        review.unlink(missing_ok=True)
        code = main(
            ["sign", str(request), "--mnemonic-file", str(mnemonic), "--review-json", str(review), *extra]
        )
        out = capsys.readouterr()
        return code, out.out, out.err, json.loads(review.read_text()) if review.exists() else None

    return go


def test_cli_limits_an_erc4527_request_and_prints_the_signed_transaction(sign_file) -> None:
    request = encode_single(to_ur(erc4527(UNLIMITED.raw, 4)))
    code, out, err, review = sign_file(request, "--approval-limit", "250.5 USDC")
    assert code == 0 and "broadcast" in err.lower()
    signed = bytes.fromhex(out.strip()[2:])
    assert Account.recover_transaction(signed) == ABANDON_ADDR0 and approved_amount(signed) == 250_500_000
    assert "unlimited-approval" not in {w["code"] for w in review["warnings"]}
    assert any("250.5 USDC" in n for n in review["notes"])


def test_cli_limits_a_raw_request(sign_file) -> None:
    code, out, _, _ = sign_file(encode_single(to_ur(Bytes(UNLIMITED.raw))), "--approval-limit", "1000000raw")
    assert code == 0
    signed = decode_ur(decode_single(out.strip().lower())).data
    assert Account.recover_transaction(signed) == ABANDON_ADDR0 and approved_amount(signed) == 10**6


@pytest.mark.parametrize(
    ("content", "limit", "error"),
    [
        ("0x" + tx(a(BOB), value=1).raw.hex(), "5", "no approve"),
        ("0x" + tx(USDC, calldata("approve(address,uint256)", SPENDER, 10**6)).raw.hex(), "2", "only lower"),
        ("0x" + UNLIMITED.raw.hex(), "5 DAI", "not DAI"),
    ],
)
def test_cli_bad_limit_signs_nothing(sign_file, content: str, limit: str, error: str) -> None:
    code, out, err, review = sign_file(content, "--approval-limit", limit)
    assert code == 2 and out == "" and review is None and error in err


def test_cli_limited_erc4527_request_as_ur_is_the_signed_transaction_in_ur_bytes(sign_file) -> None:
    """The edited transaction is no eth-signature: asked for UR, it comes as ur:bytes (what the device
    shows too), never as a UR that names the request's type."""
    request = encode_single(to_ur(erc4527(UNLIMITED.raw, 4)))
    code, out, err, _ = sign_file(request, "--approval-limit", "250.5 USDC", "--format", "ur")
    assert code == 0, err
    assert out.lower().startswith("ur:bytes/")
    signed = decode_ur(decode_single(out.strip().lower())).data
    assert Account.recover_transaction(signed) == ABANDON_ADDR0 and approved_amount(signed) == 250_500_000
