"""Seeds a person can verify, see again and restore without surprises: SLIP-39 shares that could be
two wallets are shown as both, the words and SeedQR of a stored seed behind the vault password and
a held key, dice rolls checked and made verifiable, and texts that fit what just happened."""

from __future__ import annotations

from pathlib import Path

from test_ui_layout import check_screen
from ui_driver import ABANDON, ABANDON_FP, unlocked

from signer.keys import slip39
from signer.keys.seed import Slip39Seed

NATIVE_OF_ABANDON = ("15c918d3", "bc1qsqs4ja3sm84vhtc7k3palld0nwga7tf47azjsq")  # see tests/keys


# -- SLIP-39: which wallet ------------------------------------------------------------------
def _enter_shares(d, shares: list[str]) -> None:  # type: ignore[no-untyped-def]
    if "Seeds" in d.content().items:
        d.choose("Seeds")
    d.choose("Add a seed")
    d.choose("SLIP-39 shares")
    d.choose(f"{len(shares[0].split())}-word shares")
    d.enter_words(shares[0].split())
    for share in shares[1:]:
        d.choose("Enter next share")
        d.enter_words(share.split())
    d.settle()


def test_shares_that_can_be_two_wallets_show_both_and_the_person_picks(tmp_path: Path) -> None:
    from signer.keys.seed import Bip39Seed

    session, d = unlocked(tmp_path, {})
    shares = slip39.split_bip39(Bip39Seed.from_mnemonic(ABANDON), slip39.SplitPlan.single(2, 3))[0]
    _enter_shares(d, [shares[2], shares[0]])
    assert d.title == "Which wallet?" and d.content().items == ["Seed words", "SLIP-39"]
    body = d.content().extra["body"]
    assert f"fingerprint {ABANDON_FP}, first address bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu" in body
    assert "fingerprint {}, first address {}".format(*NATIVE_OF_ABANDON) in body
    check_screen(d.app.screen, "which wallet")
    d.choose("SLIP-39")
    assert d.title == "Seed ready" and NATIVE_OF_ABANDON[0] in d.text() and ABANDON_FP not in d.text()
    d.choose("Save")
    d.type_text("")
    stored = session.vault.get("Seed 1")  # type: ignore[union-attr]
    assert stored.kind == "slip39" and stored.fingerprint == NATIVE_OF_ABANDON[0]


def test_a_native_wallet_is_restored_by_picking_slip39(tmp_path: Path) -> None:
    _session, d = unlocked(tmp_path, {})
    wallet = Slip39Seed.generate(128)
    shares = slip39.split_native(wallet, slip39.SplitPlan.single(2, 3))[0]
    native_fp = slip39.candidates(shares[:2])[1].fingerprint
    _enter_shares(d, [shares[1], shares[2]])
    assert d.title == "Which wallet?" and native_fp in d.content().extra["body"]
    d.choose("SLIP-39")
    assert d.title == "Seed ready" and native_fp in d.text()


# -- dice -----------------------------------------------------------------------------------
def _dice(d, words: int, method: str) -> None:  # type: ignore[no-untyped-def]
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Create new seed")
    d.choose(f"{words} words")
    d.choose("Add dice rolls")
    assert d.title == "Dice rolls"
    d.choose(method)


def test_dice_only_on_the_device_gives_the_words_coldcard_and_seedsigner_give(tmp_path: Path) -> None:
    """SeedSigner's published example: 50 rolls of 6 make "senior morning song ..." (12 words). They
    are plainly not random, so the device says so first; the person may roll again or go on."""
    from ui_driver import make_session, start

    session = make_session(tmp_path)
    d = start(session)
    _dice(d, 12, "Dice only, verifiable")
    d.type_text("6" * 50)
    assert d.title == "Rolls look wrong" and d.content().extra["severity"] == "danger"
    assert "All 50 rolls are 6" in d.content().extra["body"] and "whole secret" in d.content().extra["body"]
    assert d.content().secret and d.content().items == ["Roll again", "Continue"]
    check_screen(d.app.screen, "rolls look wrong")
    d.choose("Continue")
    assert d.title == "Write the words down" and "Coldcard and SeedSigner" in d.content().extra["body"]
    d.choose("Show words")
    words = d.read_secret_words()
    assert " ".join(words) == "senior morning song proud recycle toy search apple trigger lend vibrant arrest"


def test_weak_dice_can_be_rolled_again(tmp_path: Path) -> None:
    import hashlib
    import random

    from embit.bip39 import mnemonic_from_bytes
    from ui_driver import make_session, start

    session = make_session(tmp_path)
    d = start(session)
    _dice(d, 12, "Dice only, verifiable")
    d.type_text("12345" * 10)  # no six at all
    assert d.title == "Rolls look wrong" and "Face 6 never came up in 50 rolls" in d.content().extra["body"]
    d.choose("Roll again")
    assert d.title == "Dice rolls (50+)" and d.content().extra["length"] == 0
    rng = random.Random(11)
    rolls = "".join(rng.choice("123456") for _ in range(50))
    d.type_text(rolls)
    assert d.title == "Write the words down"
    d.choose("Show words")
    assert d.read_secret_words() == mnemonic_from_bytes(hashlib.sha256(rolls.encode()).digest()[:16]).split()


def test_weak_dice_mixed_in_are_a_warning_not_a_danger(tmp_path: Path) -> None:
    from ui_driver import make_session, start

    d = start(make_session(tmp_path))
    _dice(d, 24, "Mix with device random")
    d.type_text("123456" * 17)
    assert d.title == "Rolls look wrong" and d.content().extra["severity"] == "warn"
    body = d.content().extra["body"]
    assert "follow a pattern" in body and "random generator still keeps this seed safe" in body
    d.choose("Continue")
    assert d.title == "Write the words down" and "mixed with your dice rolls" in d.content().extra["body"]
