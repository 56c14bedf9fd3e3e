"""Dice: rolls that are plainly not random are named, and the dice-only method gives the same words
as Coldcard and SeedSigner (their published examples are embedded below)."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from pathlib import Path

import pytest

from signer.cli import main
from signer.keys import dice
from signer.keys.bip39 import mnemonic_from_entropy
from signer.keys.dice import DiceMethod, check_rolls, new_entropy, verifiable_entropy
from signer.keys.errors import EntropyError

# Coldcard, "Verifying Dice Roll Math" (coldcard.com/docs/verifying-dice-roll-math): the seed is SHA-256
# over the rolls as an ASCII string.
COLDCARD_ROLLS, COLDCARD_SHA256 = "123456", "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92"
# SeedSigner tests/test_mnemonic_generation.py: test_verify_against_coldcard_sample (24 words),
# test_known_dice_rolls (99 rolls, 24 words) and test_50_dice_rolls (50 rolls, 12 words; these also
# match iancoleman.io/bip39 in its "Hex"/"Base 10" mode).
PUBLISHED = [
    (
        COLDCARD_ROLLS,
        24,
        "mirror reject rookie talk pudding throw happy era myth already payment own sentence push head "
        "sting video explain letter bomb casual hotel rather garment",
    ),
    (
        "5" + "2" * 44 + "5" * 54,
        24,
        "resource timber firm banner horror pupil frozen main pear direct pioneer broken grid core insane "
        "begin sister pony end debate task silk empty curious",
    ),
    (
        "2" * 45 + "5" * 54,
        24,
        "garden uphold level clog sword globe armor issue two cute scorpion improve verb artwork blind "
        "tail raw butter combine move produce foil feature wave",
    ),
    (
        "2" * 45 + "5" * 53 + "6",
        24,
        "lizard broken love tired depend eyebrow excess lonely advance father various cram ignore panic "
        "feed plunge miss regret boring unique galaxy fan detail fly",
    ),
    (
        "12345612345612345612345612345612345612345612345612",
        12,
        "unveil nice picture region tragic fault cream strike tourist control recipe tourist",
    ),
    ("1" * 50, 12, "diet glad hat rural panther lawsuit act drop gallery urge where fit"),
    ("6" * 50, 12, "senior morning song proud recycle toy search apple trigger lend vibrant arrest"),
]


def test_coldcard_sha256_example() -> None:
    assert verifiable_entropy(COLDCARD_ROLLS, 24).reveal().hex() == COLDCARD_SHA256
    assert verifiable_entropy(COLDCARD_ROLLS, 12).reveal().hex() == COLDCARD_SHA256[:32]


@pytest.mark.parametrize(("rolls", "words", "mnemonic"), PUBLISHED)
def test_published_dice_examples(rolls: str, words: int, mnemonic: str) -> None:
    assert mnemonic_from_entropy(verifiable_entropy(rolls, words).reveal()) == mnemonic
    if len(rolls) >= dice.SEEDSIGNER_ROLLS[words]:  # enough rolls for Airlock to make a seed of them
        assert mnemonic_from_entropy(new_entropy(rolls, words, DiceMethod.DICE_ONLY).reveal()) == mnemonic


def test_spaces_between_rolls_do_not_change_the_words() -> None:
    rolls = PUBLISHED[4][0]
    spaced = " ".join(rolls[i : i + 5] for i in range(0, len(rolls), 5))
    assert new_entropy(spaced, 12, DiceMethod.DICE_ONLY) == new_entropy(rolls, 12, DiceMethod.DICE_ONLY)


def test_mixed_rolls_never_give_the_dice_only_words() -> None:
    rolls, words, _ = PUBLISHED[1]
    mixed = {new_entropy(rolls, words, DiceMethod.MIXED).reveal() for _ in range(3)}
    assert len(mixed) == 3 and verifiable_entropy(rolls, words).reveal() not in mixed


def test_dice_only_is_12_or_24_words_with_enough_rolls() -> None:
    with pytest.raises(EntropyError, match="12 or 24 words"):
        new_entropy("123456" * 20, 18, DiceMethod.DICE_ONLY)
    with pytest.raises(EntropyError, match="at least 99"):
        new_entropy("1234" * 24, 24, DiceMethod.DICE_ONLY)
    with pytest.raises(EntropyError, match="faces 1-6"):
        new_entropy("0123456" * 10, 12, DiceMethod.DICE_ONLY)  # a six is written 6, never 0


# -- checking the rolls ---------------------------------------------------------------------
def _fair(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("123456") for _ in range(n))


@pytest.mark.parametrize(
    ("rolls", "problem"),
    [
        ("1" * 99, "all 99 rolls are 1"),
        ("12" * 50, "faces 3, 4, 5 and 6 never came up in 100 rolls"),
        ("12345" * 10, "face 6 never came up in 50 rolls"),
        ("123456" * 17, "the rolls follow a pattern"),
        ("654321" * 9, "the rolls follow a pattern"),
        ("6" * 40 + _fair(random.Random(3), 59), "6 came up"),
        (_fair(random.Random(4), 45) + "4" * 9 + _fair(random.Random(5), 45), "came up 9 times in a row"),
    ],
)
def test_plainly_non_random_rolls_are_named(rolls: str, problem: str) -> None:
    check = check_rolls(rolls)
    assert check.suspicious and any(problem in p for p in check.problems), check.problems
    assert rolls not in repr(check) and str(check.counts[0]) not in repr(check).split("rolls")[1]


def test_fair_rolls_rarely_alarm() -> None:
    """Each test alarms for a fair die about once in a thousand: 2000 fair 99-roll strings (a fixed
    generator, so the test is repeatable) raise at most a handful of alarms."""
    rng = random.Random(20261128)
    alarms = sum(check_rolls(_fair(rng, 99)).suspicious for _ in range(2000))
    assert alarms <= 16


def test_the_run_limit_is_exact() -> None:
    """For 6 rolls, count every sequence: the limit is the shortest run length that appears in at most
    one in a thousand of them."""
    n = 6
    runs = [dice._longest_run("".join(s)) for s in itertools.product("123456", repeat=n)]
    share = {k: sum(r >= k for r in runs) / len(runs) for k in range(2, n + 2)}
    expected = min(k for k, p in share.items() if p <= dice.FALSE_ALARM)
    assert dice.run_limit(n) == expected == 6
    assert dice.run_limit(50) == 7 and dice.run_limit(99) == 8


# -- the CLI --------------------------------------------------------------------------------
def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_dice_only_gives_the_published_words(capsys: pytest.CaptureFixture[str]) -> None:
    rolls, _, mnemonic = PUBLISHED[4]  # a pattern: refused unless the person insists
    code, out, err = run(capsys, "seed", "new", "--words", "12", "--dice", rolls, "--dice-only")
    assert code == 3 and out == "" and "the rolls follow a pattern" in err and "no seed made" in err
    code, out, err = run(
        capsys, "seed", "new", "--words", "12", "--dice", rolls, "--dice-only", "--accept-weak-dice"
    )
    assert code == 0 and out.strip() == mnemonic
    assert "Coldcard and SeedSigner give the same words" in err and "first 16 bytes" in err


def test_cli_dice_only_matches_an_independent_computation(capsys: pytest.CaptureFixture[str]) -> None:
    from embit.bip39 import mnemonic_from_bytes  # another BIP-39 implementation than Airlock's

    rolls = _fair(random.Random(99), 107)
    assert not check_rolls(rolls).suspicious
    code, out, err = run(capsys, "seed", "new", "--words", "24", "--dice", rolls, "--dice-only")
    assert code == 0 and out.strip() == mnemonic_from_bytes(hashlib.sha256(rolls.encode()).digest())
    assert "SeedSigner takes exactly 99 rolls" in err and "do not look random" not in err


def test_cli_dice_only_refuses_what_it_cannot_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "seed", "new", "--dice-only")[2].count("--dice-only needs the rolls") == 1
    code, _, err = run(capsys, "seed", "new", "--words", "15", "--dice", "123456" * 11, "--dice-only")
    assert code == 1 and "12 or 24 words" in err
    code, _, err = run(
        capsys, "seed", "new", "--dice", "1" * 99, "--dice-only", "--camera-frame", "frame.bin"
    )
    assert code == 2 and "leave out --camera-frame" in err


def test_cli_mixed_rolls_of_one_face_are_not_counted_as_256_bits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "seed", "new", "--words", "24", "--dice", "1" * 99)
    assert code == 0 and len(out.split()) == 24
    assert "WARNING: the dice rolls do not look random: all 99 rolls are 1" in err
    assert "bits claimed" not in err and "not counted" in err


def test_cli_vault_add_dice_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from signer.keys.accounts import fingerprint
    from signer.keys.bip39 import mnemonic_to_seed

    monkeypatch.setenv("AIRLOCK_PASSWORD", "cli vault password")
    vault = str(tmp_path / "v.airlock")
    run(capsys, "vault", "init", "--vault", vault)
    rolls = _fair(random.Random(7), 50)
    assert not check_rolls(rolls).suspicious
    add = ("vault", "add", "--vault", vault, "--label", "dice", "--generate", "--words", "12")
    code, _, err = run(capsys, *add, "--dice", rolls, "--dice-only")
    assert code == 0 and "Coldcard and SeedSigner give the same words" in err
    expected = fingerprint(
        mnemonic_to_seed(mnemonic_from_entropy(hashlib.sha256(rolls.encode()).digest()[:16]))
    )
    code, out, _ = run(capsys, "vault", "list", "--vault", vault, "--json")
    assert json.loads(out)[0]["fingerprint"] == expected


def test_the_check_never_shows_the_rolls_in_its_repr() -> None:
    check = check_rolls("123456" * 17)
    assert repr(check) == "<DiceCheck 102 rolls, 1 problem(s)>"
