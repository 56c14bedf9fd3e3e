"""The vault's storage is checked before any vault is created or opened: on the image the vault must be
on its own persistent, writable partition, never in RAM or on the read-only root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from signer.keys.vault_storage import mount_of, parse_mountinfo, storage_problem

ROOT_SQUASHFS = "22 1 179:2 / / ro,relatime shared:1 - squashfs /dev/mmcblk0p2 ro,errors=continue\n"


def mountinfo_with(folder: Path, fstype: str, options: str = "rw,nosuid,nodev,noexec") -> str:
    point = str(folder).replace(" ", "\\040")
    vault = f"40 22 179:3 / {point} {options} shared:20 - {fstype} /dev/mmcblk0p3 rw,data=journal\n"
    return ROOT_SQUASHFS + vault


def test_mountinfo_is_read_with_its_escapes_and_the_deepest_mount_wins() -> None:
    mounts = parse_mountinfo(mountinfo_with(Path("/var/lib/air lock"), "ext4"))
    assert [(m.point, m.fstype, m.read_only) for m in mounts] == [
        ("/", "squashfs", True),
        ("/var/lib/air lock", "ext4", False),
    ]
    assert mount_of(Path("/var/lib/air lock"), mounts) == mounts[1]
    assert mount_of(Path("/var/lib"), mounts) == mounts[0]
    assert mount_of(Path("/var/lib/air lockx"), mounts) == mounts[0]  # a prefix of the name is not inside


def test_the_vault_partition_mounted_read_write_can_keep_a_vault(tmp_path: Path) -> None:
    assert storage_problem(tmp_path, own_partition=True, mountinfo=mountinfo_with(tmp_path, "ext4")) is None


def test_a_missing_vault_partition_is_reported_not_papered_over(tmp_path: Path) -> None:
    # the folder exists (the empty mount point on the root), but nothing is mounted there
    problem = storage_problem(tmp_path, own_partition=True, mountinfo=ROOT_SQUASHFS)
    assert problem == f"the vault partition is not mounted at {tmp_path}"


@pytest.mark.parametrize("fstype", ["tmpfs", "ramfs"])
def test_a_vault_folder_in_ram_is_refused(tmp_path: Path, fstype: str) -> None:
    problem = storage_problem(tmp_path, own_partition=True, mountinfo=mountinfo_with(tmp_path, fstype))
    assert problem is not None and f"in memory ({fstype})" in problem and "lost at power-off" in problem


def test_a_read_only_vault_partition_is_refused(tmp_path: Path) -> None:
    info = mountinfo_with(tmp_path, "ext4", options="ro,nosuid,nodev,noexec")
    assert storage_problem(tmp_path, own_partition=True, mountinfo=info) == (
        f"the vault partition at {tmp_path} is read-only"
    )


def test_the_running_system_is_read_when_no_mountinfo_is_given(tmp_path: Path) -> None:
    # tmp_path is a folder on this machine's disk, not a mount of its own
    problem = storage_problem(tmp_path, own_partition=True)
    assert problem == f"the vault partition is not mounted at {tmp_path}"


def test_anywhere_the_folder_must_exist_and_be_a_folder(tmp_path: Path) -> None:
    assert storage_problem(tmp_path) is None
    assert storage_problem(tmp_path / "nope") == f"the vault folder {tmp_path / 'nope'} does not exist"
    (tmp_path / "file").write_bytes(b"")
    assert storage_problem(tmp_path / "file") == f"{tmp_path / 'file'} is not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder: run as a user to check this")
def test_a_folder_this_user_cannot_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    try:
        assert storage_problem(folder) == f"the vault folder {folder} cannot be written to"
    finally:
        folder.chmod(0o700)
