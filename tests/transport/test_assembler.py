"""The assembler: one message per scan in any format, parts in any order with repeats, other
messages refused (never merged), garbage counted and ignored, size limits, typed payloads."""

from __future__ import annotations

import base64
import json
import random
import zlib

import cbor2
import pytest
from shared_vectors import cases

from signer.chains.scanning import new_assembler
from signer.errors import AirlockError
from signer.transport import bbqr, bytewords, seedqr
from signer.transport.assembler import Assembler
from signer.transport.errors import PartConflictError, TransportError
from signer.transport.fountain import FountainPart
from signer.transport.ur import UR, UREncoder, encode_single

PSBT = bytes.fromhex(  # BIP-174 creator PSBT
    "70736274ff01009a020000000258e87a21b56daf0c23be8e7070456c336f7cbaa5c8757924f545887bb2abdd750000000000"
    "ffffffff838d0427d0ec650a68aa46bb0b098aea4422c071b2ca78352a077959d07cea1d0100000000ffffffff0270aaf008"
    "00000000160014d85c2b71d0060b09c9886aeb815e50991dda124d00e1f5050000000016001400aea9a2e5f0f876a588df55"
    "46e8742d1d87008f000000000000000000"
)
SPEC_SEED_DIGITS = "192402220235174306311124037817700641198012901210"
SPEC_SEED_COMPACT = bytes.fromhex("f0837875ecf4ef190bd6ea503ef2854b")
ADDRESS = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
# PROTOCOLS 1.1: the single-part ur:bytes of make_message(50), whose first bytes are 916ec65cf77cadf55cd7.
UR_BYTES_50 = (
    "ur:bytes/hdeymejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtgwdpfnsboxgwlbaawzuefywkdplrsrjynbvyg"
    "abwjldapfcsdwkbrkch"
)


def ur_parts(data: bytes, ur_type: str = "bytes", fragment: int = 30, count: int | None = None) -> list[str]:
    encoder = UREncoder(UR(ur_type, cbor2.dumps(data)), fragment)
    return [encoder.next_part() for _ in range(count or encoder.seq_len)]


def feed(assembler: Assembler, frames: list[str | bytes]) -> list[str]:
    return [assembler.add(f).outcome for f in frames]


# --- embedded vectors --------------------------------------------------------------------------


def test_published_single_part_ur_bytes() -> None:
    assembler = Assembler()
    status = assembler.add(UR_BYTES_50.upper())  # QR alphanumeric form
    assert status.complete and status.outcome == "new" and status.format == "ur"
    payload = assembler.result
    assert (payload.kind, payload.format, payload.ur_type) == ("bytes", "ur", "bytes")
    assert len(payload.data) == 50 and payload.data[:10].hex() == "916ec65cf77cadf55cd7"


@pytest.mark.parametrize(
    "vector", cases("ur/ur-bytes-256-wolf-frag30-parts.txt", lambda text: [("20-parts", text.split())])
)
def test_published_multipart_ur_in_any_order(vector: list[str]) -> None:
    parts = [p for p in vector if p.startswith("ur:")]
    rng = random.Random(11)
    for _ in range(3):
        frames = parts + rng.choices(parts, k=5)
        rng.shuffle(frames)
        assembler = Assembler()
        for frame in frames:
            if assembler.add(frame).complete:
                break
        payload = assembler.result
        assert payload.kind == "bytes" and len(payload.data) == 256
        assert payload.data[:10].hex() == "916ec65cf77cadf55cd7"


# --- UR ------------------------------------------------------------------------------------------


def test_multipart_ur_any_order_with_duplicates() -> None:
    data = random.Random(1).randbytes(700)
    parts = ur_parts(data, count=40)
    frames = parts[5:] + parts[:5] + parts[3:8]
    random.Random(2).shuffle(frames)
    assembler = Assembler()
    progress = []
    for frame in frames:
        status = assembler.add(frame.upper() if len(progress) % 2 else frame)
        progress.append(status.progress)
        if status.complete:
            break
    assert assembler.is_complete and assembler.result.data == data
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert assembler.status.expected == UREncoder(UR("bytes", cbor2.dumps(data)), 30).seq_len
    # more frames of the same message after completion are harmless repeats
    assert assembler.add(parts[0]).outcome == "duplicate" and assembler.result.data == data


