"""Seeds a person can verify, see again and restore without surprises: SLIP-39 shares that could be
two wallets are shown as both, the words and SeedQR of a stored seed behind the vault password and
a held key, dice rolls checked and made verifiable, and texts that fit what just happened."""

from __future__ import annotations

from pathlib import Path

from test_ui_layout import check_screen
from ui_driver import ABANDON, ABANDON_FP, LEGAL, unlocked

from signer.keys import slip39
from signer.keys.seed import Slip39Seed
from ui.events import Key

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


# -- words and SeedQR of a stored seed --------------------------------------------------------
def _open_secret(d, label: str, item: str) -> None:  # type: ignore[no-untyped-def]
    from ui_driver import PASSWORD

    d.choose("Seeds")
    d.choose(label)
    d.choose(item)
    assert d.title == f"{item}" and d.content().extra["severity"] == "warn"
    assert "can take its funds" in d.content().extra["body"]
    d.choose("Continue")
    assert d.title == "Vault password" and d.content().secret
    d.type_text(PASSWORD)


def test_show_words_of_a_stored_seed_after_the_password_while_a_key_is_held(tmp_path: Path) -> None:
    from ui.capture import should_blank

    session, d = unlocked(tmp_path, capture_allowed=True)
    _open_secret(d, "main", "Show words")
    assert d.title == "Words 1-6 of 12" and d.content().lines == []  # nothing shown until a key is held
    assert should_blank(d.app.screen, session)
    assert " ".join(d.read_secret_words()) == ABANDON
    d.press(Key.RIGHT)  # done
    assert d.title == "main"


def test_the_seedqr_on_the_screen_scans_back_to_the_words(tmp_path: Path) -> None:
    """The real frame (not the blanked capture) is read by zbar and decoded as a SeedQR, standard
    then compact, and gives back the stored words."""
    import numpy as np

    from signer.transport import seedqr
    from signer.transport.frames import decode_qr_image
    from ui.capture import blank_image, capture

    session, d = unlocked(tmp_path, {"legal": LEGAL}, capture_allowed=True)
    _open_secret(d, "legal", "Show SeedQR")
    assert d.title == "SeedQR (standard)" and d.content().lines == ["Hold PRESS to show the code"]
    check_screen(d.app.screen, "seedqr hidden")
    assert decode_qr_image(d.frame()) == []
    for fmt in ("standard", "compact"):
        d.press(Key.PRESS)  # held: no release yet
        assert d.content().extra == {"revealed": True, "format": fmt, "formats": ["standard", "compact"]}
        frame = d.frame()
        shot = capture(d.app, session)
        assert shot is not None and np.array_equal(np.asarray(shot), np.asarray(blank_image()))
        scanned = seedqr.decode(decode_qr_image(frame)[0])
        assert scanned.mnemonic == LEGAL and scanned.compact == (fmt == "compact")
        d.release(Key.PRESS)
        assert not d.content().extra["revealed"] and decode_qr_image(d.frame()) == []
        d.press(Key.KEY2)
    d.press(Key.PRESS)
    d.tick(int(31 / 0.05))  # held with no release reported: hidden again after 30 s
    assert not d.content().extra["revealed"]
    d.press(Key.KEY3)
    assert d.title == "legal"


def test_three_wrong_passwords_lock_the_device(tmp_path: Path) -> None:
    session, d = unlocked(tmp_path)
    material = session.vault.get("main").material  # type: ignore[union-attr]
    d.choose("Seeds")
    d.choose("main")
    d.choose("Show words")
    d.choose("Continue")
    for left in (2, 1):
        d.type_text("not the password")
        assert d.title == "Wrong password" and f"{left} more wrong" in d.text()
        d.choose("OK")
        assert d.title == "Vault password" and d.content().extra["length"] == 0
    d.type_text("still not it")
    assert d.title == "Device locked" and session.vault is None
    assert material.entropy.wiped  # type: ignore[attr-defined]
    d.choose("OK")
    assert d.content().lines == ["Locked"]


