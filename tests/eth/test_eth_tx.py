"""Strict decoding of unsigned transactions and RLP: every malformed input gets a specific error."""

from __future__ import annotations

import pytest
import rlp as pyrlp
from eth_builders import USDC, tx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signer.eth import rlpcodec
from signer.eth.errors import EthError, RlpError, TxFormatError
from signer.eth.tx import (
    ACCESS_LIST,
    DYNAMIC_FEE,
    LEGACY,
    SET_CODE,
    AccessTuple,
    AlreadySignedError,
    Authorization,
    NoReplayProtectionError,
    UnsignedTx,
    looks_like_tx,
    parse_unsigned_tx,
    parse_unsigned_tx_hex,
)

E = rlpcodec.encode


def typed(t: int, fields: list) -> bytes:
    return bytes([t]) + E(fields)


BASE_1559 = [1, 0, 1, 2, 21000, USDC, 0, b"", []]


def test_rlp_rejects_non_canonical_forms() -> None:
    cases = {
        "8101": "single byte",
        "b80141": "long form",
        "c0c0": "trailing",
        "c3": "claims",
        "f800": "leading zero",
        "": "empty",
        "83": "claims",
        "b90001" + "00": "leading zero",
    }
    for hexdata, why in cases.items():
        with pytest.raises(RlpError, match=why):
            rlpcodec.decode(bytes.fromhex(hexdata))


def test_rlp_depth_is_bounded() -> None:
    item: list = []
    for _ in range(20):
        item = [item]
    with pytest.raises(RlpError, match="nested deeper"):
        rlpcodec.decode(E(item))


