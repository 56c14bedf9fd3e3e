"""SLIP-39: trezor/python-shamir-mnemonic vectors (valid and invalid), both modes, specific errors."""

from __future__ import annotations

import pytest
import shared_vectors
from conftest import ABANDON, ZOO24
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.keys import slip39
from signer.keys.errors import Slip39Error
from signer.keys.seed import Bip39Seed, Slip39Seed
from signer.keys.slip39 import SplitPlan

# Vector 1 of trezor/python-shamir-mnemonic (passphrase "TREZOR").
V1_SHARE = (
    "duckling enlarge academic academic agency result length solution fridge kidney coal piece deal "
    "husband erode duke ajar critical decision keyboard"
)
V1_SECRET = "bb54aac4b89dc868ba37d9cc21b2cece"
V1_XPRV = (
    "xprv9s21ZrQH143K4QViKpwKCpS2zVbz8GrZgpEchMDg6KME9HZtjfL7iThE9w5muQA4YPHKN1u5VM1w8D4pvnjxa2Bmp"
    "GMfXr7hnRrRHZ93awZ"
)


def _vectors(data: list) -> list[tuple[str, list]]:
    return [(v[0].split(".")[0] + "-" + ("valid" if v[2] else "invalid"), v) for v in data]


@pytest.mark.parametrize(
    "vector", shared_vectors.cases("slip39/trezor-python-shamir-mnemonic-vectors.json", _vectors)
)
def test_trezor_vector(vector: list) -> None:
    description, mnemonics, secret_hex, xprv = vector
    if secret_hex:
        secret = slip39.master_secret(mnemonics, "TREZOR")
        assert secret.hex() == secret_hex, description
        from embit.bip32 import HDKey

        assert HDKey.from_seed(secret).to_base58() == xprv
        # the stored form (encrypted master secret) gives the same wallet
        assert slip39.combine_native(mnemonics).bip32_seed("TREZOR") == secret
    else:
        with pytest.raises(Slip39Error):
            slip39.master_secret(mnemonics, "TREZOR")


def test_embedded_vector() -> None:
    from embit.bip32 import HDKey

    secret = slip39.master_secret([V1_SHARE], "TREZOR")
    assert secret.hex() == V1_SECRET and HDKey.from_seed(secret).to_base58() == V1_XPRV


def test_native_wallet_split_and_combine_any_order() -> None:
    wallet = Slip39Seed.generate(256)
    shares = slip39.split_native(wallet, SplitPlan.parse("3of5"))[0]
    assert len(shares) == 5 and all(len(s.split()) == 33 for s in shares)
    restored = slip39.combine_native([shares[4], shares[1], shares[2]])
    assert restored.bip32_seed() == wallet.bip32_seed()
    assert restored.bip32_seed("hidden") != wallet.bip32_seed()  # passphrase = another wallet


def test_native_passphrase_is_baked_into_the_wallet() -> None:
    wallet = Slip39Seed.generate(128, passphrase="TREZOR")
    shares = slip39.split_native(wallet, SplitPlan.single(2, 3))[0]
    assert slip39.master_secret(shares[:2], "TREZOR") == wallet.bip32_seed("TREZOR")


@pytest.mark.parametrize("mnemonic", [ABANDON, ZOO24])
def test_bip39_mode_gives_back_the_same_words(mnemonic: str) -> None:
    seed = Bip39Seed.from_mnemonic(mnemonic)
    groups = slip39.split_bip39(seed, SplitPlan.parse("2:2of3,1of1,3of5"))
    assert [len(g) for g in groups] == [3, 1, 5]
    assert (
        slip39.combine_bip39(
            [groups[2][4], groups[0][1], groups[2][0], groups[0][2], groups[2][2]]
        ).mnemonic()
        == mnemonic
    )


