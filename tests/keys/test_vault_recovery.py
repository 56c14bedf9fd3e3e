"""Recovery from a damaged vault: nothing is ever overwritten or deleted, and nothing moves before
the password has opened what will replace it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ABANDON, LEGAL

from signer.keys import envelope
from signer.keys.accounts import fingerprint
from signer.keys.errors import WrongPassword
from signer.keys.seed import Bip39Seed
from signer.keys.vault import SeedEntry, Vault, previous_generation
from signer.keys.vault_recovery import previous_usable, reopen_previous, restore_to_new_vault, set_aside

KDF = envelope.TEST_KDF
PW = "correct horse battery staple"
DAMAGED = b"AIRLOCKV this vault file was cut short"


@pytest.fixture
def damaged_vault(tmp_path: Path) -> Path:
    """A vault whose file is damaged and whose previous generation holds the seed "main"."""
    path = tmp_path / "vault.airlock"
    vault = Vault.create(path, PW, KDF)
    vault.add_seed("main", Bip39Seed.from_mnemonic(ABANDON))
    vault.add_seed("second", Bip39Seed.from_mnemonic(LEGAL))  # the save keeps "main" alone in .prev
    vault.lock()
    path.write_bytes(DAMAGED)
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_setting_aside_twice_keeps_both_files(tmp_path: Path) -> None:
    path = tmp_path / "vault.airlock"
    path.write_bytes(b"first")
    first = set_aside(path, "damaged")
    path.write_bytes(b"second")
    second = set_aside(path, "damaged")
    assert first is not None and second is not None and first != second
    assert (first.read_bytes(), second.read_bytes()) == (b"first", b"second")
    assert not path.exists()
    assert set_aside(path, "damaged") is None  # nothing there: nothing to keep


def test_the_previous_generation_is_offered_only_when_sound(damaged_vault: Path) -> None:
    assert previous_usable(damaged_vault)
    previous_generation(damaged_vault).write_bytes(DAMAGED)
    assert not previous_usable(damaged_vault)
    previous_generation(damaged_vault).unlink()
    assert not previous_usable(damaged_vault)


def test_a_wrong_password_moves_nothing(damaged_vault: Path) -> None:
    before = _files(damaged_vault.parent)
    with pytest.raises(WrongPassword):
        reopen_previous(damaged_vault, "not the password at all")
    assert _files(damaged_vault.parent) == before


def test_the_previous_generation_comes_back_and_the_damaged_file_is_kept(damaged_vault: Path) -> None:
    previous = previous_generation(damaged_vault).read_bytes()
    vault, kept = reopen_previous(damaged_vault, PW)
    try:
        assert vault.labels() == ["main"]
    finally:
        vault.lock()
    assert kept is not None and kept.read_bytes() == DAMAGED
    assert damaged_vault.read_bytes() == previous


def test_a_backup_goes_into_a_new_vault_beside_the_kept_files(damaged_vault: Path) -> None:
    previous = previous_generation(damaged_vault).read_bytes()
    material = Bip39Seed.from_mnemonic(LEGAL)
    entry = SeedEntry("restored", material, fingerprint(material.bip32_seed()), "2025-01-01T00:00:00+00:00")
    vault, added, kept = restore_to_new_vault(damaged_vault, "a new vault password", KDF, [entry])
    vault.lock()
    assert added == ["restored"]
    assert kept is not None and kept.read_bytes() == DAMAGED
    kept_files = _files(damaged_vault.parent).values()
    assert previous in kept_files  # the previous generation, moved aside before the first save
    reopened = Vault.open(damaged_vault, "a new vault password")
    try:
        assert reopened.labels() == ["restored"]
    finally:
        reopened.lock()
