"""BBQr split/join: public vectors (Krux, Coinkite, generated with the reference algorithm) and
the collector's strictness (foreign parts, repeats, lengths, size limits, deflate bombs)."""

from __future__ import annotations

import base64
import hashlib
import random
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases, load_json, path

from signer.transport import bbqr
from signer.transport.errors import ForeignPartError, PartConflictError, TransportError
from signer.transport.qrcapacity import alnum_capacity

# --- embedded vectors --------------------------------------------------------------------------

# BIP-174 "creator" PSBT (167 bytes) split with H at min_version 1, max_version 5 (reference algorithm).
CREATOR_PSBT = bytes.fromhex(
    "70736274ff01009a020000000258e87a21b56daf0c23be8e7070456c336f7cbaa5c8757924f545887bb2abdd750000000000"
    "ffffffff838d0427d0ec650a68aa46bb0b098aea4422c071b2ca78352a077959d07cea1d0100000000ffffffff0270aaf008"
    "00000000160014d85c2b71d0060b09c9886aeb815e50991dda124d00e1f5050000000016001400aea9a2e5f0f876a588df55"
    "46e8742d1d87008f000000000000000000"
)
CREATOR_H_V5 = [
    "B$HP030070736274FF01009A020000000258E87A21B56DAF0C23BE8E7070456C336F7CBAA5C8757924F545887BB2ABDD75"
    "0000000000FFFFFFFF838D0427D0EC650A68AA46BB0B098AEA4422C0",
    "B$HP030171B2CA78352A077959D07CEA1D0100000000FFFFFFFF0270AAF00800000000160014D85C2B71D0060B09C9886AEB"
    "815E50991DDA124D00E1F5050000000016001400AEA9A2E5F0F876",
    "B$HP0302A588DF5546E8742D1D87008F000000000000000000",
]
# Krux tests/test_bbqr.py: a Sparrow single-sig descriptor as U/Z in one part.
KRUX_DESCRIPTOR_PART = (
    "B$ZU0100AXA5WCUCGAAABUEP5GSXVGOTJU3IUQC5AZJJBF6URQPJZONGGEX2SGD6PXT4ZXKHVYPSMFQ4DGRAIBCJAAS5BZDT5QTM4W"
    "CJPDQPP4YAOXWMRXCDLFVZW7OM3UDA55WEVNFJTYN5CDFF2SA2Q4OUVEXKKKR3ONJN4HH3WBRMTMR7VDNIJZTF6JJJUWDGH5JIVLW7I"
    "VNUZZWZYTX2CFBKZTQMQO63NAYHWDO2ZGQ4NFCIZZAP"
)
KRUX_DESCRIPTOR = (
    "wpkh([65fb43fe/84h/1h/0h]tpubDDe8bRQqws125ChaJ4ZoB6qVbFn1sBubiim6SYcfmFz8XVSp4WWiMj4gAuzSxJPRDZwT9rT928wQ"
    "mWX993CAq4TjBXdcoCUtuG2E115mLD5/<0;1>/*)#na408ft8"
)


def test_embedded_reference_split_is_byte_exact() -> None:
    result = bbqr.split(CREATOR_PSBT, "P", encoding="H", min_version=1, max_version=5)
    assert (result.version, result.encoding) == (5, "H")
    assert list(result.parts) == CREATOR_H_V5
    assert bbqr.join(reversed(CREATOR_H_V5)).data == CREATOR_PSBT


def test_embedded_default_split_fits_one_version_10_qr() -> None:
    result = bbqr.split(CREATOR_PSBT, "P", encoding="H")
    assert result.version == 10 and len(result.parts) == 1
    assert result.parts[0] == "B$HP0100" + CREATOR_PSBT.hex().upper()


def test_embedded_krux_descriptor_joins() -> None:
    message = bbqr.join([KRUX_DESCRIPTOR_PART])
    assert (message.file_type, message.encoding) == ("U", "Z")
    assert message.data.decode() == KRUX_DESCRIPTOR


@pytest.mark.parametrize(("qr", "words"), [("B$XU0100CX", "encoding 'X'"), ("B$ZA0100CX", "file type 'A'")])
def test_embedded_invalid_headers(qr: str, words: str) -> None:
    with pytest.raises(TransportError, match=words):
        bbqr.join([qr])