def test_bip39_mode_with_share_passphrase() -> None:
    seed = Bip39Seed.from_mnemonic(ABANDON)
    shares = slip39.split_bip39(seed, SplitPlan.single(2, 2), passphrase="pp")[0]
    assert slip39.combine_bip39(shares, "pp").mnemonic() == ABANDON
    # a wrong share passphrase decrypts to other entropy (SLIP-39 has no passphrase check)
    assert slip39.combine_bip39(shares, "").mnemonic() != ABANDON


def _two_sets() -> tuple[list[str], list[str]]:
    seed = Bip39Seed.from_mnemonic(ABANDON)
    return (
        slip39.split_bip39(seed, SplitPlan.single(2, 3))[0],
        slip39.split_bip39(seed, SplitPlan.single(2, 3))[0],
    )


def test_error_share_from_another_set() -> None:
    a, b = _two_sets()
    with pytest.raises(Slip39Error, match="share 2 belongs to another set"):
        slip39.combine_bip39([a[0], b[1]])


def test_error_duplicate() -> None:
    a, _ = _two_sets()
    with pytest.raises(Slip39Error, match="share 2 is a duplicate of share 1"):
        slip39.combine_bip39([a[0], a[0].upper()])


def test_error_not_enough() -> None:
    a, _ = _two_sets()
    with pytest.raises(Slip39Error, match=r"not enough shares: 1 of 2; 1 more needed"):
        slip39.combine_bip39([a[2]])
    assert slip39.progress([a[2]]).describe() == "1 of 2"


def test_error_bad_checksum_and_unknown_word() -> None:
    a, _ = _two_sets()
    words = a[1].split()
    swapped = " ".join([*words[:-1], next(w for w in slip39.wordlist() if w != words[-1])])
    with pytest.raises(Slip39Error, match="share 2: checksum is wrong"):
        slip39.combine_bip39([a[0], swapped])
    with pytest.raises(Slip39Error, match="share 1: word 3 is not in the SLIP-39 list"):
        slip39.combine_bip39([" ".join([*words[:2], "bitcoin", *words[3:]])])


def test_errors_never_quote_share_words() -> None:
    a, b = _two_sets()
    for bad in ([a[0], b[1]], [a[0]], [a[0], a[0]]):
        with pytest.raises(Slip39Error) as err:
            slip39.combine_bip39(bad)
        assert not any(w in str(err.value).split() for w in a[0].split()[:4] if len(w) > 3)


def test_group_progress() -> None:
    groups = slip39.split_bip39(Bip39Seed.from_mnemonic(ABANDON), SplitPlan.parse("2:2of3,2of3,1of1"))
    state = slip39.progress([groups[0][0], groups[0][1], groups[1][0]])
    assert not state.complete and state.describe() == "1 of 2 groups (group 1: 2 of 2; group 2: 1 of 2)"
    with pytest.raises(Slip39Error, match="group 2 needs 1 more"):
        slip39.combine_bip39([groups[0][0], groups[0][1], groups[1][0]])
    assert slip39.combine_bip39([groups[0][0], groups[0][1], groups[2][0]]).mnemonic() == ABANDON


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3of2", "not possible"),
        ("1of3", "copies"),
        ("3:2of3,2of3", "group threshold"),
        ("two of three", "cannot read"),
    ],
)
def test_bad_plans(text: str, message: str) -> None:
    with pytest.raises(Slip39Error, match=message):
        SplitPlan.parse(text)


