"""Specter's animated ``pMofN`` QR parts: assembled in any order with repeats, never complete before
every part is in, parts of another message refused, a part read twice with other content restarts the
scan, and the joined text used for what it is (base64 PSBT, descriptor, text)."""

from __future__ import annotations

import base64
import math
import random

import pytest
from embit.bip32 import HDKey
from embit.bip39 import mnemonic_to_seed

from signer.transport import specter_parts
from signer.transport.assembler import Assembler
from signer.transport.errors import PartConflictError, TransportError

PSBT = bytes.fromhex(  # BIP-174 creator PSBT
    "70736274ff01009a020000000258e87a21b56daf0c23be8e7070456c336f7cbaa5c8757924f545887bb2abdd750000000000"
    "ffffffff838d0427d0ec650a68aa46bb0b098aea4422c071b2ca78352a077959d07cea1d0100000000ffffffff0270aaf008"
    "00000000160014d85c2b71d0060b09c9886aeb815e50991dda124d00e1f5050000000016001400aea9a2e5f0f876a588df55"
    "46e8742d1d87008f000000000000000000"
)
ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


def specter_split(text: str, part_len: int) -> list[str]:
    """Parts as Specter-DIY's Base64QREncoder cuts them: equal slices of ceil(len / parts) characters
    (the last one shorter), each behind ``p<M>of<N> ``."""
    count = math.ceil(len(text) / part_len)
    size = math.ceil(len(text) / count)
    return [f"p{m + 1}of{count} {text[m * size : (m + 1) * size]}" for m in range(count)]


def multisig_descriptor() -> str:
    key = HDKey.from_seed(mnemonic_to_seed(ABANDON)).derive("m/48h/0h/0h/2h").to_public().to_base58()
    origin = f"[73c5da0a/48h/0h/0h/2h]{key}"
    return f"wsh(sortedmulti(1,{origin}/0/*,{origin}/1/*))"


def test_base64_psbt_in_any_order_with_repeats() -> None:
    parts = specter_split(base64.b64encode(PSBT).decode(), 50)
    assert len(parts) == 5 and parts[0].startswith("p1of5 cHNidP8")
    frames = parts[3:] + parts[:2] + parts[1:3]
    random.Random(1).shuffle(frames)
    assembler = Assembler()
    seen = []
    for frame in frames:
        status = assembler.add(frame)
        seen.append((status.outcome, status.received, status.complete))
        if status.complete:
            break
    assert [s[2] for s in seen].index(True) == len(seen) - 1  # complete only with the last new part
    assert all(not complete for _, received, complete in seen if received < 5)
    assert sum(1 for outcome, _, _ in seen if outcome == "new") == 5
    payload = assembler.result
    assert (payload.kind, payload.format, payload.data) == ("psbt", "specter", PSBT)


def test_progress_reads_m_of_n() -> None:
    parts = specter_split(base64.b64encode(PSBT).decode(), 50)
    assembler = Assembler()
    assembler.add(parts[4])
    status = assembler.add(parts[1])
    assert (status.format, status.received, status.expected, status.complete) == ("specter", 2, 5, False)
    assert status.describe() == "specter: 2 of 5 parts (40%)"
    assert assembler.add(parts[1]).outcome == "duplicate"
    with pytest.raises(TransportError, match="incomplete: 2 of 5 parts"):
        _ = assembler.result


def test_first_part_of_a_descriptor_is_not_the_whole() -> None:
    """Issue 9.4: the first part of a two-part descriptor holds a whole xpub and used to be taken for
    a complete descriptor."""
    descriptor = multisig_descriptor()
    parts = specter_split(descriptor, math.ceil(len(descriptor) / 2))
    assert len(parts) == 2
    assembler = Assembler()
    status = assembler.add(parts[0])
    assert status.outcome == "new" and not status.complete and not assembler.is_complete
    assert assembler.add(parts[1]).complete
    payload = assembler.result
    assert (payload.kind, payload.format, payload.text()) == ("descriptor-text", "specter", descriptor)


def test_plain_text_and_single_part() -> None:
    assembler = Assembler()
    assert assembler.add("p1of1 hello there").complete
    assert (assembler.result.kind, assembler.result.text()) == ("text", "hello there")
    assembler = Assembler()
    for part in specter_split("a note split over parts ", 8):  # chunks may end with a space
        assembler.add(part + "\r\n")  # scanners end the line; that is not part of the chunk
    assert assembler.result.text() == "a note split over parts"  # the message itself is stripped


def test_part_of_another_message_is_refused_never_merged() -> None:
    ours = specter_split(base64.b64encode(PSBT).decode(), 50)
    other = specter_split(base64.b64encode(PSBT[:-20]).decode(), 30)
    assert len(other) != len(ours)
    assembler = Assembler()
    assembler.add(ours[0])
    status = assembler.add(other[1])
    assert status.outcome == "foreign" and "another message" in (status.reason or "")
    assert assembler.add("p1of1 another message").outcome == "foreign"
    for part in ours[1:]:
        assembler.add(part)
    assert assembler.result.data == PSBT


def test_part_read_twice_with_other_content_restarts_the_scan() -> None:
    ours = specter_split(base64.b64encode(PSBT).decode(), 50)
    assembler = Assembler()
    assembler.add(ours[0])
    assembler.add(ours[1])
    with pytest.raises(PartConflictError, match="part 2 of 5 was read twice with different content"):
        assembler.add(ours[1][:-1] + "A")
    assert assembler.status.format is None and assembler.status.received == 0


def test_parts_of_two_psbts_with_the_same_count_do_not_merge_silently() -> None:
    first = base64.b64encode(PSBT).decode()
    second = base64.b64encode(PSBT[:5] + bytes([3, 0xFC, 1, 0x61, 4]) + b"abcd" + PSBT[5:]).decode()
    a, b = specter_split(first, 50), specter_split(second, 50)
    assert len(a) == len(b) == 5
    assembler = Assembler()
    with pytest.raises(TransportError, match=r"does not parse|not valid base64"):
        for part in a[:2] + b[2:]:
            assembler.add(part)
    assert assembler.status.format is None


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("p0of3 abc", "not between 1 and the total"),
        ("p4of3 abc", "not between 1 and the total"),
        ("p1of0 abc", "has 0 parts"),
        ("p1of3 ", "empty"),
    ],
)
def test_malformed_parts_are_garbage_with_a_reason(frame: str, reason: str) -> None:
    status = Assembler().add(frame)
    assert status.outcome == "garbage" and reason in (status.reason or "")


def test_joined_text_that_breaks_its_format_is_refused() -> None:
    parts = specter_split("bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=1.123456789", 30)
    assembler = Assembler()
    with pytest.raises(TransportError, match="more than 8 decimals"):
        for part in parts:
            assembler.add(part)


def test_size_limit() -> None:
    parts = specter_split("x" * 9000, 1000)
    with pytest.raises(TransportError, match="too large"):
        Assembler(max_bytes=3000).add(parts[0])
    assembler = Assembler(max_bytes=10_000)
    for part in parts:
        assembler.add(part)
    assert assembler.result.text() == "x" * 9000


def test_parse_part() -> None:
    part = specter_parts.parse_part("P12OF15 chunk with spaces ")
    assert (part.number, part.total, part.chunk) == (12, 15, "chunk with spaces ")
    assert not specter_parts.is_specter_part("p1of3")  # no space, no chunk
    assert not specter_parts.is_specter_part("pay 1 of 3 ")