def test_base32_padding_is_restored_before_decoding() -> None:
    # "Hello World" -> JBSWY3DPEBLW64TMMQ (6 padding characters removed)
    assert bbqr.join(["B$2U0100JBSWY3DPEBLW64TMMQ"]).data == b"Hello World"
    assert bbqr.encode_data(b"Hello World.", "2") == ("2", "JBSWY3DPEBLW64TMMQXA")


# --- public vectors ----------------------------------------------------------------------------

VECTORS = "bbqr/bbqr-vectors.json"


def _krux_sets(data: dict) -> list[tuple[str, dict]]:
    out = []
    for section in (
        "descriptors_U_Z",
        "json_descriptor_J_2",
        "bbqr_encoded_psbts",
        "bbqr_non_compressed_encoded_psbts",
    ):
        out += [(f"{section}-{n}", v) for n, v in enumerate(data["krux"][section])]
    out.append(("hex_signed_tx_T_H", data["krux"]["hex_signed_tx_T_H"]))
    return out


@pytest.mark.parametrize("vector", cases(VECTORS, _krux_sets))
def test_krux_vector_joins(vector: dict) -> None:
    expected = (
        vector["decoded_utf8"].encode() if "decoded_utf8" in vector else bytes.fromhex(vector["decoded_hex"])
    )
    parts = list(vector["parts"])
    message = bbqr.join(parts)
    assert message.file_type == vector["file_type"]
    assert message.data == expected
    # any order, with repeats
    shuffled = parts + parts[:1]
    random.Random(5).shuffle(shuffled)
    assert bbqr.join(shuffled).data == expected


@pytest.mark.parametrize("vector", cases(VECTORS, lambda d: enumerate(d["krux"]["base32"])))
def test_krux_base32_vector(vector: dict) -> None:
    raw = bytes.fromhex(vector["bytes_hex"])
    assert bbqr.encode_data(raw, "2") == ("2", vector["b32_nopad"])
    assert vector["b32_padded"].rstrip("=") == vector["b32_nopad"]
    assert bbqr.join(["B$2B0100" + vector["b32_nopad"]]).data == raw


@pytest.mark.parametrize("vector", cases(VECTORS, lambda d: [(v["qr"], v) for v in d["krux"]["invalid"]]))
def test_krux_invalid_vector(vector: dict) -> None:
    with pytest.raises(TransportError):
        bbqr.join([vector["qr"]])


def test_coinkite_real_scan() -> None:
    meta = load_json(VECTORS)["coinkite"]["real_scan"]
    scan = path("bbqr/" + meta["file"])
    assert scan is not None
    lines = scan.read_text().split()
    assert len(lines) == meta["num_parts"]  # a real camera log: 8 parts seen 26 times, in scan order
    message = bbqr.join(lines)
    assert message.file_type == meta["file_type"]
    assert len(message.data) == meta["decoded_len"]
    assert hashlib.sha256(message.data).hexdigest() == meta["decoded_sha256"]
    assert message.data.decode().startswith(meta["decoded_prefix_utf8"])


@pytest.mark.parametrize("name", cases(VECTORS, lambda d: [(n, n) for n in d["coinkite"]["test_data_files"]]))
def test_coinkite_file_round_trip(name: str) -> None:
    meta = load_json(VECTORS)["coinkite"]["test_data_files"][name]
    file = path("bbqr/" + name)
    assert file is not None
    data = file.read_bytes()
    assert len(data) == meta["len"] and data.hex().startswith(meta["starts_with"])
    file_type = "P" if name.endswith(".psbt") else "T"
    result = bbqr.split(data, file_type)
    # Z only when deflate (1 KiB window) actually makes the data smaller
    packed = zlib.compressobj(9, zlib.DEFLATED, -10)
    assert (result.encoding == "Z") == (len(packed.compress(data) + packed.flush()) < len(data))
    assert all(len(p) <= alnum_capacity(result.version, "L") for p in result.parts)
    parts = list(result.parts) * 2
    random.Random(len(data)).shuffle(parts)
    assert bbqr.join(parts, max_bytes=200_000).data == data