rlp_items = st.recursive(st.binary(max_size=70), lambda inner: st.lists(inner, max_size=5), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(rlp_items)
def test_rlp_round_trip_matches_pyrlp(item: object) -> None:
    encoded = E(item)
    assert encoded == pyrlp.encode(item)
    assert rlpcodec.decode(encoded) == pyrlp.decode(encoded)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_rlp_any_bytes_decode_or_rlp_error(data: bytes) -> None:
    try:
        ours = rlpcodec.decode(data, max_depth=256)
    except RlpError:
        with pytest.raises(Exception):  # noqa: B017 - pyrlp must reject what we reject (strict mode)
            pyrlp.decode(data, strict=True)
        return
    assert pyrlp.decode(data, strict=True) == ours


def test_all_four_types_decode() -> None:
    legacy = parse_unsigned_tx(E([3, 10**9, 21000, USDC, 5, b"\x01", 1, b"", b""]))
    assert (legacy.tx_type, legacy.chain_id, legacy.gas_price, legacy.value, legacy.data) == (
        LEGACY,
        1,
        10**9,
        5,
        b"\x01",
    )
    al = parse_unsigned_tx(typed(1, [5, 3, 7, 21000, USDC, 0, b"", [[USDC, [b"\x00" * 32]]]]))
    assert al.tx_type == ACCESS_LIST and al.access_list == (AccessTuple(USDC, (bytes(32),)),)
    d = parse_unsigned_tx(typed(2, BASE_1559))
    assert (d.tx_type, d.max_priority_fee_per_gas, d.max_fee_per_gas, d.max_fee) == (DYNAMIC_FEE, 1, 2, 42000)
    sc = parse_unsigned_tx(typed(4, [*BASE_1559, [[0, USDC, 1, 0, 5, 6]]]))
    assert sc.tx_type == SET_CODE and sc.authorization_list == (Authorization(0, USDC, 1, 0, 5, 6),)
    assert sc.authorization_list[0].authority is None  # r=5, s=6 is not a valid signature of anything here


@pytest.mark.parametrize(
    ("raw", "error", "match"),
    [
        (typed(2, [*BASE_1559[:-1]]), TxFormatError, "has 9 fields"),
        (typed(2, [*BASE_1559, 1, 2, 3]), AlreadySignedError, "already signed"),
        (E([3, 1, 21000, USDC, 0, b""]), NoReplayProtectionError, "EIP-155"),
        (E([3, 1, 21000, USDC, 0, b"", 1, 5, 6]), AlreadySignedError, "already signed"),
        (E([3, 1, 21000, USDC, 0, b"", 1, b"", b"", 0]), TxFormatError, "9 fields"),
        (E([3, 1, 21000, USDC, 0, b"", 0, b"", b""]), TxFormatError, "chain id 0"),
        (typed(2, [1, b"\x00\x01", 1, 2, 21000, USDC, 0, b"", []]), TxFormatError, "leading zero"),
        (typed(2, [1, 0, 1, 2, 21000, USDC, b"\x01" * 33, b"", []]), TxFormatError, "at most 32 bytes"),
        (typed(2, [1, 2**64 - 1, 1, 2, 21000, USDC, 0, b"", []]), TxFormatError, "nonce"),
        (typed(2, [1, 0, 1, 2, 2**64, USDC, 0, b"", []]), TxFormatError, "gas limit"),
        (typed(2, [1, 0, 3, 2, 21000, USDC, 0, b"", []]), TxFormatError, "priority fee"),
        (typed(2, [1, 0, 1, 2, 21000, USDC[:19], 0, b"", []]), TxFormatError, "20 bytes or empty"),
        (typed(2, [1, 0, 1, 2, 21000, USDC, 0, [b""], []]), TxFormatError, "data must be a byte string"),
        (typed(2, [1, 0, 1, 2, 21000, USDC, 0, b"", b""]), TxFormatError, "access list must be a list"),
        (typed(2, [1, 0, 1, 2, 21000, USDC, 0, b"", [[USDC]]]), TxFormatError, "storage keys"),
        (typed(2, [1, 0, 1, 2, 21000, USDC, 0, b"", [[USDC, [b"\x01"]]]]), TxFormatError, "32 bytes"),
        (typed(4, [*BASE_1559, []]), TxFormatError, "at least one authorization"),
        (
            typed(4, [1, 0, 1, 2, 21000, b"", 0, b"", [], [[0, USDC, 1, 0, 5, 6]]]),
            TxFormatError,
            "cannot create",
        ),
        (typed(4, [*BASE_1559, [[0, USDC, 1, 0, 5]]]), TxFormatError, "6 fields"),
        (typed(4, [*BASE_1559, [[0, USDC, 1, 256, 5, 6]]]), TxFormatError, "y_parity"),
        (typed(2, BASE_1559) + b"\x00", TxFormatError, "trailing"),
        (bytes([3]) + E(BASE_1559), TxFormatError, "blob"),
        (bytes([5]) + E(BASE_1559), TxFormatError, "unknown transaction type 0x05"),
        (E(b"hello world"), TxFormatError, "RLP string"),
        (b"", TxFormatError, "empty"),
        (b"\x02" + E(b"x"), TxFormatError, "must be a list"),
        (b"\x02" * (128 * 1024 + 1), TxFormatError, "more than"),
    ],
)
def test_malformed_transactions(raw: bytes, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        parse_unsigned_tx(raw)


def test_hex_input_and_looks_like_tx() -> None:
    raw = typed(2, BASE_1559)
    assert parse_unsigned_tx_hex("0x" + raw.hex()).raw == raw
    with pytest.raises(TxFormatError, match="odd number"):
        parse_unsigned_tx_hex("0x0")
    assert looks_like_tx(raw) and looks_like_tx(typed(2, [*BASE_1559, 1, 2, 3]))
    assert not looks_like_tx(b"\x02hello")


def test_with_data_re_encodes() -> None:
    t = tx(USDC, b"\x01\x02")
    changed = t.with_data(b"\xaa" * 40)
    assert parse_unsigned_tx(changed.raw) == changed and changed.raw != t.raw


addresses = st.binary(min_size=20, max_size=20)
u64 = st.integers(0, 2**64 - 2)
u256 = st.integers(0, 2**256 - 1)


@st.composite
def unsigned_txs(draw: st.DrawFn) -> UnsignedTx:
    t = draw(st.sampled_from([LEGACY, ACCESS_LIST, DYNAMIC_FEE, SET_CODE]))
    chain = draw(st.integers(1, 2**64 - 1))
    to = draw(addresses) if t == SET_CODE else draw(st.none() | addresses)
    access = tuple(
        draw(
            st.lists(
                st.builds(
                    AccessTuple,
                    addresses,
                    st.lists(st.binary(min_size=32, max_size=32), max_size=2).map(tuple),
                ),
                max_size=2,
            )
        )
    )
    common = dict(
        chain_id=chain,
        nonce=draw(u64),
        gas_limit=draw(u64),
        to=to,
        value=draw(u256),
        data=draw(st.binary(max_size=100)),
    )
    if t == LEGACY:
        return UnsignedTx(t, gas_price=draw(u256), **common)
    if t == ACCESS_LIST:
        return UnsignedTx(t, gas_price=draw(u256), access_list=access, **common)
    fee = draw(u256)
    tip = draw(st.integers(0, fee))
    auths = ()
    if t == SET_CODE:
        auths = tuple(
            draw(
                st.lists(
                    st.builds(Authorization, u256, addresses, u64, st.integers(0, 255), u256, u256),
                    min_size=1,
                    max_size=3,
                )
            )
        )
    return UnsignedTx(
        t,
        max_fee_per_gas=fee,
        max_priority_fee_per_gas=tip,
        access_list=access,
        authorization_list=auths,
        **common,
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unsigned_txs())
def test_encode_parse_round_trip(t: UnsignedTx) -> None:
    raw = t.encode()
    parsed = parse_unsigned_tx(raw)
    assert parsed == t and parsed.raw == raw


@settings(max_examples=300, deadline=None)
@given(unsigned_txs(), st.integers(0, 400), st.integers(0, 255))
def test_mutated_transactions_decode_or_fail_cleanly(t: UnsignedTx, pos: int, byte: int) -> None:
    raw = bytearray(t.encode())
    raw[pos % len(raw)] = byte
    try:
        parsed = parse_unsigned_tx(bytes(raw))
    except EthError:
        return
    assert parsed.raw == bytes(raw) and parsed.encode() == bytes(raw)
