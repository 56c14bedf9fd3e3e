"""Calldata decoding: every known family, nested batches, and hostile encodings."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_builders import BOB, DAI, MAX, NFT, PERMIT2, SPENDER, USDC, WETH, a, calldata, selector
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.eth.abi import canonical_size, decode_args, parse_type
from signer.eth.calls import MAX_DEPTH, decode_call, functions
from signer.eth.effects import Approval, Transfer, format_amount
from signer.eth.errors import AbiError

# Selectors as published (RISK.md section 6 and the revoke.cash extension), not computed here.
PUBLISHED = {
    "095ea7b3": "approve(address,uint256)",
    "39509351": "increaseAllowance(address,uint256)",
    "a457c2d7": "decreaseAllowance(address,uint256)",
    "a9059cbb": "transfer(address,uint256)",
    "23b872dd": "transferFrom(address,address,uint256)",
    "a22cb465": "setApprovalForAll(address,bool)",
    "42842e0e": "safeTransferFrom(address,address,uint256)",
    "b88d4fde": "safeTransferFrom(address,address,uint256,bytes)",
    "f242432a": "safeTransferFrom(address,address,uint256,uint256,bytes)",
    "2eb2c2d6": "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
    "d505accf": "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
    "8fcbaf0c": "permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)",
    "87517c45": "approve(address,address,uint160,uint48)",
    "cc53287f": "lockdown((address,address)[])",
    "65d9723c": "invalidateNonces(address,address,uint48)",
    "3ff9dcb1": "invalidateUnorderedNonces(uint256,uint256)",
    "2b67b570": "permit(address,((address,uint160,uint48,uint48),address,uint256),bytes)",
    "2a2d80d1": "permit(address,((address,uint160,uint48,uint48)[],address,uint256),bytes)",
    "36c78516": "transferFrom(address,address,uint160,address)",
    "0d58b1db": "transferFrom((address,address,uint160,address)[])",
    "30f28b7a": "permitTransferFrom(((address,uint256),uint256,uint256),(address,uint256),address,bytes)",
    "edd9444b": "permitTransferFrom(((address,uint256)[],uint256,uint256),(address,uint256)[],address,bytes)",
    "82ad56cb": "aggregate3((address,bool,bytes)[])",
    "3593564c": "execute(bytes,bytes[],uint256)",
    "24856bc3": "execute(bytes,bytes[])",
    "5fba79f5": "SecurityUpdate()",
    "4e71d92d": "claim()",
    "fc735e99": "verify()",
    "5b88349d": "claimAirdrop()",
}


@pytest.mark.parametrize(("sel", "signature"), PUBLISHED.items())
def test_selectors_match_published_values(sel: str, signature: str) -> None:
    assert functions()[bytes.fromhex(sel)].signature == signature


def test_erc20_family_with_token_list() -> None:
    c = decode_call(1, USDC, 0, calldata("transfer(address,uint256)", BOB, 1_500_000))
    assert c.title == f"Send 1.5 USDC to {BOB}" and c.effects == (Transfer("erc20", USDC, a(BOB), 1_500_000),)
    c = decode_call(1, USDC, 0, calldata("approve(address,uint256)", SPENDER, MAX))
    (e,) = c.effects
    assert isinstance(e, Approval) and e.standard == "erc20" and e.unlimited and "UNLIMITED USDC" in c.title
    c = decode_call(1, USDC, 0, calldata("approve(address,uint256)", SPENDER, 0))
    assert c.effects[0].revoke
    c = decode_call(1, DAI, 0, calldata("increaseAllowance(address,uint256)", SPENDER, 2**96 - 1))
    assert c.effects[0].unlimited and c.effects[0].increase
    c = decode_call(1, USDC, 0, calldata("transferFrom(address,address,uint256)", SPENDER, BOB, 10**6))
    assert c.effects == (Transfer("erc20", USDC, a(BOB), 10**6, sender=a(SPENDER)),)


def test_unknown_contract_approve_is_ambiguous_with_nft() -> None:
    c = decode_call(1, a(NFT), 0, calldata("approve(address,uint256)", SPENDER, 42))
    assert c.effects[0].standard == "erc20-or-721" and not c.effects[0].unlimited
    assert "NFT #42" in c.title and c.notes


def test_nft_calls() -> None:
    c = decode_call(1, a(NFT), 0, calldata("setApprovalForAll(address,bool)", SPENDER, True))
    assert c.effects == (Approval("nft-all", a(NFT), a(SPENDER), None, unlimited=True, revoke=False),)
    c = decode_call(
        1, a(NFT), 0, calldata("safeTransferFrom(address,address,uint256,bytes)", SPENDER, BOB, 7, b"x")
    )
    assert c.effects[0] == Transfer("erc721", a(NFT), a(BOB), None, token_id=7, sender=a(SPENDER))
    c = decode_call(
        1,
        a(NFT),
        0,
        calldata(
            "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
            SPENDER,
            BOB,
            [1, 2],
            [10, 20],
            b"",
        ),
    )
    assert [(e.token_id, e.amount) for e in c.effects] == [(1, 10), (2, 20)]


def test_permit_calls() -> None:
    c = decode_call(
        1,
        USDC,
        0,
        calldata(
            "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
            BOB,
            SPENDER,
            MAX,
            2**40,
            27,
            b"\x01" * 32,
            b"\x02" * 32,
        ),
    )
    (e,) = c.effects
    assert e.standard == "erc20-permit" and e.owner == a(BOB) and e.deadline == 2**40 and e.unlimited
    c = decode_call(
        1,
        DAI,
        0,
        calldata(
            "permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)",
            BOB,
            SPENDER,
            0,
            0,
            True,
            27,
            b"\x01" * 32,
            b"\x02" * 32,
        ),
    )
    assert c.effects[0].standard == "dai-permit" and c.effects[0].unlimited and c.effects[0].deadline is None


def test_permit2_calls() -> None:
    p2 = a(PERMIT2)
    c = decode_call(
        1,
        p2,
        0,
        calldata(
            "approve(address,address,uint160,uint48)", "0x" + USDC.hex(), SPENDER, 2**160 - 1, 2**48 - 1
        ),
    )
    (e,) = c.effects
    assert e.standard == "permit2" and e.unlimited and e.expiration is None and not c.notes
    single = calldata(
        "permit(address,((address,uint160,uint48,uint48),address,uint256),bytes)",
        BOB,
        (("0x" + USDC.hex(), 5 * 10**6, 1_800_000_000, 0), SPENDER, 1_700_000_000),
        b"\x00" * 65,
    )
    c = decode_call(1, p2, 0, single)
    assert (
        c.effects[0].amount == 5 * 10**6
        and c.effects[0].expiration == 1_800_000_000
        and c.effects[0].owner == a(BOB)
    )
    batch = calldata(
        "permit(address,((address,uint160,uint48,uint48)[],address,uint256),bytes)",
        BOB,
        ([("0x" + USDC.hex(), 1, 2, 0), ("0x" + DAI.hex(), 3, 4, 0)], SPENDER, 5),
        b"",
    )
    assert [e.token for e in decode_call(1, p2, 0, batch).effects] == [USDC, DAI]
    c = decode_call(1, p2, 0, calldata("lockdown((address,address)[])", [("0x" + USDC.hex(), SPENDER)]))
    assert c.effects == () and "lockdown" in c.title
    c = decode_call(
        1, p2, 0, calldata("invalidateNonces(address,address,uint48)", "0x" + USDC.hex(), SPENDER, 9)
    )
    assert "invalidate nonces below 9" in c.title
    c = decode_call(
        1,
        p2,
        0,
        calldata("transferFrom(address,address,uint160,address)", BOB, SPENDER, 9, "0x" + USDC.hex()),
    )
    assert c.effects == (Transfer("erc20", USDC, a(SPENDER), 9, sender=a(BOB)),)
    ptf = calldata(
        "permitTransferFrom(((address,uint256),uint256,uint256),(address,uint256),address,bytes)",
        (("0x" + USDC.hex(), 10), 0, 99),
        (BOB, 10),
        SPENDER,
        b"",
    )
    assert decode_call(1, p2, 0, ptf).effects == (Transfer("erc20", USDC, a(BOB), 10, sender=a(SPENDER)),)
    assert decode_call(1, a(NFT), 0, single).notes  # not the canonical Permit2 contract


def test_weth() -> None:
    assert decode_call(1, WETH, 10**18, calldata("deposit()")).title == "Wrap 1 ETH into WETH"
    assert decode_call(1, WETH, 0, calldata("withdraw(uint256)", 5 * 10**17)).title == "Unwrap 0.5 WETH"
    assert "not known as a wrapped" in decode_call(1, USDC, 1, calldata("deposit()")).title


def test_multicalls_decode_nested_calls() -> None:
    approve = calldata("approve(address,uint256)", SPENDER, MAX)
    c = decode_call(
        1, USDC, 0, calldata("multicall(bytes[])", [approve, calldata("transfer(address,uint256)", BOB, 1)])
    )
    assert [x.signature for x in c.inner] == ["approve(address,uint256)", "transfer(address,uint256)"]
    assert any(isinstance(e, Approval) and e.unlimited for e in c.all_effects())
    agg = calldata("aggregate3((address,bool,bytes)[])", [("0x" + USDC.hex(), False, approve)])
    assert decode_call(1, a(NFT), 0, agg).inner[0].target == USDC
    batch = encode(["(address,uint256,bytes)[]"], [[("0x" + USDC.hex(), 0, approve), (BOB, 5, b"")]])
    c = decode_call(1, a(BOB), 0, calldata("execute(bytes32,bytes)", b"\x01" + bytes(31), batch))
    assert c.inner[0].effects[0].unlimited and c.inner[1].effects == (Transfer("native", None, a(BOB), 5),)
    packed = b"\x00" + USDC + (0).to_bytes(32, "big") + len(approve).to_bytes(32, "big") + approve
    c = decode_call(1, a(NFT), 0, calldata("multiSend(bytes)", packed))
    assert c.inner[0].signature == "approve(address,uint256)"


def test_delegatecalls_in_batches_are_decoded_and_marked() -> None:
    delegate = b"\x01" + USDC + (0).to_bytes(32, "big") + (4).to_bytes(32, "big") + b"\x12\x34\x56\x78"
    (inner,) = decode_call(1, a(NFT), 0, calldata("multiSend(bytes)", delegate)).inner
    assert inner.delegatecall and inner.target == USDC and inner.selector == bytes.fromhex("12345678")
    c = decode_call(1, a(BOB), 0, calldata("execute(bytes32,bytes)", b"\xff" + bytes(31), USDC + b"\x00"))
    assert c.problem is None and c.inner[0].delegatecall and c.inner[0].target == USDC
    bad_op = b"\x02" + USDC + (0).to_bytes(32, "big") + (0).to_bytes(32, "big")
    assert "neither CALL" in decode_call(1, a(NFT), 0, calldata("multiSend(bytes)", bad_op)).problem


def test_nesting_depth_limit() -> None:
    data = calldata("approve(address,uint256)", SPENDER, MAX)
    for _ in range(MAX_DEPTH + 1):
        data = calldata("multicall(bytes[])", [data])
    c = decode_call(1, USDC, 0, data)
    deepest = list(c.walk())[-1]
    assert deepest.problem and "nested deeper" in deepest.problem


def test_non_canonical_offsets_and_trailing_bytes() -> None:
    good = calldata("multicall(bytes[])", [calldata("transfer(address,uint256)", BOB, 1)])
    bad = bytearray(good)
    bad[4 + 31] = 0x40  # first offset points past the canonical position
    c = decode_call(1, USDC, 0, bytes(bad))
    assert c.problem and "not canonical" in c.problem and c.effects == ()
    c = decode_call(1, USDC, 0, calldata("approve(address,uint256)", SPENDER, MAX) + b"\xde\xad")
    assert c.trailing == 2 and c.effects[0].unlimited
    c = decode_call(1, USDC, 0, calldata("approve(address,uint256)", SPENDER, MAX)[:-1])
    assert c.problem and "too short" in c.problem


def test_offset_aliasing_bomb_is_refused_without_decoding() -> None:
    blob = encode(["bytes"], [b"\xaa" * 4000])[32:]  # length + data
    n = 3000
    head = (32).to_bytes(32, "big") + n.to_bytes(32, "big")
    offsets = b"".join((32 * n).to_bytes(32, "big") for _ in range(n))  # every item points at the same blob
    with pytest.raises(AbiError, match="not canonical"):
        decode_args(["bytes[]"], head + offsets + blob)


def test_unknown_call_keeps_selector_and_raw_words() -> None:
    data = selector("doSomething(uint256)") + (5).to_bytes(32, "big") + b"\x01\x02"
    c = decode_call(1, USDC, 0, data)
    assert (
        not c.known
        and c.selector == data[:4]
        and [x.value for x in c.args] == [(5).to_bytes(32, "big"), b"\x01\x02"]
    )
    assert not decode_call(1, USDC, 0, b"\x01\x02").known


def test_amount_formatting() -> None:
    assert format_amount(1, USDC, 1_234_567_890) == "1,234.56789 USDC"
    assert format_amount(1, USDC, MAX).startswith("115,792,089,")  # exact: allowances say UNLIMITED instead
    assert format_amount(1, None, 10**18 + 1) == "1.000000000000000001 ETH"
    assert format_amount(137, None, 2 * 10**18) == "2 POL"
    assert format_amount(1, a(NFT), 12) == f"12 raw units of unknown token {NFT}"


def test_abi_type_parser() -> None:
    t = parse_type("((address,uint160)[],bytes)[2]")
    assert t.dynamic and t.length == 2 and t.element.items[0].element.items[1].name == "uint160"
    for bad in ("uint7", "bytes33", "()", "foo", "uint256[0]"):
        with pytest.raises(AbiError):
            parse_type(bad)
    assert canonical_size(["uint256", "bytes"], encode(["uint256", "bytes"], [1, b"abc"])) == 128


SIGNATURES = sorted({s.signature for s in functions().values()})


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SIGNATURES), st.binary(max_size=600), st.integers(0, 2**256 - 1))
def test_any_calldata_with_a_known_selector_decodes_or_reports(
    signature: str, body: bytes, value: int
) -> None:
    c = decode_call(1, USDC, value, selector(signature) + body)
    assert c.signature == signature
    assert c.problem is None or c.effects == ()
    c.to_json()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_calldata_decodes(data: bytes) -> None:
    decode_call(1, None, 0, data).to_json()


def abi_values(t: str) -> st.SearchStrategy:
    """Hypothesis values for an ABI type (as eth_abi encodes them)."""
    node = parse_type(t)
    if node.kind == "array":
        inner = abi_values(t[: t.rindex("[")])
        size = node.length
        return st.lists(inner, min_size=size or 0, max_size=size or 3)
    if node.kind == "tuple":
        from signer.eth.abi import _split_top

        return st.tuples(*(abi_values(p) for p in _split_top(t[1:-1])))
    if t == "address":
        return st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
    if t == "bool":
        return st.booleans()
    if t in ("bytes", "string"):
        return st.binary(max_size=80) if t == "bytes" else st.text(max_size=20)
    if t.startswith("bytes"):
        n = int(t[5:])
        return st.binary(min_size=n, max_size=n)
    bits = int(t.removeprefix("uint").removeprefix("int") or 256)
    return (
        st.integers(0, 2**bits - 1)
        if t.startswith("u")
        else st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    )


@st.composite
def well_formed_calls(draw: st.DrawFn) -> tuple[str, bytes]:
    spec = draw(st.sampled_from(sorted(functions().values(), key=lambda s: s.signature)))
    values = [draw(abi_values(t)) for t in spec.types]
    return spec.signature, spec.selector + encode(list(spec.types), values)


@settings(max_examples=300, deadline=None)
@given(well_formed_calls(), st.sampled_from([1, 10, 999]))
def test_well_formed_known_calls_decode_without_problems(call: tuple[str, bytes], chain: int) -> None:
    signature, data = call
    c = decode_call(chain, USDC, 0, data)
    assert c.signature == signature and c.trailing == 0
    # Only nested payloads (batches, delegatecalls) may carry problems; the call itself always decodes.
    assert c.problem is None or any(k in signature for k in ("execute", "multiSend", "execTransaction"))
    assert len(c.args) == len(functions()[data[:4]].types) or c.problem
    c.to_json()
