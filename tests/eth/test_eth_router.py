"""Uniswap Universal Router ``execute``: each command decoded (issue 10.3), so a router call that
moves your tokens to someone else cannot hide behind 'commands (not decoded)'.

Command inputs are encoded with eth_abi from the layouts in Uniswap's Dispatcher.sol."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_builders import NOW, SPENDER, USDC, WETH, a, calldata, tx

from signer.chains.ethereum_review import review_transaction
from signer.risk.rules import RiskContext

CTX = RiskContext(now=NOW)
ROUTER = a("0x66a9893cC07D91D95644AEDD05D03f95e1dBA8Af")  # Universal Router 2.0 (Ethereum)
ATTACKER = "0x" + "a7" * 20
FEE_TAKER = "0x" + "fe" * 20
YOU, THE_ROUTER = "0x" + "00" * 19 + "01", "0x" + "00" * 19 + "02"  # MSG_SENDER, ADDRESS_THIS
DAY = 86_400


def v3_path(*hops: bytes | int) -> bytes:
    return b"".join(h if isinstance(h, bytes) else h.to_bytes(3, "big") for h in hops)


def swap_in(recipient: str, amount_in: int, min_out: int) -> bytes:
    types = ["address", "uint256", "uint256", "bytes", "bool"]
    return encode(types, [recipient, amount_in, min_out, v3_path(USDC, 500, WETH), True])


def execute(*commands: tuple[int, bytes], deadline: int = NOW + 600) -> bytes:
    cmds = bytes(c for c, _ in commands)
    return calldata("execute(bytes,bytes[],uint256)", cmds, [i for _, i in commands], deadline)


def review(data: bytes, value: int = 0):
    return review_transaction(tx(ROUTER, data, value), CTX)


def severities(r, code: str) -> set[str]:
    return {str(w.severity) for w in r.warnings if w.code == code}


def test_a_plain_swap_decodes_without_warnings() -> None:
    data = execute(
        (0x00, swap_in(THE_ROUTER, 1000 * 10**6, 0)),
        (0x06, encode(["address", "address", "uint256"], ["0x" + WETH.hex(), FEE_TAKER, 25])),
        (0x0C, encode(["address", "uint256"], [YOU, 39 * 10**16])),
    )
    r = review(data)
    assert not r.has_danger and "unknown-call" not in r.codes()
    titles = [c.title for c in r.call.walk()]
    assert any("1,000 USDC" in t and "WETH" in t for t in titles)
    assert any("0.25%" in t for t in titles) and any("0.39 ETH" in t and "you" in t for t in titles)


def test_permit2_transfer_of_your_tokens_to_a_stranger_is_danger() -> None:
    data = execute((0x02, encode(["address", "address", "uint160"], ["0x" + USDC.hex(), ATTACKER, 10**9])))
    r = review(data)
    assert severities(r, "foreign-recipient") == {"danger"}
    assert any("1,000 USDC" in w.message for w in r.warnings if w.code == "foreign-recipient")


@pytest.mark.parametrize(
    "command",
    [
        (0x00, swap_in(ATTACKER, 1000 * 10**6, 1)),
        (0x04, encode(["address", "address", "uint256"], ["0x" + WETH.hex(), ATTACKER, 1])),
        (0x0C, encode(["address", "uint256"], [ATTACKER, 1])),
        (
            0x08,
            encode(
                ["address", "uint256", "uint256", "address[]", "bool"],
                [ATTACKER, 10**6, 1, ["0x" + USDC.hex(), "0x" + WETH.hex()], True],
            ),
        ),
    ],
    ids=["v3 swap", "sweep", "unwrap", "v2 swap"],
)
def test_proceeds_sent_to_a_stranger_are_danger(command: tuple[int, bytes]) -> None:
    assert severities(review(execute(command)), "foreign-recipient") == {"danger"}


def test_permit2_permit_inside_the_router_is_judged() -> None:
    permit = (("0x" + USDC.hex(), 2**160 - 1, NOW + 30 * DAY, 0), SPENDER, NOW + 600)
    data = execute(
        (0x0A, encode(["((address,uint160,uint48,uint48),address,uint256)", "bytes"], [permit, b"\x00" * 65]))
    )
    assert severities(review(data), "unlimited-approval") == {"danger"}


def test_undecoded_commands_are_named_and_warned() -> None:
    r = review(execute((0x10, b"\x00" * 64)))
    assert severities(r, "unknown-call") == {"warn"}
    assert any("0x10" in w.message for w in r.warnings if w.code == "unknown-call")


def test_malformed_router_input_is_danger() -> None:
    mismatch = calldata("execute(bytes,bytes[])", b"\x00\x04", [swap_in(YOU, 1, 1)])
    assert severities(review(mismatch), "malformed-calldata") == {"danger"}
    dirty = bytearray(encode(["address", "address", "uint160"], ["0x" + USDC.hex(), YOU, 5]))
    dirty[32] = 0xAA  # the recipient word has bits above its 20 bytes: the router would read it otherwise
    assert severities(review(execute((0x02, bytes(dirty)))), "malformed-calldata") == {"danger"}