def _generated(data: dict) -> list[tuple[str, dict]]:
    return [(f"{n}-{v['requested_encoding']}-{v['file_type']}", v) for n, v in enumerate(data["generated"])]


@pytest.mark.parametrize("vector", cases(VECTORS, _generated))
def test_generated_split_vector(vector: dict) -> None:
    if "input_hex" in vector:
        data = bytes.fromhex(vector["input_hex"])
    elif "input_utf8" in vector:
        data = vector["input_utf8"].encode()
    else:
        file = path("bbqr/" + vector["input"].rsplit("/", 1)[-1])
        assert file is not None
        data = file.read_bytes()
    options = vector.get("split_options")
    options = options if isinstance(options, dict) else {}
    result = bbqr.split(data, vector["file_type"], encoding=vector["requested_encoding"], **options)
    assert result.encoding == vector["actual_encoding"]
    assert result.version == vector["qr_version"]
    assert len(result.parts) == len(vector["parts"])
    if vector["deterministic"]:  # H and 2 are byte-exact; Z depends on the deflate implementation
        assert list(result.parts) == vector["parts"]
    assert bbqr.join(vector["parts"]).data == data
    assert bbqr.join(result.parts).data == data


# --- splitting ----------------------------------------------------------------------------------


def test_incompressible_data_falls_back_to_base32() -> None:
    noise = random.Random(1).randbytes(600)
    assert bbqr.split(noise, "B").encoding == "2"
    assert bbqr.split(noise, "B", encoding="Z").encoding == "2"
    assert bbqr.split(b"A" * 600, "U").encoding == "Z"


CREATOR_PSBT_PARTS = {"Z": (1, 2, 3, 4, 8, 15), "2": (1, 2, 3, 5, 9, 17), "H": (1, 2, 3, 4, 5, 9, 21)}


def test_part_counts_of_the_creator_psbt() -> None:
    """The counts the reference version search gives for each encoding (v1..v40): the facts the
    fallback tests below stand on."""
    for encoding, counts in CREATOR_PSBT_PARTS.items():
        for k in range(1, 25):
            options = {"min_split": k, "max_split": k, "min_version": 1}
            fits = bbqr._fits(*bbqr.encode_data(CREATOR_PSBT, encoding), options)
            assert fits == (k in counts), (encoding, k)


@pytest.mark.parametrize(
    ("parts", "encoding"), [(3, "Z"), (8, "Z"), (15, "Z"), (5, "2"), (17, "2"), (21, "H")]
)
def test_exact_part_count_falls_back_to_longer_encodings(parts: int, encoding: str) -> None:
    """Issue 9.6: when the compressed text cannot make exactly K parts (too short, or no QR version
    gives that count), base32 and then hex are used, as Coinkite's encoder does. The parts are then
    exactly the reference split of that encoding (verified byte for byte by the generated vectors)."""
    options = {"min_split": parts, "max_split": parts, "min_version": 1}
    result = bbqr.split(CREATOR_PSBT, "P", **options)  # type: ignore[arg-type]
    assert (result.encoding, len(result.parts)) == (encoding, parts)
    if encoding != "Z":  # Z bytes depend on the deflate implementation; H and 2 are exact
        assert result == bbqr.split(CREATOR_PSBT, "P", encoding=encoding, **options)  # type: ignore[arg-type]
    assert bbqr.join(result.parts).data == CREATOR_PSBT


def test_explicit_encodings_do_not_fall_back() -> None:
    with pytest.raises(TransportError, match=r"exactly 4 BBQr parts .* near it are 2, 3, 5"):
        bbqr.split(CREATOR_PSBT, "P", encoding="2", min_split=4, max_split=4, min_version=1)
    in_hex = bbqr.split(CREATOR_PSBT, "P", encoding="H", min_split=4, max_split=4, min_version=1)
    assert (in_hex.encoding, len(in_hex.parts)) == ("H", 4)


def test_too_many_parts_for_any_encoding_says_so() -> None:
    with pytest.raises(TransportError, match=r"exactly 22 BBQr parts .* too short: at most 21 parts"):
        bbqr.split(CREATOR_PSBT, "P", min_split=22, max_split=22, min_version=1)
    with pytest.raises(TransportError, match=r"exactly 6 BBQr parts .* near it are 4, 5, 8"):
        bbqr.split(CREATOR_PSBT, "P", min_split=6, max_split=6, min_version=1)


