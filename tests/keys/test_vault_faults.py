"""Fault injection: a save that fails or is killed at any step leaves a vault that opens as
either the old or the new contents (and a usable previous generation)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ABANDON, ZOO24

from signer import atomic_file
from signer.keys import envelope
from signer.keys.seed import Bip39Seed
from signer.keys.vault import Vault

PW = "pw for faults"
OLD, NEW = ["main", "cold"], ["renamed", "cold"]


class SimulatedCrash(BaseException):
    """Not an Exception: cleanup handlers do not run, as when power is cut."""


@pytest.fixture
def vault_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "vault.airlock"
    vault = Vault.create(path, PW, envelope.TEST_KDF)
    vault.add_seed("main", Bip39Seed.from_mnemonic(ABANDON))
    vault.add_seed("cold", Bip39Seed.from_mnemonic(ZOO24))
    vault.lock()
    yield path
    atomic_file.FAULT_HOOK = None


def _steps_of_a_save(vault_path: Path) -> list[str]:
    steps: list[str] = []
    atomic_file.FAULT_HOOK = steps.append
    try:
        Vault.open(vault_path, PW).rename("main", "probe")
        Vault.open(vault_path, PW).rename("probe", "main")
    finally:
        atomic_file.FAULT_HOOK = None
    return steps[: len(steps) // 2]


def _fail_at(k: int, exc: BaseException) -> None:
    counter = {"n": 0}

    def hook(step: str) -> None:
        if counter["n"] == k:
            raise exc
        counter["n"] += 1

    atomic_file.FAULT_HOOK = hook


def test_a_save_has_the_expected_steps(vault_path: Path) -> None:
    steps = _steps_of_a_save(vault_path)
    # previous generation first, then the vault itself; each: temp, write, fsync, rename, fsync dir
    assert steps == ["open-temp", "write", "fsync-file", "rename", "fsync-dir"] * 2


@pytest.mark.parametrize("kind", ["error", "crash"])
def test_failure_at_every_step(vault_path: Path, kind: str) -> None:
    n_steps = len(_steps_of_a_save(vault_path))
    for k in range(n_steps):
        vault = Vault.open(vault_path, PW)
        current = vault.labels()
        target = "renamed" if current[0] == "main" else "main"
        exc: BaseException = OSError(28, "No space left on device") if kind == "error" else SimulatedCrash()
        _fail_at(k, exc)
        with pytest.raises(type(exc)):
            vault.rename(current[0], target)
        atomic_file.FAULT_HOOK = None
        after = Vault.open(vault_path, PW).labels()
        assert after in (OLD, NEW), f"step {k}: vault holds {after}"
        if k < n_steps - 1:  # until the final rename ran, nothing changed
            assert after == current, f"step {k}"
            if kind == "error":
                assert vault.labels() == current  # the in-memory state was rolled back too
        # the previous generation is always a complete vault
        assert len(Vault.open(vault_path.with_name(vault_path.name + ".prev"), PW).labels()) == 2
    # and after all that, saving still works
    vault = Vault.open(vault_path, PW)
    vault.rename(vault.labels()[0], "final")
    assert Vault.open(vault_path, PW).labels()[0] == "final"


KILL_SCRIPT = textwrap.dedent("""
    import os, sys
    from signer import atomic_file
    from signer.keys.vault import Vault
    k = int(sys.argv[2]); seen = [0]
    def hook(step):
        if seen[0] == k:
            os._exit(137)
        seen[0] += 1
    vault = Vault.open(sys.argv[1], "pw for faults")
    atomic_file.FAULT_HOOK = hook
    vault.rename("main", "renamed")
    os._exit(0)
""")


def test_killed_process_at_every_step(vault_path: Path) -> None:
    n_steps = len(_steps_of_a_save(vault_path))
    for k in range(n_steps + 1):
        if Vault.open(vault_path, PW).labels() != OLD:
            Vault.open(vault_path, PW).rename("renamed", "main")
        result = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(vault_path), str(k)], timeout=60)
        assert result.returncode == (137 if k < n_steps else 0)
        after = Vault.open(vault_path, PW).labels()
        assert after == (OLD if k < n_steps - 1 else NEW), f"killed before step {k}: {after}"


def test_a_planted_temp_symlink_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"not yours")
    victim.chmod(0o644)
    (tmp_path / ".vault.airlock.tmp").symlink_to(victim)
    atomic_file.atomic_write(tmp_path / "vault.airlock", b"secret bytes")
    target = tmp_path / "vault.airlock"
    assert victim.read_bytes() == b"not yours"
    assert not target.is_symlink() and target.read_bytes() == b"secret bytes"
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_stale_world_readable_temp_file_does_not_lend_its_mode(tmp_path: Path) -> None:
    stale = tmp_path / ".vault.airlock.tmp"
    stale.write_bytes(b"half a vault from a crash")
    stale.chmod(0o644)
    atomic_file.atomic_write(tmp_path / "vault.airlock", b"secret bytes")
    assert (tmp_path / "vault.airlock").stat().st_mode & 0o777 == 0o600
    assert not stale.exists()


def test_a_failed_save_rolls_back_the_same_entry_objects(vault_path: Path) -> None:
    vault = Vault.open(vault_path, PW)
    entry = vault.get("main")
    _fail_at(0, OSError(28, "No space left on device"))
    with pytest.raises(OSError):
        vault.set_history("main", {"eth": ["0x1"]})
    atomic_file.FAULT_HOOK = None
    assert vault.get("main") is entry and entry.history == {}  # same object, old value
    vault.lock()
    assert entry.material.entropy.wiped  # type: ignore[union-attr]  # lock still reaches its secret


@pytest.mark.parametrize("change", ["rename", "delete"])
def test_a_failed_multisig_save_changes_nothing_on_disk_or_in_memory(vault_path: Path, change: str) -> None:
    vault = Vault.open(vault_path, PW)
    vault.add_multisig("main", "family", "wsh(sortedmulti(2,A))")
    n_steps = len(_steps_of_a_save(vault_path))
    before = vault_path.read_bytes()
    for k in range(n_steps - 1):  # every step before the final rename
        vault = Vault.open(vault_path, PW)
        _fail_at(k, OSError(28, "No space left on device"))
        with pytest.raises(OSError):
            if change == "rename":
                vault.rename_multisig("main", "family", "renamed")
            else:
                vault.delete_multisig("main", "family", "family")
        atomic_file.FAULT_HOOK = None
        assert vault.get("main").multisig == [{"name": "family", "descriptor": "wsh(sortedmulti(2,A))"}]
        assert vault_path.read_bytes() == before, f"step {k}"