def test_crypto_psbt_ur_gives_a_psbt_payload() -> None:
    for ur_type in ("crypto-psbt", "psbt"):
        assembler = Assembler()
        outcomes = feed(assembler, ur_parts(PSBT, ur_type, fragment=40))
        assert outcomes[-1] == "new" and assembler.is_complete
        payload = assembler.result
        assert (payload.kind, payload.ur_type, payload.data) == ("psbt", ur_type, PSBT)


def test_ur_crypto_psbt_without_psbt_magic_fails_when_complete_and_resets() -> None:
    assembler = Assembler()
    with pytest.raises(TransportError, match="PSBT"):
        feed(assembler, [encode_single(UR("crypto-psbt", cbor2.dumps(b"not a psbt at all")))])
    assert assembler.status.format is None and not assembler.is_complete


def test_unknown_ur_type_is_carried_as_cbor() -> None:
    body = cbor2.dumps({1: "x", 2: b"\x00" * 40})
    assembler = Assembler()
    assembler.add(encode_single(UR("x-custom-thing", body)))
    payload = assembler.result
    assert (payload.kind, payload.ur_type, payload.data, payload.obj) == (
        "cbor",
        "x-custom-thing",
        body,
        None,
    )


def test_two_ur_messages_are_never_merged() -> None:
    first = random.Random(3).randbytes(300)
    second = random.Random(4).randbytes(300)
    a, b = ur_parts(first, count=12), ur_parts(second, count=12)
    assembler = Assembler()
    assembler.add(a[0])
    status = assembler.add(b[1])
    assert status.outcome == "foreign" and not status.accepted and status.foreign_frames == 1
    assert "different message" in (status.reason or "")
    assert assembler.add(encode_single(UR("bytes", cbor2.dumps(b"short")))).outcome == "foreign"
    assert assembler.add(ur_parts(first, "crypto-psbt")[0]).outcome == "foreign"  # another UR type
    for part in a[1:]:
        status = assembler.add(part)
        if status.complete:
            break
    assert assembler.result.data == first
    # once complete, parts of another message are still refused; reset() starts over
    assert assembler.add(b[0]).outcome == "foreign"
    assembler.reset()
    feed(assembler, b)
    assert assembler.result.data == second


def test_single_part_ur_while_assembling_multipart_is_foreign() -> None:
    assembler = Assembler()
    assembler.add(ur_parts(b"x" * 200)[0])
    assert assembler.add(UR_BYTES_50).outcome == "foreign"


def test_ur_failing_its_message_checksum_raises_and_resets() -> None:
    data = random.Random(5).randbytes(90)
    good = UREncoder(UR("bytes", cbor2.dumps(data)), 30)
    parts = [good.next_part() for _ in range(good.seq_len)]
    # Re-frame part 2 with altered fragment data: its own bytewords CRC is fine, the message CRC is not.
    body = parts[1].split("/")[-1]
    part = FountainPart.from_cbor(bytewords.decode(body))
    tampered = FountainPart(
        part.seq_num, part.seq_len, part.message_len, part.checksum, bytes(len(part.data))
    )
    parts[1] = f"ur:bytes/2-{part.seq_len}/{bytewords.encode(tampered.to_cbor())}"
    assembler = Assembler()
    feed(assembler, parts[:-1])
    with pytest.raises(TransportError, match="CRC"):
        assembler.add(parts[-1])
    assert assembler.status.format is None  # reset: ready for a new scan
    assert feed(assembler, [UR_BYTES_50]) == ["new"]


def test_ur_size_limit() -> None:
    big = random.Random(6).randbytes(5000)
    assembler = Assembler(max_bytes=4000)
    with pytest.raises(TransportError, match="too large"):
        assembler.add(ur_parts(big, fragment=200)[3])
    assert assembler.status.format is None and assembler.status.garbage_frames == 0
    with pytest.raises(TransportError, match="too large"):
        Assembler(max_bytes=40).add(UR_BYTES_50)
    small = random.Random(7).randbytes(3000)
    assert feed(assembler, ur_parts(small, fragment=500))[-1] == "new" and assembler.result.data == small


# --- BBQr ----------------------------------------------------------------------------------------


