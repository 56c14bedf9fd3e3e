"""BIP-39: public vectors (trezor/python-mnemonic, passphrase TREZOR), errors, generation."""

from __future__ import annotations

import pytest
import shared_vectors
from conftest import ABANDON
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.keys import bip39
from signer.keys.errors import MnemonicError

EMBEDDED = [  # (entropy, mnemonic, seed with passphrase TREZOR) from trezor/python-mnemonic
    (
        "00000000000000000000000000000000",
        ABANDON,
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
    ),
    (
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
        "dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad",
    ),
]


def _english(data: dict) -> list[tuple[str, list[str]]]:
    return [(f"{i}-{len(v[1].split())}w", v) for i, v in enumerate(data["english"])]


@pytest.mark.parametrize(
    "vector", shared_vectors.cases("bip39/trezor-python-mnemonic-vectors.json", _english)
)
def test_trezor_vector(vector: list[str]) -> None:
    entropy_hex, mnemonic, seed_hex, xprv = vector
    entropy = bytes.fromhex(entropy_hex)
    assert bip39.mnemonic_from_entropy(entropy) == mnemonic
    assert bip39.entropy_from_mnemonic(mnemonic) == entropy
    seed = bip39.mnemonic_to_seed(mnemonic, "TREZOR")
    assert seed.hex() == seed_hex
    from embit.bip32 import HDKey

    assert HDKey.from_seed(seed).to_base58() == xprv


@pytest.mark.parametrize(("entropy_hex", "mnemonic", "seed_hex"), EMBEDDED)
def test_embedded_vectors(entropy_hex: str, mnemonic: str, seed_hex: str) -> None:
    assert bip39.mnemonic_from_entropy(bytes.fromhex(entropy_hex)) == mnemonic
    assert bip39.mnemonic_to_seed(mnemonic, "TREZOR").hex() == seed_hex


def test_wrong_word_names_position_and_suggests_outside_the_message() -> None:
    from signer.keys.errors import UnknownWord

    words = ABANDON.split()
    words[4] = "abandom"
    with pytest.raises(UnknownWord, match=r"^word 5 is not in the BIP-39 English list$") as err:
        bip39.entropy_from_mnemonic(" ".join(words))
    assert err.value.position == 5 and "abandon" in err.value.suggestions
    assert "abandon" not in str(err.value)


def test_wrong_length_is_specific() -> None:
    with pytest.raises(MnemonicError, match="has 11"):
        bip39.entropy_from_mnemonic(" ".join(ABANDON.split()[:11]))


def test_bad_checksum_is_specific() -> None:
    with pytest.raises(MnemonicError, match="checksum"):
        bip39.entropy_from_mnemonic(" ".join(["abandon"] * 12))


def test_errors_never_echo_the_words() -> None:
    words = ABANDON.split()
    words[0] = "zzzz"
    with pytest.raises(MnemonicError) as err:
        bip39.entropy_from_mnemonic(" ".join(words))
    assert "zzzz" not in str(err.value) and "about" not in str(err.value)


def test_case_and_whitespace_are_normalised() -> None:
    assert bip39.is_valid("  " + ABANDON.upper().replace(" ", "   \n") + " ")


def test_passphrase_changes_the_seed() -> None:
    assert bip39.mnemonic_to_seed(ABANDON, "") != bip39.mnemonic_to_seed(ABANDON, "x")


def test_completion() -> None:
    assert bip39.complete("aban") == ["abandon"]
    assert "zoo" in bip39.complete("zo")


@pytest.mark.parametrize("words", bip39.WORD_COUNTS)
def test_generate_every_length(words: int) -> None:
    secret = bip39.generate_entropy(words)
    mnemonic = bip39.mnemonic_from_entropy(secret.reveal())
    assert len(mnemonic.split()) == words and bip39.is_valid(mnemonic)


def test_generation_is_not_repeated_and_extra_entropy_is_mixed_not_replacing() -> None:
    a = bip39.generate_entropy(12, b"same dice").reveal()
    b = bip39.generate_entropy(12, b"same dice").reveal()
    assert a != b  # the CSPRNG is still in there
    assert bip39.generate_entropy(12).reveal() != bip39.generate_entropy(12).reveal()


def test_bad_word_count_for_generation() -> None:
    with pytest.raises(MnemonicError):
        bip39.generate_entropy(13)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([16, 20, 24, 28, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n)))
def test_entropy_round_trip(entropy: bytes) -> None:
    assert bip39.entropy_from_mnemonic(bip39.mnemonic_from_entropy(entropy)) == entropy
