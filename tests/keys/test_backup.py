"""Encrypted backup: export chosen seeds, restore into another vault, every bad input refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ABANDON, LEGAL, ZOO24
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.keys import backup, envelope
from signer.keys.accounts import AccountSpec
from signer.keys.errors import UnsupportedVersion, VaultCorrupt, WrongPassword
from signer.keys.seed import Bip39Seed, Slip39Seed
from signer.keys.vault import Vault

KDF = envelope.TEST_KDF


@pytest.fixture
def source(tmp_path: Path) -> Vault:
    vault = Vault.create(tmp_path / "source", "vault pw", KDF)
    vault.add_seed("main", Bip39Seed.from_mnemonic(ABANDON), [AccountSpec.parse("btc-86", "signet", 2)])
    vault.add_seed("cold", Bip39Seed.from_mnemonic(ZOO24))
    vault.add_seed("shamir", Slip39Seed.generate())
    vault.add_multisig("main", "family", "wsh(sortedmulti(2,a,b,c))")
    vault.set_history("main", {"eth": ["0x1"]})
    return vault


def test_export_restore_round_trip(source: Vault, tmp_path: Path) -> None:
    blob = backup.export_backup([source.get("main"), source.get("shamir")], "backup pw", KDF)
    assert backup.is_backup(blob) and len(blob) < 1200  # travels as a handful of QR frames
    target = Vault.create(tmp_path / "target", "other pw", KDF)
    target.add_seed("already", Bip39Seed.from_mnemonic(LEGAL))
    restored, skipped = backup.restore_into(target, backup.read_backup(blob, "backup pw"))
    assert restored == ["main", "shamir"] and skipped == []
    reopened = Vault.open(tmp_path / "target", "other pw")
    main = reopened.get("main")
    assert main.material.mnemonic() == ABANDON  # type: ignore[union-attr]
    assert [str(a) for a in main.accounts] == ["btc-86 #2 (signet)"]
    assert main.multisig == [{"name": "family", "descriptor": "wsh(sortedmulti(2,a,b,c))"}]
    assert main.history == {}  # the signing history stays on the device it belongs to
    assert reopened.get("shamir").bip32_seed() == source.get("shamir").bip32_seed()


def test_restore_skips_known_seeds_and_renames_clashes(source: Vault, tmp_path: Path) -> None:
    blob = backup.export_backup([source.get("main"), source.get("cold")], "backup pw", KDF)
    target = Vault.create(tmp_path / "target", "pw", KDF)
    target.add_seed("main", Bip39Seed.from_mnemonic(LEGAL))
    target.add_seed("zoo", Bip39Seed.from_mnemonic(ZOO24))
    restored, skipped = backup.restore_into(target, backup.read_backup(blob, "backup pw"))
    assert restored == ["main (2)"] and skipped == ["cold"]


def test_wrong_password_damaged_and_wrong_kind(source: Vault) -> None:
    blob = backup.export_backup([source.get("main")], "backup pw", KDF)
    with pytest.raises(WrongPassword):
        backup.read_backup(blob, "vault pw")
    with pytest.raises(VaultCorrupt, match="truncated"):
        backup.read_backup(blob[:-5], "backup pw")
    flipped = bytearray(blob)
    flipped[80] ^= 4
    with pytest.raises(VaultCorrupt, match="damaged"):
        backup.read_backup(bytes(flipped), "backup pw")
    newer = bytearray(blob)
    newer[8] = 2
    with pytest.raises(UnsupportedVersion):
        backup.read_backup(bytes(newer), "backup pw")
    with pytest.raises(VaultCorrupt, match="not an Airlock backup"):
        backup.read_backup(source.path.read_bytes(), "vault pw")


def test_backup_holds_no_plaintext(source: Vault) -> None:
    blob = backup.export_backup([source.get("main")], "backup pw", KDF)
    assert b"abandon" not in blob and b"main" not in blob


@settings(max_examples=20, deadline=None)
@given(password=st.text(min_size=1, max_size=64), plaintext=st.binary(max_size=2000))
def test_property_envelope_round_trip(password: str, plaintext: bytes) -> None:
    sealed = envelope.seal(backup.MAGIC, plaintext, password, KDF)
    assert bytes(envelope.open_sealed(backup.MAGIC, sealed, password)) == plaintext
    with pytest.raises(WrongPassword):
        envelope.open_sealed(backup.MAGIC, sealed, password + "x")