def test_bbqr_any_order_with_duplicates() -> None:
    parts = list(bbqr.split(PSBT, "P", encoding="H", min_version=1, max_version=3).parts)
    frames = parts + parts[::2]
    random.Random(8).shuffle(frames)
    assembler = Assembler()
    outcomes = feed(assembler, frames)
    assert outcomes.count("new") == len(parts)
    payload = assembler.result
    assert (payload.kind, payload.format, payload.bbqr_type, payload.data) == ("psbt", "bbqr", "P", PSBT)
    assert assembler.status.received == assembler.status.expected == len(parts)


def test_two_bbqr_messages_are_never_merged() -> None:
    a = list(
        bbqr.split(random.Random(9).randbytes(400), "B", encoding="H", min_version=1, max_version=5).parts
    )
    b = list(
        bbqr.split(random.Random(10).randbytes(400), "B", encoding="H", min_version=1, max_version=5).parts
    )
    assert a[0][:8] == b[0][:8]  # same header: only the content tells them apart
    assembler = Assembler()
    assembler.add(a[0])
    assert assembler.add(bbqr.split(b"other", "U").parts[0]).outcome == "foreign"
    assert assembler.add(ur_parts(b"x" * 100)[0]).outcome == "foreign"
    assert assembler.add(ADDRESS).outcome == "foreign"
    assert assembler.add("ur:bytes/not-bytewords").outcome == "garbage"  # malformed, so not "another message"
    assert assembler.add("B$HB0100XYZ").outcome == "garbage"
    feed(assembler, a[1:])
    assert assembler.result.data == random.Random(9).randbytes(400)
    assert assembler.status.foreign_frames == 3


def test_bbqr_part_read_twice_with_other_content_restarts_the_scan() -> None:
    """Issue 10: same header, same part number, other content: two files are mixed. The scan is
    refused with a clear error and starts over; nothing of either file is kept."""
    a, b = (
        list(bbqr.split(random.Random(n).randbytes(400), "B", encoding="H", max_version=5).parts)
        for n in (9, 10)
    )
    assembler = Assembler()
    feed(assembler, a[:2])
    with pytest.raises(PartConflictError, match=r"part 1 of \d+ was read twice with different content"):
        assembler.add(b[0])
    assert assembler.status.format is None and assembler.status.received == 0
    feed(assembler, b)
    assert assembler.result.data == random.Random(10).randbytes(400)


def _two_psbts() -> tuple[bytes, bytes]:
    """The BIP-174 creator PSBT, and the same with a proprietary global field first (15 bytes
    longer): split in 3, both get the same BBQr header and part length, and every part differs."""
    proprietary = bytes([3, 0xFC, 1, 0x61, 10]) + b"0123456789"
    return PSBT, PSBT[:5] + proprietary + PSBT[5:]


@pytest.mark.parametrize("encoding", ["H", "2", "Z"])
def test_bbqr_psbt_parts_of_two_files_never_merge_silently(encoding: str) -> None:
    """Issue 10: parts of two PSBTs with the same header that never repeat a part number. The joined
    file must parse as a PSBT, and the mix of two does not (the assembler the device and the CLI scan
    with checks it)."""
    first, second = _two_psbts()
    a = list(bbqr.split(first, "P", encoding=encoding, min_split=3, max_split=3, min_version=1).parts)
    b = list(bbqr.split(second, "P", encoding=encoding, min_split=3, max_split=3, min_version=1).parts)
    assert [p[:6] for p in a] == [p[:6] for p in b] and len(a[0]) == len(b[0])
    assert all(x != y for x, y in zip(a, b, strict=True))
    mixes = [[x, y, z] for x in (a[0], b[0]) for y in (a[1], b[1]) for z in (a[2], b[2])]
    for mix in mixes:
        assembler = new_assembler()
        if mix in (a, b):
            feed(assembler, mix)
            assert assembler.result.data in (first, second)
            continue
        try:
            feed(assembler, mix)
        except TransportError as exc:
            assert "does not parse" in str(exc) or "deflate" in str(exc), exc
        else:
            pytest.fail(f"parts of two PSBTs were merged into {assembler.result!r}")
        assert assembler.status.format is None


