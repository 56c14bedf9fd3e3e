"""KEF, Krux's encrypted mnemonic: Krux's own public test vectors decrypt (every version they
cover) and are re-created byte for byte, every version round-trips, and wrong passwords, damaged,
truncated and hostile envelopes each get their own error.

Vectors: selfcustody/krux ``tests/test_encryption.py`` (``*_ENCRYPTED_QR``, ``KEF_ENVELOPE_*``, the
``b64_kef`` entries of its seeds.json) and ``tests/test_baseconv.py`` (base43); all made with the key
``"test key"``, 100,000 PBKDF2 rounds, and the IV ``I_VECTOR`` below where the mode takes one.
"""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest

from signer.keys import bip39, kef, kef_mnemonic, kef_text
from signer.keys.errors import KefError, NotKef, UnsupportedVersion, WrongPassword
from signer.keys.seed import Bip39Seed, Slip39Seed
from signer.transport import base43

KEY = "test key"
I_VECTOR = b"OR\xa1\x93l>2q \x9e\x9dd\x05\x9e\xd7\x8e"
TEST_WORDS = "crush inherit small egg include title slogan mom remain blouse boost bonus"
ECB_WORDS = (
    "brass creek fuel snack era success impulse dirt caution purity lottery lizard boil festival neither "
    "case swift smooth range mail gravity sample never ivory"
)
CBC_WORDS = (
    "dog guitar hotel random owner gadget salute riot patrol work advice panic erode leader pass cross "
    "section laundry elder asset soul scale immune scatter"
)
CTR_WORDS = (
    "unable point minimum sun peanut habit ready high nothing cherry silver eagle pen fabric list collect "
    "impact loan casual lyrics pig train middle screen"
)
GCM_WORDS = (
    "alone lady rib jazz hold honey stem upgrade pass elite cinnamon joy fiction either dolphin knife "
    "nominee seed eternal make game unusual rigid pass"
)

# Krux's encrypted mnemonic QR codes of TEST_WORDS (ID "test ID"), one per version it writes.
KRUX_QR = {
    0: b"\x07test ID\x00\x00\x00\n*\xe1\x9d\xc5\x82\xc1\x19\x9b\xb7&\xf2?\x03\xc7o\xf6\xaf\x9e\x81#F,Qs"
    b"\xe6\x1d\xeb\xd1Y\xa0/\xcf",
    1: b"\x07test ID\x01\x00\x00\nOR\xa1\x93l>2q \x9e\x9dd\x05\x9e\xd7\x8e\x01\x03`u_\xd7\xab/N\xbc@\x19"
    b'\xcc\n"\xc5\x8a^3xt\xa4\xb3\x0bK\xca\x8a@\x82\xdaz\xd3',
    5: b"\x07test ID\x05\x00\x00\n*\xe1\x9d\xc5\x82\xc1\x19\x9b\xb7&\xf2?\x03\xc7o\xf6R>#",
    10: b"\x07test ID\x0a\x00\x00\nOR\xa1\x93l>2q \x9e\x9dd\x05\x9e\xd7\x8e\x01\x03`u_\xd7\xab/N\xbc@"
    b'\x19\xcc\n"\xc5C\xfa\x96\x90',
    20: b"\x07test ID\x14\x00\x00\nOR\xa1\x93l>2q \x9e\x9dd\xbf\xb7vo]]\x8aO\x90\x8e\x86\xe784L\x02]"
    b"\x8f\xedT",
}
# The 2023 legacy CBC code (another IV), and an AES-CTR code of CTR_WORDS (a random nonce).
KRUX_QR_CBC_2023 = (
    b"\x07test ID\x01\x00\x00\n\xf3<k\xc1Qn\x95`hrs],^R\x9b\xfa\xec\xfe4\x9e\xf1\xaaT\x8f\xdan<,\xa7"
    b"\x87Pm\xd8\x80\xd7\x15@\x95\xeb\xc1\xdb\xcd\xb2\xfc\xf7 \x8e"
)
KRUX_QR_CTR = (
    b"\x07test ID\x0f\x00\x00\nd\xc2\xd8\xb7U\xe8\x02~\xda}\xcdO\x967\xbf\xc5%\xa7\x18\x11\xf4\xec\xfd="
    b"\xbaY\xbe|\x97\xe2;\xabb\xfa.L\xbc$]'\xc9\xcc#\xba\xcb\x84\xe4J"
)
# Krux's seeds.json (SD card): base64 envelopes of 24-word mnemonics.
KRUX_SEEDS_JSON = {
    "KEFecbID": ("CEtFRmVjYklEBQAACrjZPsHP9sA0UAKiWuotRXbnFma/HVnfaVAZV6Kw5Tu7UPT3", ECB_WORDS),
    "KEFcbcID": (
        "CEtFRmNiY0lECgAACk9SoZNsPjJxIJ6dZAWe145shFPojYLA4hthWHv2Z2FSIyQ6fm5KU81NLiQ/mQDM46XqtaI=",
        CBC_WORDS,
    ),
    "KEFctrID": (
        "CEtFRmN0cklEDwAACmkkBdxuqL8fLOJ4eWLT9sw3iPtGPZ79abe7Gk1YZXkaocEyUasKQW5d6KKp6FgcDA==",
        CTR_WORDS,
    ),
    "KEFgcmID": (
        "CEtFRmdjbUlEFAAACk9SoZNsPjJxIJ6dZL+jDD/X+v8sJY3z7oiBTgjTt9BbJh1mAQus1rbFF4D4HH+SVw==",
        GCM_WORDS,
    ),
}
BASE43 = [  # (hex, base43) from Krux's test_baseconv.py (after Bitcoin Core's base58 vectors)
    ("61", "2B"),
    ("626262", "1+45$"),
    ("73696d706c792061206c6f6e6720737472696e67", "2YT--DWX-2WS5L5VEX1E:6E7C8VJ:E"),
    ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "03+1P14XU-QM.WJNJV$OBH4XOF5+E9OUY4E-2"),
    ("516b6fcd0f", "1CDVY/HG"),
    ("572e4794", "9.ZLRA"),
    ("00000000000000000000", "0000000000"),
]


