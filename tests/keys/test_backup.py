"""Encrypted backup: export chosen seeds, restore into another vault, every bad input refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ABANDON, LEGAL, ZOO24
from hypothesis import given, settings
from hypothesis import strategies as st

from signer.btc.errors import NotACosigner
from signer.btc.multisig_registry import check_seed_records
from signer.errors import AirlockError
from signer.keys import backup, envelope
from signer.keys.accounts import AccountSpec, derive_btc_account
from signer.keys.bip39 import mnemonic_to_seed
from signer.keys.errors import UnsupportedVersion, VaultCorrupt, WrongPassword
from signer.keys.seed import Bip39Seed, Slip39Seed
from signer.keys.vault import Vault

KDF = envelope.TEST_KDF


def family_descriptor() -> str:
    """A 2-of-2 the ABANDON seed cosigns with LEGAL, as registration stores it (with its checksum)."""
    from embit.descriptor.checksum import add_checksum

    keys = [
        derive_btc_account(mnemonic_to_seed(m), AccountSpec.parse("btc-48-2")).key_expression
        for m in (ABANDON, LEGAL)
    ]
    return add_checksum(f"wsh(sortedmulti(2,{','.join(keys)}))")


def export(entries: list, password: str = "backup pw") -> bytes:  # type: ignore[type-arg]
    return backup.export_backup(entries, password, KDF, check=check_seed_records)


def read(blob: bytes, password: str = "backup pw") -> list:  # type: ignore[type-arg]
    return backup.read_backup(blob, password, check=check_seed_records)


@pytest.fixture
def source(tmp_path: Path) -> Vault:
    vault = Vault.create(tmp_path / "source", "vault pw", KDF)
    vault.add_seed("main", Bip39Seed.from_mnemonic(ABANDON), [AccountSpec.parse("btc-86", "signet", 2)])
    vault.add_seed("cold", Bip39Seed.from_mnemonic(ZOO24))
    vault.add_seed("shamir", Slip39Seed.generate())
    vault.add_multisig("main", "family", family_descriptor())
    vault.set_history("main", {"eth": ["0x1"]})
    return vault


def test_export_restore_round_trip(source: Vault, tmp_path: Path) -> None:
    blob = export([source.get("main"), source.get("shamir")])
    assert backup.is_backup(blob) and len(blob) < 1200  # travels as a handful of QR frames
    target = Vault.create(tmp_path / "target", "other pw", KDF)
    target.add_seed("already", Bip39Seed.from_mnemonic(LEGAL))
    restored, skipped = backup.restore_into(target, read(blob))
    assert restored == ["main", "shamir"] and skipped == []
    reopened = Vault.open(tmp_path / "target", "other pw")
    main = reopened.get("main")
    assert main.material.mnemonic() == ABANDON  # type: ignore[union-attr]
    assert [str(a) for a in main.accounts] == ["btc-86 #2 (signet)"]
    assert main.multisig == [{"name": "family", "descriptor": family_descriptor()}]
    assert main.history == {}  # the signing history stays on the device it belongs to
    assert reopened.get("shamir").bip32_seed() == source.get("shamir").bip32_seed()


def test_restore_skips_known_seeds_and_renames_clashes(source: Vault, tmp_path: Path) -> None:
    blob = export([source.get("main"), source.get("cold")])
    target = Vault.create(tmp_path / "target", "pw", KDF)
    target.add_seed("main", Bip39Seed.from_mnemonic(LEGAL))
    target.add_seed("zoo", Bip39Seed.from_mnemonic(ZOO24))
    restored, skipped = backup.restore_into(target, read(blob))
    assert restored == ["main (2)"] and skipped == ["cold"]


def test_wrong_password_damaged_and_wrong_kind(source: Vault) -> None:
    blob = export([source.get("main")])
    with pytest.raises(WrongPassword):
        read(blob, "vault pw")
    with pytest.raises(VaultCorrupt, match="truncated"):
        read(blob[:-5])
    flipped = bytearray(blob)
    flipped[80] ^= 4
    with pytest.raises(VaultCorrupt, match="damaged"):
        read(bytes(flipped))
    newer = bytearray(blob)
    newer[8] = 2
    with pytest.raises(UnsupportedVersion):
        read(bytes(newer))
    with pytest.raises(VaultCorrupt, match="not an Airlock backup"):
        read(source.path.read_bytes(), "vault pw")


def test_backup_holds_no_plaintext(source: Vault) -> None:
    blob = export([source.get("main")])
    assert b"abandon" not in blob and b"main" not in blob


@settings(max_examples=20, deadline=None)
@given(password=st.text(min_size=1, max_size=64), plaintext=st.binary(max_size=2000))
def test_property_envelope_round_trip(password: str, plaintext: bytes) -> None:
    sealed = envelope.seal(backup.MAGIC, plaintext, password, KDF)
    assert bytes(envelope.open_sealed(backup.MAGIC, sealed, password)) == plaintext
    with pytest.raises(WrongPassword):
        envelope.open_sealed(backup.MAGIC, sealed, password + "x")


def old_style_backup(
    records: list[dict[str, str]], mnemonic: str = ABANDON, label: str = "main", fp: str | None = None
) -> bytes:
    """A backup as an older Airlock wrote it (nothing checked its multisig records on export);
    ``fp``: the fingerprint it claims for the seed, if not the seed's own."""
    import json

    from signer.keys.accounts import fingerprint
    from signer.keys.seed import Bip39Seed as Seed

    material = Seed.from_mnemonic(mnemonic)
    seed = {
        "label": label,
        "kind": "bip39",
        "fingerprint": fp or fingerprint(material.bip32_seed("")),
        "created": "2025-01-01T00:00:00+00:00",
        "demo": False,
        "secret": material.to_json(),
        "accounts": [],
        "multisig": records,
    }
    doc = {"format": "airlock-backup", "version": 1, "created": "2025-01-01T00:00:00+00:00", "seeds": [seed]}
    return envelope.seal(backup.MAGIC, json.dumps(doc).encode(), "backup pw", KDF)


