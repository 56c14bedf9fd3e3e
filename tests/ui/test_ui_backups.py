"""Backups: SLIP-39 split (shown and printed as cards) then recovery from any three shares, typed
or scanned from a card; the encrypted backup as an animated QR that restores elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_driver import ABANDON, ABANDON_FP, PASSWORD, FrameCamera, collect_qr, decode_frames, unlocked

from signer.btc.multisig_registry import check_seed_records
from signer.keys import slip39
from signer.keys.backup import read_backup
from signer.transport.frames import decode_qr_image
from ui.events import Key


class Printer:
    def __init__(self) -> None:
        self.cards: list[Any] = []

    def __call__(self, images: list[Any]) -> None:
        self.cards += images


def split_three_of_five(d: Any) -> None:
    d.choose("Seeds")
    d.choose("main")
    d.choose("SLIP-39 backup")
    d.type_text(PASSWORD)  # the vault password again before a secret is shown
    assert d.title == "SLIP-39 of words" and "Trezor" in d.text()  # BIP-39 words: said clearly
    d.choose("Continue")
    d.choose("3 of 5 shares")
    assert d.title == "Shares" and d.content().lines == ["3 of 5 shares"]


def test_split_show_and_print_then_recover_from_three(tmp_path: Path) -> None:
    printer, camera = Printer(), FrameCamera()
    _session, d = unlocked(tmp_path, printer=printer, camera=camera)
    split_three_of_five(d)
    shares: list[str] = []
    for number in range(1, 6):
        d.choose(f"Share {number} of 5")
        if number <= 2:
            d.choose("Show words")
            assert d.content().secret and d.title.startswith(f"Share {number} 1-6 of 20")
            words = d.read_secret_words()
            d.press(Key.RIGHT)  # done
            shares.append(" ".join(words))
        else:
            d.choose("Print card")
        assert d.title == "Shares"
    assert len(printer.cards) == 3
    printed = [decode_qr_image(card)[0].decode().lower() for card in printer.cards]
    assert all(len(p.split()) == 20 for p in printed)
    details = d.content().extra["details"]
    assert details[:5] == ["shown", "shown", "printed", "printed", "printed"]
    d.choose("Finish")
    assert d.title == "Airlock"

    # recover from share 5 (scanned from its card), share 1 and share 4 (typed), in that order
    assert slip39.combine_bip39([shares[0], printed[2], printed[1]]).mnemonic() == ABANDON
    d.choose("Seeds")
    d.choose("Add a seed")
    d.choose("SLIP-39 shares")
    camera.show([printer.cards[2].convert("RGB")])
    d.choose("Scan a share card")
    d.tick(2)
    assert d.title == "Shares: 1 of 3", d.text()
    d.choose("Enter next share")
    d.enter_words(shares[0].split())
    assert d.title == "Shares: 2 of 3"
    d.choose("Enter next share")
    d.enter_words(printed[1].split())
    assert d.title == "Which wallet?" and ABANDON_FP in d.text()
    d.choose("Seed words")
    assert d.title == "Seed ready" and ABANDON_FP in d.text()
    d.choose("Save")
    d.type_text("")
    assert d.title == "Not saved" and "already stored as 'main'" in d.text()  # it is the vault's own seed


def test_a_share_of_another_split_is_refused(tmp_path: Path) -> None:
    _session, d = unlocked(tmp_path)
    from signer.keys.seed import Bip39Seed

    one = slip39.split_bip39(Bip39Seed.from_mnemonic(ABANDON), slip39.SplitPlan.single(2, 3))[0]
    other = slip39.split_bip39(Bip39Seed.from_mnemonic(ABANDON), slip39.SplitPlan.single(2, 3))[0]
    d.choose("Seeds")
    d.choose("Add a seed")
    d.choose("SLIP-39 shares")
    d.choose("20-word shares")
    d.enter_words(one[0].split())
    assert d.title == "Shares: 1 of 2"
    d.choose("Enter next share")
    d.enter_words(other[1].split())
    assert d.title == "Share not accepted" and "another set" in d.text()
    d.choose("Try again")
    assert d.title == "Shares: 1 of 2"


def test_group_split_plan(tmp_path: Path) -> None:
    _session, d = unlocked(tmp_path)
    d.choose("Seeds")
    d.choose("main")
    d.choose("SLIP-39 backup")
    d.type_text(PASSWORD)  # the vault password again before a secret is shown
    d.choose("Continue")
    d.choose("Groups")
    assert d.content().extra["value"] == 2  # two groups
    d.press(Key.PRESS)
    d.press(Key.PRESS)  # both needed
    d.press(Key.DOWN)
    d.press(Key.DOWN)
    d.press(Key.PRESS)  # group 1: 1 share
    d.press(Key.PRESS)  # group 2: 3 shares
    d.press(Key.PRESS)  # ... 2 needed
    assert d.title == "Shares"
    assert d.content().lines == ["2 of 2 groups (1 of 1, 2 of 3)"]
    assert d.content().items[:4] == [
        "Group 1 share 1",
        "Group 2 share 1",
        "Group 2 share 2",
        "Group 2 share 3",
    ]
    d.press(Key.KEY3)  # finish without showing: asked first
    assert d.title == "Shares left"
    d.choose("Leave")
    assert d.title == "Airlock"


def test_encrypted_backup_export_round_trip(tmp_path: Path) -> None:
    _session, d = unlocked(tmp_path)
    d.choose("Backups")
    d.choose("Encrypted backup")
    d.type_text(PASSWORD)  # the vault password again before a secret is shown
    assert d.title == "Seeds to back up"
    d.press(Key.KEY1)
    backup_password = "backup pass 99"
    d.type_text(backup_password)
    d.type_text(backup_password)
    assert d.title == "Encrypted backup"
    payload = decode_frames(collect_qr(d))
    assert payload.kind == "bytes"
    entries = read_backup(payload.data, backup_password, check=check_seed_records)
    assert [e.fingerprint for e in entries] == [ABANDON_FP]
    assert entries[0].material.mnemonic() == ABANDON  # type: ignore[union-attr]
    with pytest.raises(Exception, match="wrong password"):
        read_backup(payload.data, PASSWORD, check=check_seed_records)
