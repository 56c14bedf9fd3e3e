"""AddressHistory: bounded MRU set, lookalike detection (MetaMask's >= 4 + >= 4 rule), JSON round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.risk.errors import RiskDataError
from signer.risk.history import AddressHistory

FRIEND = "0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c"


def test_add_contains_and_case_insensitivity() -> None:
    h = AddressHistory()
    h.add(FRIEND)
    assert h.contains(FRIEND.lower()) and h.contains(bytes.fromhex(FRIEND[2:])) and FRIEND.upper()[2:] in h
    assert not h.contains("0x" + "00" * 20)
    h.add(FRIEND.lower())
    assert len(h) == 1


def test_lookalikes() -> None:
    h = AddressHistory()
    h.add(FRIEND)
    fake = "0x5a0b" + "0" * 32 + "9c4c"
    (m,) = h.lookalikes(fake)
    assert m.known == FRIEND.lower() and m.prefix == 4 and m.suffix == 4
    assert m.differing == tuple(i for i in range(40) if FRIEND.lower()[2 + i] != fake[2 + i])
    assert h.lookalikes(FRIEND) == []  # identical is not a lookalike
    assert h.lookalikes("0x5a0b" + "0" * 33 + "c4c") == []  # only 3 trailing characters shared
    assert h.lookalikes("0x5a0c" + "0" * 32 + "9c4c") == []  # only 3 leading characters shared


def test_bounded_least_recently_used_is_forgotten() -> None:
    h = AddressHistory(max_size=3)
    addrs = [f"0x{i:040x}" for i in range(1, 5)]
    for x in addrs[:3]:
        h.add(x)
    h.add(addrs[0])  # refresh: now the most recent
    h.add(addrs[3])
    assert list(h) == [addrs[2], addrs[0], addrs[3]]
    assert not h.contains(addrs[1])


def test_json_round_trip_and_validation() -> None:
    h = AddressHistory(max_size=10)
    for i in range(5):
        h.add(f"0x{i:040x}")
    data = h.to_json()
    again = AddressHistory.from_json(data)
    assert list(again) == list(h) and again.max_size == 10 and again.to_json() == data
    for bad in (
        None,
        {},
        {"version": 2},
        {"version": 1, "max_size": "9", "addresses": []},
        {"version": 1, "max_size": 9, "addresses": ["0x12"]},
        {"version": 1, "max_size": 0, "addresses": []},
    ):
        with pytest.raises(RiskDataError):
            AddressHistory.from_json(bad)


hex40 = st.text("0123456789abcdef", min_size=40, max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(hex40, max_size=30), hex40)
def test_lookalikes_match_the_definition(known: list[str], candidate: str) -> None:
    h = AddressHistory()
    for k in known:
        h.add("0x" + k)
    expected = sorted(
        {k for k in known if k != candidate and k[:4] == candidate[:4] and k[-4:] == candidate[-4:]}
    )
    assert sorted(m.known[2:] for m in h.lookalikes("0x" + candidate)) == expected


def test_a_seeds_damaged_history_reads_as_empty_not_as_an_error() -> None:
    from signer.risk.history import HISTORY_KEY, seed_history

    kept = AddressHistory()
    kept.add(FRIEND)
    assert list(seed_history({HISTORY_KEY: kept.to_json()})) == [FRIEND.lower()]
    for damaged in ({HISTORY_KEY: {"version": 9}}, {HISTORY_KEY: ["0x12"]}, None, {}, {"other": 1}):
        assert len(seed_history(damaged)) == 0  # type: ignore[arg-type]
