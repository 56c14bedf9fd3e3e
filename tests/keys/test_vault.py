"""The vault: round trips, each kind of bad file with its own error, nothing changed on errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ABANDON, LEGAL, ZOO24
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signer.keys import envelope
from signer.keys.accounts import AccountSpec
from signer.keys.errors import SeedNotFound, UnsupportedVersion, VaultCorrupt, VaultError, WrongPassword
from signer.keys.seed import Bip39Seed, Slip39Seed
from signer.keys.vault import Vault

KDF = envelope.TEST_KDF
PW = "correct horse battery staple"


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    path = tmp_path / "vault.airlock"
    vault = Vault.create(path, PW, KDF)
    vault.add_seed(
        "main", Bip39Seed.from_mnemonic(ABANDON), [AccountSpec.parse("btc-84"), AccountSpec.parse("eth")]
    )
    vault.add_seed("cold", Bip39Seed.from_mnemonic(ZOO24))
    vault.lock()
    return path


def test_round_trip(vault_path: Path) -> None:
    vault = Vault.open(vault_path, PW)
    assert vault.labels() == ["main", "cold"]
    main = vault.get("main")
    assert main.kind == "bip39" and main.fingerprint == "73c5da0a"
    assert main.material.mnemonic() == ABANDON  # type: ignore[union-attr]
    assert [str(a) for a in main.accounts] == ["btc-84 #0", "eth #0"]
    assert main.created.endswith("+00:00")


def test_slip39_seed_kind_is_recorded(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path / "v", PW, KDF)
    native = Slip39Seed.generate()
    fp_seed = native.bip32_seed()
    vault.add_seed("shamir", native)
    reopened = Vault.open(tmp_path / "v", PW).get("shamir")
    assert reopened.kind == "slip39" and reopened.bip32_seed() == fp_seed


def test_default_kdf_is_strong() -> None:
    kdf = envelope.KdfParams()
    assert kdf.memory_kib >= 64 * 1024 and kdf.iterations >= 2


def test_kdf_params_live_in_the_header(vault_path: Path) -> None:
    assert Vault.check_file(vault_path) == KDF
    vault = Vault.open(vault_path, PW)
    stronger = envelope.KdfParams(memory_kib=128, iterations=2, lanes=1)
    vault.change_password(PW, "new password", stronger)
    assert Vault.check_file(vault_path) == stronger
    assert Vault.open(vault_path, "new password").labels() == ["main", "cold"]
    with pytest.raises(WrongPassword):
        Vault.open(vault_path, PW)


def test_change_password_needs_the_old_one(vault_path: Path) -> None:
    vault = Vault.open(vault_path, PW)
    before = vault_path.read_bytes()
    with pytest.raises(WrongPassword):
        vault.change_password("guess", "new")
    assert vault_path.read_bytes() == before


def test_rename_and_delete(vault_path: Path) -> None:
    vault = Vault.open(vault_path, PW)
    vault.rename("cold", "savings")
    with pytest.raises(VaultError, match="already exists"):
        vault.rename("main", "savings")
    with pytest.raises(VaultError, match="confirmation"):
        vault.delete("savings", "saving")
    assert Vault.open(vault_path, PW).labels() == ["main", "savings"]
    vault.delete("savings", "savings")
    assert Vault.open(vault_path, PW).labels() == ["main"]
    with pytest.raises(SeedNotFound):
        vault.get("savings")


def test_duplicates_refused(vault_path: Path) -> None:
    vault = Vault.open(vault_path, PW)
    with pytest.raises(VaultError, match="already stored as 'main'"):
        vault.add_seed("again", Bip39Seed.from_mnemonic(ABANDON))
    with pytest.raises(VaultError, match="already exists"):
        vault.add_seed("main", Bip39Seed.from_mnemonic(LEGAL))
    with pytest.raises(VaultError, match="empty"):
        vault.add_seed("   ", Bip39Seed.from_mnemonic(LEGAL))


def test_multisig_and_history_persist(vault_path: Path) -> None:
    vault = Vault.open(vault_path, PW)
    vault.add_multisig("main", "family 2of3", "wsh(sortedmulti(2,...))")
    vault.set_history("main", {"eth": ["0xabc"]})
    entry = Vault.open(vault_path, PW).get("main")
    assert entry.multisig == [{"name": "family 2of3", "descriptor": "wsh(sortedmulti(2,...))"}]
    assert entry.history == {"eth": ["0xabc"]}


def test_multisig_rename_and_delete_save_atomically_with_the_previous_generation(vault_path: Path) -> None:
    prev = vault_path.with_name(vault_path.name + ".prev")
    vault = Vault.open(vault_path, PW)
    vault.add_multisig("main", "family", "wsh(sortedmulti(2,A))", "73c5da0a")
    vault.add_multisig("main", "savings", "wsh(sortedmulti(2,B))")
    assert vault.rename_multisig("main", "family", " family\t2of3 ") == "family 2of3"
    stored = Vault.open(vault_path, PW).get("main").multisig
    assert stored == [
        {"name": "family 2of3", "descriptor": "wsh(sortedmulti(2,A))", "fingerprint": "73c5da0a"},
        {"name": "savings", "descriptor": "wsh(sortedmulti(2,B))"},
    ]
    assert [m["name"] for m in Vault.open(prev, PW).get("main").multisig] == ["family", "savings"]
    vault.delete_multisig("main", "savings", "savings")
    assert [m["name"] for m in Vault.open(vault_path, PW).get("main").multisig] == ["family 2of3"]
    assert [m["name"] for m in Vault.open(prev, PW).get("main").multisig] == ["family 2of3", "savings"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v.rename_multisig("main", "family", "savings"), "already registered"),
        (lambda v: v.rename_multisig("main", "family", " \t"), "cannot be empty"),
        (lambda v: v.rename_multisig("main", "family", "a\x07b"), "printable"),
        (lambda v: v.rename_multisig("main", "nope", "x"), "no multisig wallet named 'nope'"),
        (lambda v: v.rename_multisig("cold", "family", "x"), "registered for 'cold'"),
        (lambda v: v.delete_multisig("main", "family", "Family"), "does not match"),
        (lambda v: v.delete_multisig("main", "nope", "nope"), "no multisig wallet named"),
        (lambda v: v.add_multisig("main", "family", "wsh(sortedmulti(1,C))"), "already registered"),
        (lambda v: v.add_multisig("main", "", "wsh(sortedmulti(1,C))"), "cannot be empty"),
    ],
)
def test_bad_multisig_changes_are_refused_and_change_nothing(vault_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    vault = Vault.open(vault_path, PW)
    vault.add_multisig("main", "family", "wsh(sortedmulti(2,A))")
    vault.add_multisig("main", "savings", "wsh(sortedmulti(2,B))")
    prev = vault_path.with_name(vault_path.name + ".prev")
    before, prev_before = vault_path.read_bytes(), prev.read_bytes()
    with pytest.raises(VaultError, match=message):
        change(vault)
    assert vault_path.read_bytes() == before and prev.read_bytes() == prev_before
    assert [m["name"] for m in vault.get("main").multisig] == ["family", "savings"]


def test_previous_generation_is_kept(vault_path: Path) -> None:
    prev = vault_path.with_name(vault_path.name + ".prev")
    vault = Vault.open(vault_path, PW)
    vault.rename("main", "renamed")
    assert Vault.open(prev, PW).labels() == ["main", "cold"]
    assert Vault.open(vault_path, PW).labels() == ["renamed", "cold"]


def test_wrong_password(vault_path: Path) -> None:
    before = vault_path.read_bytes()
    with pytest.raises(WrongPassword, match="wrong password"):
        Vault.open(vault_path, "not it")
    assert vault_path.read_bytes() == before


@pytest.mark.parametrize("keep", [0, 5, 8, 40, 67, 68, 100, -33, -1])
def test_truncated_file(vault_path: Path, keep: int) -> None:
    blob = vault_path.read_bytes()
    vault_path.write_bytes(blob[:keep])
    with pytest.raises(VaultCorrupt, match=r"truncated|not an Airlock"):
        Vault.open(vault_path, PW)


def test_every_single_bit_flip_is_detected_as_damage(vault_path: Path) -> None:
    blob = bytearray(vault_path.read_bytes())
    for pos in range(9, len(blob)):  # bytes 0-8 are magic and version: their own errors below
        flipped = bytearray(blob)
        flipped[pos] ^= 0x10
        vault_path.write_bytes(bytes(flipped))
        with pytest.raises(VaultCorrupt):
            Vault.check_file(vault_path)
    vault_path.write_bytes(bytes(blob))
    assert Vault.open(vault_path, PW).labels() == ["main", "cold"]


def test_flipped_ciphertext_with_recomputed_checksum_fails_authentication(vault_path: Path) -> None:
    import hashlib

    blob = bytearray(vault_path.read_bytes())
    blob[100] ^= 1
    body = bytes(blob[:-32])
    vault_path.write_bytes(body + hashlib.sha256(body).digest())
    with pytest.raises(VaultCorrupt, match="authentication"):
        Vault.open(vault_path, PW)


def test_unknown_version_and_magic(vault_path: Path) -> None:
    blob = bytearray(vault_path.read_bytes())
    blob[8] = 9
    vault_path.write_bytes(bytes(blob))
    with pytest.raises(UnsupportedVersion, match="version 9"):
        Vault.open(vault_path, PW)
    blob[0:8] = b"NOTAVALT"
    vault_path.write_bytes(bytes(blob))
    with pytest.raises(VaultCorrupt, match="not an Airlock vault"):
        Vault.open(vault_path, PW)


def test_hostile_kdf_parameters_refused_before_deriving(tmp_path: Path) -> None:
    import hashlib
    import struct

    path = tmp_path / "v"
    Vault.create(path, PW, KDF)
    blob = bytearray(path.read_bytes())
    struct.pack_into(">I", blob, 10, 0xFFFFFFFF)  # 4 TiB of memory
    body = bytes(blob[:-32])
    path.write_bytes(body + hashlib.sha256(body).digest())
    with pytest.raises(VaultCorrupt, match="KDF cost"):
        Vault.open(path, PW)


@pytest.mark.parametrize(
    ("memory_kib", "iterations"),
    [
        (256 * 1024, 16),  # the old ceiling: 16x the default's work, 256 MB on a 512 MB Pi
        (256 * 1024, 1),  # too much memory even for one pass
        (128 * 1024, 8),  # each within its own bound, together four times the default's work
        (64 * 1024, 64),
    ],
)
def test_a_header_asking_more_than_twice_the_default_kdf_work_is_refused_unopened(
    tmp_path: Path, memory_kib: int, iterations: int
) -> None:
    """A hostile vault or backup must not pin the device before the password is even checked."""
    import hashlib
    import struct

    from signer.keys import backup

    for magic, path in ((b"AIRLOCKV", tmp_path / "v"), (backup.MAGIC, tmp_path / "b")):
        blob = bytearray(envelope.seal(magic, b"{}", PW, KDF))
        struct.pack_into(">II", blob, 10, memory_kib, iterations)
        body = bytes(blob[:-32])
        path.write_bytes(body + hashlib.sha256(body).digest())
        before = path.read_bytes()
        with pytest.raises(VaultCorrupt, match=r"KDF cost of \d+ MiB x \d+ passes.*nothing was tried"):
            envelope.open_sealed(magic, path.read_bytes(), PW)
        assert path.read_bytes() == before
    with pytest.raises(VaultCorrupt, match="KDF cost"):
        Vault.open(tmp_path / "v", PW)


def test_the_default_kdf_and_twice_its_work_are_accepted() -> None:
    envelope.KdfParams().check()
    envelope.KdfParams(128 * 1024, 4, 4).check()
    envelope.KdfParams(64 * 1024, 8, 4).check()


def test_missing_vault_and_create_over_existing(vault_path: Path, tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="no vault"):
        Vault.open(tmp_path / "nope", PW)
    before = vault_path.read_bytes()
    with pytest.raises(VaultError, match="refusing to overwrite"):
        Vault.create(vault_path, PW, KDF)
    assert vault_path.read_bytes() == before


def test_lock_wipes_secrets(vault_path: Path) -> None:
    vault = Vault.open(vault_path, PW)
    material = vault.get("main").material
    vault.lock()
    assert material.entropy.wiped  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="wiped"):
        material.entropy.reveal()  # type: ignore[union-attr]
    assert vault.seeds == []


def test_no_secret_in_reprs(vault_path: Path) -> None:
    vault = Vault.open(vault_path, PW)
    entry = vault.get("main")
    texts = [repr(vault), repr(entry), str(entry.material), repr(entry.material.entropy)]  # type: ignore[union-attr]
    for text in texts:
        assert "abandon" not in text and "00000000000000000000000000000000" not in text and PW not in text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    labels=st.lists(
        st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1, max_size=20),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    password=st.text(min_size=1, max_size=40),
    data=st.data(),
)
def test_property_round_trip(tmp_path: Path, labels: list[str], password: str, data: st.DataObject) -> None:
    import unicodedata

    labels = list(dict.fromkeys(unicodedata.normalize("NFC", x).strip() for x in labels if x.strip()))
    import tempfile

    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "vault"
    vault = Vault.create(path, password, KDF)
    entropies = []
    for label in labels:
        entropy = data.draw(st.sampled_from([16, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n)))
        from signer.keys.bip39 import mnemonic_from_entropy

        try:
            vault.add_seed(label, Bip39Seed.from_mnemonic(mnemonic_from_entropy(entropy)))
        except VaultError:
            continue  # two drawn entropies equal: refused as a duplicate, as it should be
        entropies.append((label, entropy))
    reopened = Vault.open(path, password)
    assert [(e.label, e.material.entropy.reveal()) for e in reopened.seeds] == entropies  # type: ignore[union-attr]


def test_create_refuses_to_bury_an_orphaned_previous_generation(vault_path: Path) -> None:
    prev = vault_path.with_name(vault_path.name + ".prev")
    kept = prev.read_bytes()
    vault_path.unlink()  # the current file is lost; the previous generation is the last copy
    with pytest.raises(VaultError, match=r"previous vault generation"):
        Vault.create(vault_path, "another password", KDF)
    assert not vault_path.exists() and prev.read_bytes() == kept
    assert Vault.open(prev, PW).labels() == ["main"]


def test_password_change_leaves_no_generation_readable_with_the_old_password(vault_path: Path) -> None:
    Vault.open(vault_path, PW).change_password(PW, "fresh password")
    prev = vault_path.with_name(vault_path.name + ".prev")
    with pytest.raises(WrongPassword):
        Vault.open(prev, PW)
    assert Vault.open(prev, "fresh password").labels() == ["main", "cold"]


def test_hostile_backup_kdf_cost_is_refused_before_deriving(vault_path: Path) -> None:
    for memory, iterations in ((512 * 1024, 1), (64, 64)):
        with pytest.raises(VaultCorrupt, match="KDF"):
            envelope.KdfParams(memory, iterations, 1).check()


@pytest.mark.parametrize(
    "secret",
    [
        {"entropy": "00" * 15},
        {"ems": "00" * 16, "identifier": 1, "extendable": True, "iteration_exponent": 40},
        {"ems": "00" * 15, "identifier": 1, "extendable": True, "iteration_exponent": 1},
        {"ems": "00" * 16, "identifier": 2**15, "extendable": True, "iteration_exponent": 1},
    ],
)
def test_out_of_range_seed_records_are_malformed(secret: dict[str, object]) -> None:
    from signer.keys.vault import SeedEntry

    kind = "bip39" if "entropy" in secret else "slip39"
    record = {"label": "x", "kind": kind, "fingerprint": "00000000", "created": "now", "secret": secret}
    with pytest.raises(ValueError):
        SeedEntry.from_json(record)


@pytest.mark.parametrize("settings", [None, "dark", [1, 2], 7])
def test_vault_settings_that_are_not_an_object_are_corrupt(tmp_path: Path, settings: object) -> None:
    """They escaped Vault.open as TypeError or ValueError (dict(None), dict("dark"))."""
    import json

    from signer.keys.vault import MAGIC

    path = tmp_path / "odd.vault"
    doc = {"format": "airlock-vault", "version": 1, "seeds": [], "settings": settings}
    path.write_bytes(envelope.seal(MAGIC, json.dumps(doc).encode(), PW, KDF))
    with pytest.raises(VaultCorrupt, match="settings are malformed"):
        Vault.open(path, PW)


def test_check_file_on_a_missing_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="no vault"):
        Vault.check_file(tmp_path / "absent")