def entropy(words: str) -> bytes:
    return bip39.entropy_from_mnemonic(words)


# --------------------------------------------------------------------------- Krux's vectors
@pytest.mark.parametrize("version", sorted(KRUX_QR))
def test_krux_qr_codes_decrypt(version: int) -> None:
    envelope = kef.unwrap(KRUX_QR[version])
    assert (envelope.id, envelope.version, envelope.rounds) == (b"test ID", version, 100_000)
    assert bytes(kef.decrypt(envelope, KEY)) == entropy(TEST_WORDS)


@pytest.mark.parametrize(("blob", "words"), [(KRUX_QR_CBC_2023, TEST_WORDS), (KRUX_QR_CTR, CTR_WORDS)])
def test_more_krux_codes_decrypt(blob: bytes, words: str) -> None:
    assert bytes(kef.decrypt(kef.unwrap(blob), KEY)) == entropy(words)


@pytest.mark.parametrize("label", sorted(KRUX_SEEDS_JSON))
def test_krux_sd_card_envelopes_give_their_mnemonics(label: str) -> None:
    b64, words = KRUX_SEEDS_JSON[label]
    found = kef_mnemonic.read_mnemonic(b64.encode(), KEY)
    assert found.material.mnemonic() == words and found.label_hint == label


@pytest.mark.parametrize("version", [5, 10, 20])
def test_our_encryption_is_krux_byte_for_byte(version: int) -> None:
    iv = I_VECTOR[: kef.VERSIONS[version].iv_len]
    made = kef.encrypt(entropy(TEST_WORDS), KEY, b"test ID", version=version, rounds=100_000, iv=iv)
    assert made == KRUX_QR[version]


@pytest.mark.parametrize(("hex_", "text"), BASE43)
def test_base43_matches_krux(hex_: str, text: str) -> None:
    assert base43.encode(bytes.fromhex(hex_)) == text
    assert base43.decode(text) == bytes.fromhex(hex_)


def test_qr_content_is_base43_text_as_krux_shows_it() -> None:
    # Krux's QR-length test: 45, 70 and 64 base43 characters for its ECB, CBC and GCM codes
    assert [len(kef_mnemonic.qr_content(KRUX_QR[v])) for v in (5, 10, 20)] == [45, 70, 64]
    assert kef_mnemonic.qr_content(KRUX_QR[1]) == KRUX_QR[1]  # legacy versions stay binary
    for blob in (KRUX_QR[20], base43.encode(KRUX_QR[20]).encode(), base64.b64encode(KRUX_QR[20])):
        assert kef_text.candidates(blob) == [KRUX_QR[20]]
    assert kef_text.candidates(KRUX_QR[20].hex().encode()) == [KRUX_QR[20]]


# --------------------------------------------------------------------------- round trips
PLAINTEXTS = [
    entropy(TEST_WORDS),
    entropy(GCM_WORDS),
    TEST_WORDS.encode(),
    b'"Running bitcoin" -Hal, January 10, 2009',
    b"abc " * 40,  # compressible
]