def test_a_payload_joined_from_parts_must_pass_the_check_of_its_kind() -> None:
    """The transport knows no inner format: the check of a kind is given to it, and a payload of that
    kind joined from BBQr parts (no checksum) that fails it restarts the scan."""
    seen: list[bytes] = []

    def refuse(raw: bytes) -> None:
        seen.append(raw)
        raise AirlockError("not one whole file")

    parts = bbqr.split(PSBT, "P", encoding="H", min_split=2, max_split=2, min_version=1).parts
    assembler = Assembler(checks={"psbt": refuse})
    with pytest.raises(TransportError, match=r"the PSBT in this BBQr does not parse \(not one whole file\)"):
        feed(assembler, parts)
    assert seen == [PSBT] and assembler.status.format is None
    unchecked = Assembler(checks={"text": refuse})
    feed(unchecked, parts)
    assert unchecked.result.data == PSBT


def test_bbqr_typed_payloads() -> None:
    cases_ = [
        ("U", b"hello there", "text"),
        ("J", json.dumps({"a": 1}).encode(), "json"),
        ("C", cbor2.dumps([1, 2]), "cbor"),
        ("B", b"\x00\x01binary", "binary"),
        (
            "U",
            b"wpkh([65fb43fe/84h/1h/0h]tpubDDe8bRQqws125ChaJ4ZoB6qVbFn1sBubiim6SYcfmFz8XVSp4WWiMj4gAuzSx"
            b"JPRDZwT9rT928wQmWX993CAq4TjBXdcoCUtuG2E115mLD5/<0;1>/*)",
            "descriptor-text",
        ),
        ("P", base64.b64encode(PSBT), "psbt"),  # base64 text inside a P file is accepted too
    ]
    for file_type, data, kind in cases_:
        assembler = Assembler()
        feed(assembler, list(bbqr.split(data, file_type).parts))
        assert assembler.result.kind == kind, file_type
    assert assembler.result.data == PSBT