@settings(max_examples=25, deadline=None)
@given(
    entropy=st.sampled_from([16, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
    groups=st.lists(
        st.integers(1, 5).flatmap(lambda n: st.tuples(st.integers(2 if n > 1 else 1, n), st.just(n))),
        min_size=1,
        max_size=3,
    ),
    data=st.data(),
)
def test_property_split_combine(entropy: bytes, groups: list[tuple[int, int]], data: st.DataObject) -> None:
    from signer.keys.bip39 import mnemonic_from_entropy
    from signer.keys.secret import SecretBytes

    group_threshold = data.draw(st.integers(1, len(groups)))
    plan = SplitPlan(group_threshold, tuple(groups))
    shares = slip39.split_bip39(Bip39Seed(SecretBytes(entropy)), plan)
    chosen_groups = data.draw(st.permutations(range(len(groups))))[:group_threshold]
    picked = []
    for g in chosen_groups:
        m, _ = groups[g]
        picked += data.draw(st.permutations(shares[g]))[:m]
    picked = data.draw(st.permutations(picked))
    assert slip39.combine_bip39(picked).mnemonic() == mnemonic_from_entropy(entropy)


# -- which wallet a set of shares restores ---------------------------------------------------
def _bip84_first(seed: bytes) -> tuple[str, str]:
    """Fingerprint and first BIP-84 receive address, computed with bip_utils (an independent library)."""
    from bip_utils import Bip32Slip10Secp256k1, Bip44Changes, Bip84, Bip84Coins

    fp = Bip32Slip10Secp256k1.FromSeed(seed).PublicKey().FingerPrint().ToBytes().hex()
    account = Bip84.FromSeed(seed, Bip84Coins.BITCOIN).Purpose().Coin().Account(0)
    return fp, account.Change(Bip44Changes.CHAIN_EXT).AddressIndex(0).PublicKey().ToAddress()


def test_shares_of_seed_words_are_also_a_native_wallet_so_both_are_candidates() -> None:
    from signer.keys.bip39 import entropy_from_mnemonic

    shares = slip39.split_bip39(Bip39Seed.from_mnemonic(ABANDON), SplitPlan.single(2, 3))[0]
    found = slip39.candidates([shares[2], shares[0]])
    assert [c.mode for c in found] == ["bip39", "native"]
    words, native = found
    assert (words.fingerprint, words.first_address) == (
        "73c5da0a",
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
    )
    assert words.words == 12 and native.words is None
    # the same shares read as a native wallet: the entropy itself is the BIP-32 seed (another wallet)
    assert (native.fingerprint, native.first_address) == _bip84_first(entropy_from_mnemonic(ABANDON))
    assert "73c5da0a" in words.describe() and "Trezor" in native.describe()


def test_a_native_wallet_of_128_or_256_bits_is_ambiguous_too() -> None:
    wallet = Slip39Seed.generate(256)
    shares = slip39.split_native(wallet, SplitPlan.single(2, 3))[0]
    found = slip39.candidates(shares[:2])
    assert [c.mode for c in found] == ["bip39", "native"] and found[0].words == 24
    assert (found[1].fingerprint, found[1].first_address) == _bip84_first(wallet.bip32_seed())


def test_a_secret_of_no_bip39_length_can_only_be_native() -> None:
    import shamir_mnemonic

    secret = bytes(range(18))  # SLIP-39 allows 18 bytes; BIP-39 has no such length
    shares = shamir_mnemonic.generate_mnemonics(1, [(2, 3)], secret)[0]
    found = slip39.candidates(shares[:2])
    assert [c.mode for c in found] == ["native"]
    assert (found[0].fingerprint, found[0].first_address) == _bip84_first(secret)
    with pytest.raises(Slip39Error, match="do not hold BIP-39 entropy"):
        slip39.combine(shares[:2], "bip39")
    assert slip39.combine(shares[:2], "native").bip32_seed() == secret


def test_combine_reads_the_shares_as_the_person_chose() -> None:
    shares = slip39.split_bip39(Bip39Seed.from_mnemonic(ZOO24), SplitPlan.single(2, 3))[0][:2]
    assert slip39.combine(shares, "bip39").mnemonic() == ZOO24  # type: ignore[union-attr]
    native = slip39.combine(shares, "native")
    assert isinstance(native, Slip39Seed) and native.bip32_seed() == slip39.master_secret(shares)
    with pytest.raises(Slip39Error, match="unknown kind"):
        slip39.combine(shares, "trezor")


def test_candidates_need_enough_shares() -> None:
    shares = slip39.split_bip39(Bip39Seed.from_mnemonic(ABANDON), SplitPlan.single(2, 3))[0]
    with pytest.raises(Slip39Error, match="1 more needed"):
        slip39.candidates(shares[:1])