def others_descriptor() -> str:
    """A valid 2-of-2 of LEGAL and ZOO24: a wallet the ABANDON seed is not part of."""
    from embit.descriptor.checksum import add_checksum

    keys = [
        derive_btc_account(mnemonic_to_seed(m), AccountSpec.parse("btc-48-2")).key_expression
        for m in (LEGAL, ZOO24)
    ]
    return add_checksum(f"wsh(sortedmulti(2,{','.join(keys)}))")


def checksummed(body: str) -> str:
    from embit.descriptor.checksum import add_checksum

    return add_checksum(body)


BAD_RECORDS = {
    "not-a-descriptor": (
        {"name": "family", "descriptor": checksummed("wsh(sortedmulti(2,a,b,c))")},
        "not valid base58check",
    ),
    "bad-checksum": (
        {"name": "family", "descriptor": family_descriptor()[:-1] + "q"},
        "checksum #.* does not match",
    ),
    "no-checksum": ({"name": "family", "descriptor": family_descriptor().split("#")[0]}, "no #checksum"),
    "not-ours": ({"name": "family", "descriptor": others_descriptor()}, "not one of its cosigners"),
    "unsorted": (
        {"name": "family", "descriptor": checksummed(family_descriptor()[:-9].replace("sorted", ""))},
        "sortedmulti",
    ),
    "single-sig": ({"name": "family", "descriptor": checksummed("wpkh(" + "x" * 10 + ")")}, "supported"),
    "bad-name": ({"name": "  ", "descriptor": family_descriptor()}, "name"),
}


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_restore_refuses_a_bad_multisig_record_before_storing_anything(tmp_path: Path, case: str) -> None:
    record, match = BAD_RECORDS[case]
    target = Vault.create(tmp_path / "target", "pw", KDF)
    target.add_seed("other", Bip39Seed.from_mnemonic(LEGAL))
    before = target.path.read_bytes()
    with pytest.raises(AirlockError, match=f"seed 'main', multisig wallet .*: .*{match}"):
        read(old_style_backup([record]))
    assert target.path.read_bytes() == before and Vault.open(target.path, "pw").labels() == ["other"]