def test_split_refuses_bad_arguments() -> None:
    with pytest.raises(TransportError, match="empty"):
        bbqr.split(b"", "B")
    with pytest.raises(TransportError, match="file type"):
        bbqr.split(b"x", "Q")
    with pytest.raises(TransportError, match="encoding"):
        bbqr.split(b"x", "B", encoding="X")
    with pytest.raises(TransportError, match=r"cannot be split into 1 to 3 BBQr parts .* too long"):
        bbqr.split(random.Random(2).randbytes(5000), "B", max_version=5, max_split=3)


def test_non_final_parts_are_whole_symbols_and_equal_length() -> None:
    data = random.Random(3).randbytes(3000)
    for encoding, mod in (("H", 2), ("2", 8)):
        parts = bbqr.split(data, "B", encoding=encoding, max_version=10).parts
        bodies = [p[8:] for p in parts]
        assert len({len(b) for b in bodies[:-1]}) == 1
        assert all(len(b) % mod == 0 for b in bodies[:-1])
        assert len(bodies[-1]) <= len(bodies[0])


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(min_size=1, max_size=1500),
    file_type=st.sampled_from(sorted(bbqr.FILE_TYPES)),
    encoding=st.sampled_from([None, "H", "2", "Z"]),
    max_version=st.integers(1, 12),
    seed=st.integers(0, 2**32),
)
def test_split_join_round_trip_any_order(
    data: bytes, file_type: str, encoding: str | None, max_version: int, seed: int
) -> None:
    result = bbqr.split(data, file_type, encoding=encoding, min_version=1, max_version=max_version)
    assert all(len(p) <= alnum_capacity(result.version, "L") for p in result.parts)
    assert all(
        p.startswith(f"B${result.encoding}{file_type}{bbqr.to_base36(len(result.parts))}")
        for p in result.parts
    )
    rng = random.Random(seed)
    parts = list(result.parts) + rng.choices(result.parts, k=3)
    rng.shuffle(parts)
    message = bbqr.join(parts)
    assert (message.data, message.file_type) == (data, file_type)


# --- collector strictness -------------------------------------------------------------------


def _parts(data: bytes, **options: object) -> list[str]:
    return list(bbqr.split(data, "B", min_version=1, **options).parts)  # type: ignore[arg-type]


def test_part_of_another_message_is_foreign_and_changes_nothing() -> None:
    one = _parts(random.Random(4).randbytes(400), encoding="H", max_version=5)
    other_type = [p[:3] + "U" + p[4:] for p in one]
    collector = bbqr.BBQrCollector()
    collector.add(one[0])
    with pytest.raises(ForeignPartError):
        collector.add(other_type[1])
    with pytest.raises(ForeignPartError):
        collector.add(_parts(b"x" * 50, encoding="H")[0])  # another total
    assert collector.received == 1
    for part in one[1:]:
        collector.add(part)
    assert collector.result().data == random.Random(4).randbytes(400)


def test_same_header_different_content_is_a_conflict() -> None:
    a = _parts(random.Random(5).randbytes(300), encoding="H", max_version=5)
    b = _parts(random.Random(6).randbytes(300), encoding="H", max_version=5)
    assert a[0][:8] == b[0][:8]
    collector = bbqr.BBQrCollector()
    assert collector.add(a[0]) is True
    assert collector.add(a[0]) is False  # identical repeat is fine
    with pytest.raises(PartConflictError, match="different content"):
        collector.add(b[0])
    short = a[1][:-2]  # same header, another part length: cannot be the same message
    with pytest.raises(PartConflictError, match="length"):
        collector.add(short)
    with pytest.raises(ForeignPartError, match="another message"):  # another header: another message
        collector.add(_parts(random.Random(6).randbytes(300), encoding="2", max_version=5)[1])
    assert collector.received == 1