@pytest.mark.parametrize("version", sorted(kef.VERSIONS))
@pytest.mark.parametrize("plain", PLAINTEXTS, ids=["e16", "e32", "words", "text", "repeat"])
def test_every_version_round_trips(version: int, plain: bytes) -> None:
    spec = kef.VERSIONS[version]
    try:
        blob = kef.encrypt(plain, "another key", b"an id", version=version, rounds=10_000)
    except KefError as exc:  # strict: only ECB of a repeating text is refused here
        assert spec.mode == "ECB" and not spec.compress and "repeat a ciphertext block" in str(exc)
        assert plain == b"abc " * 40
        return
    envelope = kef.unwrap(blob)
    assert bytes(kef.decrypt(envelope, "another key")) == plain
    with pytest.raises(WrongPassword, match="does not open"):
        kef.decrypt(envelope, "another kez")


def test_rounds_are_stored_as_krux_stores_them() -> None:
    assert kef.wrap(b"x", 20, 100_000, b"")[3:6] == (10).to_bytes(3, "big")
    assert kef.wrap(b"x", 20, 103_456, b"")[3:6] == (103_456).to_bytes(3, "big")
    assert kef.wrap(b"x", 20, 10_000, b"")[3:6] == (1).to_bytes(3, "big")
    with pytest.raises(KefError, match="cannot be written"):
        kef.wrap(b"x", 20, 5_000, b"")


def test_a_password_typed_with_other_accents_still_opens() -> None:
    decomposed = "cafe\u0301 au lait"  # as another keyboard may compose it
    blob = kef.encrypt(entropy(TEST_WORDS), decomposed, b"id", rounds=10_000)
    assert bytes(kef.decrypt(kef.unwrap(blob), "caf\u00e9 au lait")) == entropy(TEST_WORDS)


