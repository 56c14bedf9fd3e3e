"""Built-in chain table and token list: validated on load, replaceable by updated files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_builders import USDC

from signer.eth import registry
from signer.eth.effects import format_amount
from signer.eth.errors import EthError
from signer.eth.request import parse_raw


def test_builtin_tables() -> None:
    assert registry.chain(1).name == "Ethereum" and registry.chain(1).fee_cap == 5 * 10**16
    assert registry.chain(42161).symbol == "ETH" and registry.chain(11155111).testnet
    unknown = registry.chain(123456789)
    assert not unknown.known and unknown.decimals == 18
    assert registry.token(1, USDC).decimals == 6 and registry.token(10, USDC) is None
    weth = [t for t in registry.tokens_on(8453) if t.wrapped]
    assert [t.symbol for t in weth] == ["WETH"]
    # the shipped list passes the loader's EIP-55 check on every address
    assert len(registry.load_tokens()) >= 50


def write(tmp_path: Path, tokens: list[dict]) -> Path:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"tokens": {"1": tokens}}))
    return path


def test_updated_token_list(tmp_path: Path) -> None:
    new = {"address": "0x6982508145454Ce325dDbE47a25d4ec3d2311933", "symbol": "PEPE2", "decimals": 9}
    try:
        registry.install(tokens_path=write(tmp_path, [new]))
        assert format_amount(1, bytes.fromhex(new["address"][2:]), 10**9) == "1 PEPE2"
        assert registry.token(1, USDC) is None  # the update replaces the list
    finally:
        registry.reset()
    assert registry.token(1, USDC) is not None


@pytest.mark.parametrize(
    ("token", "match"),
    [
        (
            {"address": "0x6982508145454ce325ddbe47a25d4ec3d2311933", "symbol": "X", "decimals": 1},
            "checksummed",
        ),
        ({"address": "0x6982508145454Ce325dDbE47a25d4ec3d2311934", "symbol": "X", "decimals": 1}, "checksum"),
        (
            {"address": "0x6982508145454Ce325dDbE47a25d4ec3d2311933", "symbol": "X", "decimals": 99},
            "decimals",
        ),
        ({"symbol": "X", "decimals": 1}, "malformed"),
    ],
)
def test_bad_token_files_are_refused(tmp_path: Path, token: dict, match: str) -> None:
    with pytest.raises(EthError, match=match):
        registry.install(tokens_path=write(tmp_path, [token]))
    assert registry.token(1, USDC) is not None  # nothing changed


def test_text_requests_follow_personal_sign_rules() -> None:
    assert parse_raw(b"deadbeef", text=True).payload.data == b"deadbeef"  # no 0x: it is text
    assert parse_raw(b"0x1234abcd", text=True).payload.data == bytes.fromhex("1234abcd")
    with pytest.raises(EthError, match="not valid RLP"):  # a leading byte >= 0xc0 means a legacy transaction
        parse_raw(b"0xdeadbeef", text=True)


def test_chain_file_with_a_non_ascii_digit_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "chains.json"
    chain = {"name": "X", "symbol": "X", "decimals": 18, "fee_cap": "1"}
    path.write_text(json.dumps({"chains": {"1²": chain}}))
    with pytest.raises(EthError, match="positive decimal number"):  # used to escape as a bare ValueError
        registry.install(chains_path=path)
    assert registry.chain(1).name == "Ethereum"  # nothing changed