@pytest.mark.parametrize(
    ("file_type", "data", "reason"),
    [
        ("P", b"not a psbt", "does not hold a PSBT"),
        ("T", b"\x01\x02\x03", "does not hold a Bitcoin transaction"),
        ("J", b"{not json", "not valid JSON"),
        ("U", b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bbqr_content_that_breaks_its_type_raises_when_complete(
    file_type: str, data: bytes, reason: str
) -> None:
    assembler = Assembler()
    with pytest.raises(TransportError, match=reason):
        feed(assembler, list(bbqr.split(data, file_type).parts))
    assert assembler.status.format is None


def test_bbqr_transaction_vectors() -> None:
    vectors = cases("bbqr/bbqr-vectors.json", lambda d: [("T", d["krux"]["hex_signed_tx_T_H"])])
    vector = vectors[0].values[0]
    if vector is None:
        pytest.skip("shared vectors absent")
    assembler = Assembler()
    feed(assembler, vector["parts"])
    assert assembler.result.kind == "bitcoin-tx" and assembler.result.data.hex() == vector["decoded_hex"]


def test_bbqr_size_limits() -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, -10)
    bomb = comp.compress(bytes(3_000_000)) + comp.flush()
    part = "B$ZB0100" + base64.b32encode(bomb).decode().rstrip("=")
    assembler = Assembler(max_bytes=1_000_000)
    with pytest.raises(TransportError, match="limit"):
        assembler.add(part)
    assert assembler.status.format is None
    many = list(bbqr.split(random.Random(12).randbytes(6000), "B", encoding="H", max_version=10).parts)
    with pytest.raises(TransportError, match="too large"):
        Assembler(max_bytes=3000).add(many[0])


# --- single-QR formats ---------------------------------------------------------------------------


def test_single_formats_complete_immediately() -> None:
    for frame, kind, fmt in [
        (ADDRESS, "bitcoin-address", "plain"),
        (ADDRESS.upper().encode(), "bitcoin-address", "plain"),
        (f"bitcoin:{ADDRESS}?amount=1", "bip21", "plain"),
        (base64.b64encode(PSBT).decode(), "psbt", "plain"),
        (SPEC_SEED_DIGITS, "seed", "seedqr"),
        (SPEC_SEED_DIGITS.encode(), "seed", "seedqr"),
        (SPEC_SEED_COMPACT, "seed", "seedqr"),
    ]:
        assembler = Assembler()
        status = assembler.add(frame)
        assert status.complete and status.outcome == "new" and status.progress == 1.0
        assert (assembler.result.kind, assembler.result.format) == (kind, fmt)
        assert assembler.add(frame).outcome == "duplicate"
        assert assembler.add(UR_BYTES_50).outcome == "foreign"


def test_seed_payloads() -> None:
    standard, compact = Assembler(), Assembler()
    standard.add(SPEC_SEED_DIGITS)
    compact.add(SPEC_SEED_COMPACT)
    assert standard.result.data == compact.result.data == SPEC_SEED_COMPACT
    assert standard.result.type_label == "standard" and compact.result.type_label == "compact"
    shown = repr(compact.result) + repr(compact.status) + compact.status.describe()
    assert "f083" not in shown and "vacuum" not in shown and "content hidden" in repr(compact.result)
    assert isinstance(compact.result.obj, seedqr.SeedQR) and compact.result.is_secret


def test_printable_16_byte_text_is_not_taken_for_a_seed() -> None:
    assembler = Assembler()
    assert assembler.add(b"WIFI-PASSWORD-16").outcome == "garbage"
    assert assembler.add(b"\x00" + b"A" * 15).complete  # not printable: a CompactSeedQR
    assert assembler.result.kind == "seed"


def test_bad_seedqr_is_garbage_with_a_reason_and_no_secret() -> None:
    assembler = Assembler()
    swapped = SPEC_SEED_DIGITS[4:8] + SPEC_SEED_DIGITS[:4] + SPEC_SEED_DIGITS[8:]
    status = assembler.add(swapped)
    assert status.outcome == "garbage" and "checksum" in (status.reason or "")
    assert SPEC_SEED_DIGITS[:8] not in status.describe()


# --- garbage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "seen"),
    [
        ("hello there", "plain text"),
        ("  Meet at 10  \n bring snacks", "plain text"),
        ("https://example.com/a?b=c", "a web link"),
        ("WWW.EXAMPLE.COM", "a web link"),
        ("WIFI:S:home;T:WPA;P:hunter22;;", "Wi-Fi network details"),
        ("BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEND:VCARD", "a contact card"),
        ("mailto:ann@example.com", "an email address"),
        ("tel:+441234567", "a phone number"),
        ("lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypq", "a Lightning invoice"),
        ("123456789012", "a number"),
        (b"\x00\x01\x02\x03binary", "binary data"),
        (b"\xff\xfe\xfd\xfc", "binary data"),
    ],
)
def test_a_code_that_is_no_request_says_what_it_holds_without_quoting_it(
    content: str | bytes, seen: str
) -> None:
    for assembler in (Assembler(), _assembling()):
        status = assembler.add(content)
        assert status.outcome == "garbage" and status.reason == f"not an Airlock request: {seen}"


def _assembling() -> Assembler:
    """An assembler in the middle of an animated UR (a stray code then is no part of it either)."""
    assembler = Assembler()
    assembler.add(ur_parts(random.Random(3).randbytes(200))[0])
    return assembler


def test_garbage_is_counted_ignored_and_reported() -> None:
    data = random.Random(13).randbytes(200)
    parts = ur_parts(data)
    junk: list[object] = [
        "hello",
        "",
        b"",
        "ur:bytes/1-9/lpadascfadaxcywenbpljkhdcahkadaemejtswhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpkzzzzzz",
        "ur:",
        "B$HP0100XYZ",
        "B$",
        b"\xff\xfe\xfd",
        "x" * 10_000,
        12345,
        None,
    ]
    assembler = Assembler()
    for item in junk:
        status = assembler.add(item)  # type: ignore[arg-type]
        assert status.outcome == "garbage" and status.reason and not status.accepted
    assert assembler.status.garbage_frames == len(junk) and assembler.status.format is None
    for n, part in enumerate(parts):
        assembler.add(part)
        if n == 2:
            assert assembler.add("garbage again").outcome == "garbage"
            assert assembler.add(parts[0][:-6] + "aaaaaa").outcome == "garbage"  # corrupted CRC
    assert assembler.result.data == data
    assert assembler.status.garbage_frames == len(junk) + 2
    assert "garbage" in assembler.status.describe() or assembler.status.complete


def test_result_before_completion_says_how_far() -> None:
    assembler = Assembler()
    with pytest.raises(TransportError, match="no QR code read yet"):
        _ = assembler.result
    parts = list(
        bbqr.split(random.Random(14).randbytes(500), "B", encoding="H", min_version=1, max_version=5).parts
    )
    feed(assembler, parts[:2])
    with pytest.raises(TransportError, match=f"incomplete: 2 of {len(parts)} parts"):
        _ = assembler.result
    assert assembler.status.describe().startswith(f"bbqr: 2 of {len(parts)} parts")