# --------------------------------------------------------------------------- tolerant decryption
def _ecb(key: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    return Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(data)


def test_nul_padding_that_ate_zero_bytes_is_undone() -> None:
    """Made as a careless encoder would (the spec's broken-unpad cases): both still open."""
    key = kef.derive_key(KEY, b"id", 10_000)
    plain = b"ends in zeros\x00\x00"  # v5: exposed auth, the plaintext's own zeros look like padding
    auth = hashlib.sha256(b"\x05" + plain + key).digest()[:3]
    v5 = kef.wrap(b"id", 5, 10_000, _ecb(key, plain + b"\x00") + auth)
    assert bytes(kef.decrypt(kef.unwrap(v5), KEY)) == plain
    broken = b"b#Cry<\xe5\x93\xf8\xf4\xafj\x89\xb4\xe3\x85"  # Krux: sha256 of it ends in a zero byte
    tag = hashlib.sha256(broken).digest()[:16]
    assert tag.endswith(b"\x00")
    v0 = kef.wrap(b"id", 0, 10_000, _ecb(key, broken + tag))
    assert bytes(kef.decrypt(kef.unwrap(v0), KEY)) == broken
    with pytest.raises(KefError, match="ends in a zero byte"):  # but Airlock never writes such a code
        kef.encrypt(broken, KEY, b"id", version=0, rounds=10_000)
    with pytest.raises(KefError, match="ends in a zero byte"):
        kef.encrypt(plain, KEY, b"id", version=5, rounds=10_000)


def test_ecb_refuses_to_repeat_a_block() -> None:
    for version in (0, 5, 6):
        with pytest.raises(KefError, match="repeat a ciphertext block"):
            kef.encrypt(b"a 16-byte block." * 2, KEY, b"id", version=version, rounds=10_000)


# --------------------------------------------------------------------------- hostile envelopes
@pytest.mark.parametrize(
    ("blob", "error", "match"),
    [
        (b"", KefError, "too short"),
        (b"\x07test", KefError, "ends inside its header"),
        (b"\xff" + b"x" * 300, KefError, "ID length 255 is over 252"),
        (b"\x02id\x02\x00\x00\x0a" + bytes(32), UnsupportedVersion, "KEF version 2 is not one Airlock reads"),
        (b"\x02id\x63\x00\x00\x0a" + bytes(32), UnsupportedVersion, "KEF version 99"),
        (b"\x02id\x14\x00\x00\x00" + bytes(32), KefError, "iteration count is 0"),
        (KRUX_QR[5][:-5], KefError, "whole 16-byte blocks"),
        (KRUX_QR[10][:20], KefError, "truncated or damaged"),
        (KRUX_QR[20][:14], KefError, "truncated"),
    ],
)
def test_malformed_envelopes_say_what_is_wrong(blob: bytes, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        kef.unwrap(blob)
    if len(blob) > 10 and blob[0] <= kef.MAX_ID:  # what has no plausible header is simply no Krux code
        with pytest.raises(error, match=match):
            kef_mnemonic.read_mnemonic(blob, KEY)
    else:
        with pytest.raises(NotKef):
            kef_mnemonic.read_mnemonic(blob, KEY)


def test_a_garbled_code_does_not_open() -> None:
    for blob in KRUX_QR.values():
        garbled = bytearray(blob)
        garbled[-5] ^= 0x40
        with pytest.raises(WrongPassword, match="wrong password \\(or a damaged code\\)"):
            kef.decrypt(kef.unwrap(bytes(garbled)), KEY)


def test_key_rounds_are_capped() -> None:
    blob = b"\x02id\x14\xff\xff\xff" + I_VECTOR[:12] + bytes(20)
    with pytest.raises(KefError, match="asks for 16,777,215 key rounds; Airlock accepts at most 2,000,000"):
        kef.decrypt(kef.unwrap(blob), KEY)


def test_a_decompression_bomb_is_refused() -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, -10)
    deflated = bomb.compress(bytes(1_000_000)) + bomb.flush()
    key = kef.derive_key(KEY, b"id", 10_000)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    sealed = AESGCM(key).encrypt(I_VECTOR[:12], deflated, None)  # a valid v21 code of 1 MB of zeros
    blob = kef.wrap(b"id", 21, 10_000, I_VECTOR[:12] + sealed[:-16] + sealed[-16:-12])
    with pytest.raises(KefError, match="holds more than 65536 bytes"):
        kef.decrypt(kef.unwrap(blob), KEY)


# --------------------------------------------------------------------------- mnemonics
def test_mnemonic_round_trip_as_krux_writes_it() -> None:
    material = Bip39Seed.from_mnemonic(GCM_WORDS)
    blob = kef_mnemonic.export_mnemonic(material, "a long password", "73c5da0a")
    envelope = kef.unwrap(blob)
    assert envelope.version == 20 and 100_000 <= envelope.rounds < 110_000 and envelope.id == b"73c5da0a"
    text = kef_mnemonic.qr_content(blob)
    assert isinstance(text, str) and set(text) <= set(base43.ALPHABET)
    found = kef_mnemonic.read_mnemonic(text.encode(), "a long password")
    assert found.material.mnemonic() == GCM_WORDS and found.label_hint == "73c5da0a"
    with pytest.raises(WrongPassword):
        kef_mnemonic.read_mnemonic(text.encode(), "a long passworD")


def test_an_envelope_of_the_words_as_text_is_read_too() -> None:
    blob = kef.encrypt(TEST_WORDS.encode(), KEY, b"words", version=12, rounds=10_000)
    assert kef_mnemonic.read_mnemonic(blob, KEY).material.mnemonic() == TEST_WORDS


@pytest.mark.parametrize(
    ("plain", "match"),
    [
        (b"my secret passphrase", "its text is not a BIP-39 mnemonic"),
        (bytes(range(200, 217)), "its 17 bytes are no BIP-39 mnemonic"),
    ],
)
def test_envelopes_of_other_secrets_are_refused(plain: bytes, match: str) -> None:
    blob = kef.encrypt(plain, KEY, b"other", version=20, rounds=10_000)
    with pytest.raises(KefError, match=match):
        kef_mnemonic.read_mnemonic(blob, KEY)


def test_what_is_not_a_krux_code_says_so() -> None:
    for raw in (b"hello there", b"ur:crypto-psbt/abc", bytes(range(256)) * 3):
        with pytest.raises((NotKef, KefError, UnsupportedVersion)):
            kef_mnemonic.read_mnemonic(raw, KEY)
    with pytest.raises(NotKef, match="not a Krux encrypted QR code"):
        kef_mnemonic.inspect(b"hello there")


def test_export_is_strict() -> None:
    material = Bip39Seed.from_mnemonic(TEST_WORDS)
    with pytest.raises(KefError, match="at least 8 characters"):
        kef_mnemonic.export_mnemonic(material, "short", "id")
    with pytest.raises(KefError, match="printable text"):
        kef_mnemonic.export_mnemonic(material, "a long password", "bad\nid")
    with pytest.raises(KefError, match="SLIP-39 wallet"):
        kef_mnemonic.export_mnemonic(Slip39Seed.generate(), "a long password", "id")
