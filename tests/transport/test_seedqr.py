"""SeedQR and CompactSeedQR: SeedSigner's vectors both ways, through real QR symbols, and the
refusals (lengths, indexes, checksum) that must never quote the secret."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_vectors import cases

from signer.transport import seedqr
from signer.transport.errors import TransportError
from signer.transport.frames import decode_qr_image, qr_matrix, render_qr

# SeedSigner docs/seed_qr/README.md walk-through example, and Test Vector 4 (12 words).
SPEC_WORDS = "vacuum bridge buddy supreme exclude milk consider tail expand wasp pattern nuclear"
SPEC_DIGITS = "192402220235174306311124037817700641198012901210"
SPEC_COMPACT = bytes.fromhex("f0837875ecf4ef190bd6ea503ef2854b")
TV4_COMPACT = bytes.fromhex("5bbd9d71a8ec7990831aff359d426545")


def test_embedded_spec_example_both_ways() -> None:
    assert seedqr.encode_standard(SPEC_WORDS) == SPEC_DIGITS
    assert seedqr.encode_compact(SPEC_WORDS) == SPEC_COMPACT
    standard = seedqr.decode(SPEC_DIGITS)
    compact = seedqr.decode(SPEC_COMPACT)
    assert standard.mnemonic == compact.mnemonic == SPEC_WORDS
    assert (standard.compact, compact.compact) == (False, True)
    assert standard.entropy == compact.entropy == SPEC_COMPACT
    assert seedqr.decode(SPEC_DIGITS.encode()).mnemonic == SPEC_WORDS  # digits as bytes from a scanner


def test_embedded_tv4_compact_round_trip() -> None:
    words = seedqr.decode(TV4_COMPACT).words
    assert len(words) == 12
    assert seedqr.encode_compact(words) == TV4_COMPACT


@pytest.mark.parametrize(
    "vector", cases("seedqr/seedqr-vectors.json", lambda d: [(v["title"], v) for v in d["vectors"]])
)
def test_seedsigner_vector(vector: dict) -> None:
    words = vector["mnemonic"]
    compact = bytes.fromhex(vector["compact_seedqr_hex"])
    assert len(words.split()) == vector["words"]
    assert seedqr.encode_standard(words) == vector["standard_seedqr_digits"]
    assert seedqr.encode_compact(words) == compact
    assert seedqr.decode(vector["standard_seedqr_digits"]).mnemonic == words
    assert seedqr.decode(compact).mnemonic == words
    if "compact_seedqr_bits" in vector:
        assert (
            format(int.from_bytes(compact, "big"), f"0{len(compact) * 8}b") == vector["compact_seedqr_bits"]
        )
    # QR symbol sizes: numeric mode for the digits, byte mode for the entropy, ECC L
    assert (
        qr_matrix(vector["standard_seedqr_digits"], ecc="L").shape[0]
        == 17 + 4 * vector["qr_version_standard"]
    )
    assert qr_matrix(compact, ecc="L").shape[0] == 17 + 4 * vector["qr_version_compact"]
    # The exact bytes survive a real symbol and zbar (TV2 holds 0x00, TV7-9 hold \n, \r, \r\n).
    assert decode_qr_image(render_qr(compact, ecc="L")) == [compact]
    assert seedqr.decode(decode_qr_image(render_qr(compact))[0]).mnemonic == words
    assert decode_qr_image(render_qr(vector["standard_seedqr_digits"])) == [
        vector["standard_seedqr_digits"].encode()
    ]


def test_control_bytes_survive_the_decoder() -> None:
    for entropy in (b"\x00" * 15 + b"\x01", b"\r\n" * 8, b"\n" + bytes(range(0xF0, 0xFF)), bytes(range(32))):
        assert decode_qr_image(render_qr(entropy)) == [entropy]
        assert seedqr.decode(entropy).entropy == entropy


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("1924" * 11, "48 or 96 digits"),
        ("1924" * 13, "48 or 96 digits"),
        ("2048" + SPEC_DIGITS[4:], "word 1 has an index beyond"),
        (SPEC_DIGITS[:-4] + "9999", "word 12 has an index beyond"),
        (SPEC_DIGITS[4:8] + SPEC_DIGITS[:4] + SPEC_DIGITS[8:], "checksum"),
        ("19240222023517430631112403781770064119801290121a", "only digits"),
        (SPEC_COMPACT.hex(), "only digits"),  # a str is never taken for raw entropy
        (SPEC_COMPACT[:15], "16 or 32 bytes"),
        (SPEC_COMPACT + b"\x00", "16 or 32 bytes"),
        (b"", "16 or 32 bytes"),
    ],
)
def test_bad_seedqr_is_refused_without_quoting_it(content: str | bytes, reason: str) -> None:
    with pytest.raises(TransportError, match=reason) as caught:
        seedqr.decode(content)
    message = str(caught.value)
    assert SPEC_DIGITS[:8] not in message and "vacuum" not in message and "bridge" not in message


@pytest.mark.parametrize(
    ("mnemonic", "reason"),
    [
        (" ".join(SPEC_WORDS.split()[:11]), "12 or 24 words"),
        (SPEC_WORDS + " abandon abandon abandon", "12 or 24 words"),
        (SPEC_WORDS.replace("vacuum", "vacuumx"), "not in the BIP-39 English list"),
        (SPEC_WORDS.replace("bridge", "buddy", 1), "checksum"),
    ],
)
def test_bad_mnemonic_is_refused_on_encode(mnemonic: str, reason: str) -> None:
    with pytest.raises(TransportError, match=reason) as caught:
        seedqr.encode_standard(mnemonic)
    assert "vacuum" not in str(caught.value) and "buddy" not in str(caught.value)
    with pytest.raises(TransportError):
        seedqr.encode_compact(mnemonic)


def test_repr_hides_the_seed() -> None:
    decoded = seedqr.decode(SPEC_COMPACT)
    shown = repr(decoded) + str(decoded)
    assert "12 words" in shown
    assert "vacuum" not in shown and SPEC_COMPACT.hex() not in shown and "f083" not in shown


def test_shape_test() -> None:
    assert seedqr.looks_like_seedqr(SPEC_DIGITS) and seedqr.looks_like_seedqr(SPEC_COMPACT)
    assert seedqr.looks_like_seedqr(SPEC_DIGITS.encode())
    assert not seedqr.looks_like_seedqr("1924" * 10) and not seedqr.looks_like_seedqr(b"x" * 17)
    assert not seedqr.looks_like_seedqr("１９２４" * 12)  # full-width digits are not ASCII digits


@settings(max_examples=50, deadline=None)
@given(entropy=st.one_of(st.binary(min_size=16, max_size=16), st.binary(min_size=32, max_size=32)))
def test_random_entropy_round_trips_both_ways(entropy: bytes) -> None:
    words = seedqr.decode(entropy).words
    assert len(words) == len(entropy) * 3 // 4
    digits = seedqr.encode_standard(words)
    assert len(digits) == 4 * len(words)
    assert seedqr.decode(digits).entropy == entropy
    assert seedqr.encode_compact(" ".join(words)) == entropy