def test_final_part_longer_than_the_others_is_refused() -> None:
    a = _parts(random.Random(7).randbytes(300), encoding="H", max_version=5)
    last = a[-1][:6] + a[-1][6:8] + a[1][8:] + "AB"
    collector = bbqr.BBQrCollector()
    collector.add(a[0])
    with pytest.raises(PartConflictError, match="longer than the other parts"):
        collector.add(last)
    other = bbqr.BBQrCollector()
    other.add(last)
    with pytest.raises(PartConflictError, match="another length"):
        other.add(a[0])


def test_missing_parts_are_reported() -> None:
    parts = _parts(random.Random(8).randbytes(500), encoding="H", max_version=5)
    collector = bbqr.BBQrCollector()
    for part in parts[:1] + parts[3:]:
        collector.add(part)
    assert collector.missing == [1, 2]
    assert not collector.is_complete
    assert collector.progress == pytest.approx((len(parts) - 2) / len(parts))
    with pytest.raises(TransportError, match=r"incomplete: .* \(missing 1, 2\)"):
        collector.result()


@pytest.mark.parametrize(
    ("part", "reason"),
    [
        ("B$", "shorter than its 8-character header"),
        ("B$HP0000", "0 parts"),
        ("B$HP0202AB", "not below the total"),
        ("B$HP+100AB", "base-36"),
        ("B$HP 100AB", "base-36"),
        ("B$HP0100ABC", "odd number of hex digits"),
        ("B$HP0100ABXY", "alphabet"),
        ("B$2P0100ABCDEFG1", "alphabet"),
        ("B$2P0100A", "not valid base32"),
        ("B$ZP0100AAAAAAAA", "deflate"),
        ("X$HP0100AB", "no B$ header"),
    ],
)
def test_malformed_parts_are_refused(part: str, reason: str) -> None:
    with pytest.raises(TransportError, match=reason.replace("$", r"\$")):
        bbqr.join([part])


def test_lower_case_input_is_accepted() -> None:
    parts = [p.lower() for p in CREATOR_H_V5]
    assert bbqr.join(parts).data == CREATOR_PSBT
    assert bbqr.is_bbqr("b$hp0100") and bbqr.is_bbqr(b"B$HP0100") and not bbqr.is_bbqr("ur:bytes/aa")


def _z_part(packed: bytes, file_type: str = "B") -> str:
    return f"B$Z{file_type}0100" + base64.b32encode(packed).decode().rstrip("=")


def test_deflate_bomb_is_bounded() -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, -10)
    bomb = comp.compress(bytes(10_000_000)) + comp.flush()
    assert len(bomb) < 12_000
    with pytest.raises(bbqr.BBQrTooLarge, match="beyond the limit"):
        bbqr.join([_z_part(bomb)], max_bytes=1_000_000)
    assert len(bbqr.join([_z_part(bomb)], max_bytes=10_000_000).data) == 10_000_000


def test_truncated_and_padded_deflate_streams_are_refused() -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, -10)
    packed = comp.compress(b"hello hello hello hello" * 20) + comp.flush()
    with pytest.raises(TransportError, match="truncated"):
        bbqr.join([_z_part(packed[:-3])])
    with pytest.raises(TransportError, match="after the end"):
        bbqr.join([_z_part(packed + b"\x00\x00\x00\x00\x00")])


def test_zlib_wrapped_stream_is_refused() -> None:
    # BBQr Z is raw deflate: a stream with the 2-byte zlib header does not parse as one.
    for data in (b"hello hello hello hello" * 20, bytes(range(256)) * 4):
        with pytest.raises(TransportError, match="not a valid raw deflate stream"):
            bbqr.join([_z_part(zlib.compress(data, 9))])


def test_announced_size_over_the_limit_is_refused_on_the_first_part() -> None:
    body = "A" * 4000
    collector = bbqr.BBQrCollector(max_bytes=1_000_000)
    with pytest.raises(bbqr.BBQrTooLarge, match="too large"):
        collector.add("B$HBZZ00" + body)  # 1295 parts of 2000 bytes
    assert collector.received == 0 and collector.header is None


def test_base36_helpers() -> None:
    assert [bbqr.to_base36(n) for n in (0, 35, 36, 1295)] == ["00", "0Z", "10", "ZZ"]
    with pytest.raises(ValueError):
        bbqr.to_base36(1296)
