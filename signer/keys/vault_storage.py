"""Can the vault's folder keep a vault across a power cut? Said before any vault is created or opened.

On the Airlock image the vault lives on its own ext4 partition mounted at ``/var/lib/airlock``. If that
partition is missing or cannot be mounted, the folder is the empty, read-only directory of the squashfs
root; were it ever writable but in RAM (a tmpfs), a vault saved there would vanish at power-off while the
device said it was saved. The device app asks :func:`storage_problem` first and, when there is a
problem, says "vault storage unavailable" with the reason instead of offering to create or open a vault.

Everywhere: the folder must exist (or be creatable) and be writable. With ``own_partition`` (the image's
unit sets ``AIRLOCK_VAULT_STORAGE=partition``) the folder must also be a mount point of its own, of a
filesystem that keeps data (not tmpfs/ramfs), mounted read-write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MOUNTINFO = Path("/proc/self/mountinfo")
# filesystems that live in memory: whatever is written there is gone at power-off
VOLATILE_FILESYSTEMS = frozenset({"tmpfs", "ramfs", "devtmpfs", "rootfs"})
# the value of AIRLOCK_VAULT_STORAGE that asks for a partition of the vault's own
OWN_PARTITION = "partition"


@dataclass(frozen=True)
class Mount:
    point: str
    fstype: str
    read_only: bool


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes (\\040 ...)."""
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and code.isdigit():
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts of a ``/proc/<pid>/mountinfo`` text, in order (a later mount hides an earlier one)."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        dash = fields.index("-")
        if dash < 6 or len(fields) < dash + 3:
            continue
        options = fields[5].split(",")  # the mount's own options, then the filesystem's (super) options
        if len(fields) > dash + 3:
            options += fields[dash + 3].split(",")
        mounts.append(Mount(_unescape(fields[4]), fields[dash + 1], "ro" in options))
    return mounts


def mount_of(folder: Path, mounts: list[Mount]) -> Mount | None:
    """The mount that holds ``folder``: the last-mounted one with the longest matching point."""
    path = os.path.realpath(folder)
    best: Mount | None = None
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        inside = path == point or path.startswith(point + "/") or point == "/"
        if inside and (best is None or len(point) >= len(best.point.rstrip("/") or "/")):
            best = mount
    return best


def storage_problem(folder: Path, *, own_partition: bool = False, mountinfo: str | None = None) -> str | None:
    """None when ``folder`` can keep a vault; else why not, as one line for the screen.

    ``mountinfo`` is the text of ``/proc/self/mountinfo`` (read when None and ``own_partition``)."""
    folder = Path(folder)
    if own_partition:
        if mountinfo is None:
            try:
                mountinfo = MOUNTINFO.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                return f"cannot tell where {folder} is stored ({exc.strerror})"
        mount = mount_of(folder, parse_mountinfo(mountinfo))
        if mount is None or (mount.point.rstrip("/") or "/") != os.path.realpath(folder):
            return f"the vault partition is not mounted at {folder}"
        if mount.fstype in VOLATILE_FILESYSTEMS:
            return f"{folder} is in memory ({mount.fstype}): a vault there would be lost at power-off"
        if mount.read_only:
            return f"the vault partition at {folder} is read-only"
    if not folder.exists():
        return f"the vault folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the vault folder {folder} cannot be written to"
    return None