def _vault_with_native(tmp_path: Path) -> None:
    from ui_driver import KDF, PASSWORD

    from signer.keys.seed import Bip39Seed
    from signer.keys.vault import Vault

    vault = Vault.create(tmp_path / "device.vault", PASSWORD, KDF)
    vault.add_seed("trezor", Slip39Seed.generate(128))
    vault.add_seed("eighteen", Bip39Seed.from_mnemonic("abandon " * 17 + "agent"))
    vault.lock()


def test_a_native_slip39_wallet_offers_its_shares_instead_of_words(tmp_path: Path) -> None:
    from ui_driver import PASSWORD, make_session, start

    _vault_with_native(tmp_path)
    d = start(make_session(tmp_path))
    d.choose("Unlock")
    d.type_text(PASSWORD)
    d.choose("Seeds")
    d.choose("trezor")
    assert "Show words" in d.content().items and "Show SeedQR" not in d.content().items
    d.choose("Show words")
    assert d.title == "No words" and "native SLIP-39 wallet has no BIP-39 words" in d.content().extra["body"]
    d.choose("Make shares")
    assert d.title == "Vault password"  # new shares are the secret too
    d.type_text(PASSWORD)
    assert d.title == "How many shares?"


def test_a_seed_of_18_words_has_words_but_no_seedqr(tmp_path: Path) -> None:
    from ui_driver import PASSWORD, make_session, start

    _vault_with_native(tmp_path)
    d = start(make_session(tmp_path))
    d.choose("Unlock")
    d.type_text(PASSWORD)
    d.choose("Seeds")
    d.choose("eighteen")
    d.choose("Show SeedQR")
    assert d.title == "No SeedQR" and "this seed has 18; show its words" in d.content().extra["body"]


def test_new_shares_and_encrypted_backups_ask_the_password_again(tmp_path: Path) -> None:
    """Shares (a 1-of-1 group is the whole seed) and an encrypted backup under a password of one's
    choosing give the seed away as surely as its words: the same password gate guards them."""
    _session, d = unlocked(tmp_path)
    d.choose("Seeds")
    d.choose("main")
    for item in ("SLIP-39 backup", "Encrypted backup"):
        d.choose(item)
        assert d.title == "Vault password", item
        d.press(Key.KEY3)
        assert d.title == "main"
    d.go_home()
    d.choose("Backups")
    for item in ("SLIP-39 shares", "Encrypted backup"):
        d.choose(item)
        assert d.title == "Vault password", item
        d.press(Key.KEY3)


# -- wording that fits what just happened -----------------------------------------------------
def test_a_new_seed_has_no_records_to_match_an_imported_one_does(tmp_path: Path) -> None:
    from ui_driver import make_session, start

    d = start(make_session(tmp_path))
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Create new seed")
    d.choose("12 words")
    d.choose("Device random")
    d.choose("Show words")
    words = d.read_secret_words()
    d.press(Key.RIGHT)
    d.answer_quiz(words)
    body = d.content().extra["body"]
    assert d.title == "Seed ready" and "Note it beside your words" in body and "records" not in body
    assert "kept only until the device locks" in body
    d.choose("Cancel")
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Enter words")
    d.choose("12 words")
    d.enter_words(ABANDON.split())
    body = d.content().extra["body"]
    assert f"Fingerprint {ABANDON_FP}. Check that it matches your records." in body


def test_a_temporary_seed_without_a_vault_shows_its_words_after_the_caution(tmp_path: Path) -> None:
    """No vault is unlocked, so there is no password to ask: the caution, then the held-key words."""
    from ui_driver import make_session, start

    session = make_session(tmp_path)
    d = start(session)
    d.choose("Temporary seed")
    d.choose("Continue")
    d.choose("Enter words")
    d.choose("12 words")
    d.enter_words(ABANDON.split())
    d.choose("Use it")
    d.choose("Show words")
    assert d.title == "Show words" and d.content().extra["severity"] == "warn"
    d.choose("Continue")
    assert d.title == "Words 1-6 of 12" and " ".join(d.read_secret_words()) == ABANDON
    assert session.vault is None and list(tmp_path.iterdir()) == []