def test_a_record_whose_key_is_not_the_seeds_is_refused() -> None:
    """The seed's fingerprint is listed, but with another seed's key: a spoofed fingerprint."""
    spoofed = checksummed(others_descriptor().split("#")[0].replace("b8688df1", "73c5da0a"))
    with pytest.raises(NotACosigner, match="not the key this seed derives"):
        read(old_style_backup([{"name": "family", "descriptor": spoofed}]))


def test_wallets_registered_with_a_passphrase_restore() -> None:
    """The record names the fingerprint (with passphrase) that registered it; it must be a cosigner."""
    from embit.descriptor.checksum import add_checksum

    seed = mnemonic_to_seed(ABANDON, "TREZOR")
    ours = derive_btc_account(seed, AccountSpec.parse("btc-48-2")).key_expression
    theirs = derive_btc_account(mnemonic_to_seed(LEGAL), AccountSpec.parse("btc-48-2")).key_expression
    descriptor = add_checksum(f"wsh(sortedmulti(2,{ours},{theirs}))")
    passphrase_fp = ours[1:9]
    record = {"name": "hidden", "descriptor": descriptor, "fingerprint": passphrase_fp}
    (entry,) = read(old_style_backup([record]))
    assert entry.multisig == [record]
    with pytest.raises(NotACosigner, match="not one of its cosigners"):
        read(old_style_backup([{**record, "fingerprint": "0badf00d"}]))


def test_export_refuses_a_seed_whose_wallets_would_not_restore(source: Vault) -> None:
    entry = source.get("main")
    entry.multisig.append({"name": "junk", "descriptor": "wsh(sortedmulti(2,a,b,c))"})
    with pytest.raises(AirlockError, match="seed 'main', multisig wallet 'junk'"):
        export([entry])


@pytest.mark.parametrize("create", [False, True], ids=["into-a-vault", "into-a-new-vault"])
def test_cli_restore_refuses_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], create: bool
) -> None:
    from signer.cli import main

    monkeypatch.setenv("AIRLOCK_PASSWORD", "vault pw")
    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "backup pw")
    blob = tmp_path / "backup.bin"
    blob.write_bytes(old_style_backup([{"name": "family", "descriptor": others_descriptor()}]))
    target = tmp_path / "vault"
    if not create:
        Vault.create(target, "vault pw", KDF).add_seed("other", Bip39Seed.from_mnemonic(LEGAL))
    before = target.read_bytes() if not create else None
    code = main(["backup", "restore", "--vault", str(target), str(blob), *(["--create"] if create else [])])
    err = capsys.readouterr().err
    assert code == 3 and "seed 'main', multisig wallet 'family'" in err and "not one of its cosigners" in err
    if create:
        assert not target.exists() and not target.with_name("vault.prev").exists()
    else:
        assert target.read_bytes() == before and Vault.open(target, "vault pw").labels() == ["other"]


def test_a_seed_whose_fingerprint_is_not_its_own_is_refused_before_anything_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """LEGAL's words under ABANDON's fingerprint: restored into a vault holding ABANDON, the seed was
    'skipped: already in the vault', which it is not; now the altered record is named."""
    from signer.cli import main

    with pytest.raises(VaultCorrupt, match="seed 'main': the backup says fingerprint 73c5da0a"):
        read(old_style_backup([], mnemonic=LEGAL, fp="73c5da0a"))
    monkeypatch.setenv("AIRLOCK_PASSWORD", "vault pw")
    monkeypatch.setenv("AIRLOCK_BACKUP_PASSWORD", "backup pw")
    blob = tmp_path / "backup.bin"
    blob.write_bytes(old_style_backup([], mnemonic=LEGAL, fp="73c5da0a"))
    target = tmp_path / "vault"
    Vault.create(target, "vault pw", KDF).add_seed("mine", Bip39Seed.from_mnemonic(ABANDON))
    before = target.read_bytes()
    code = main(["backup", "restore", "--vault", str(target), str(blob)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "skipped" not in err
    assert "the backup says fingerprint 73c5da0a, its words give b8688df1" in err
    assert target.read_bytes() == before
