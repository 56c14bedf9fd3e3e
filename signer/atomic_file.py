"""Crash-safe file replacement: temp file, fsync, rename, fsync of the directory.

At every instant the target path holds either the complete old contents or the complete new
ones. ``FAULT_HOOK`` lets tests fail or "kill" the write before any step (fault injection).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

# Called with the name of each step just before it runs; tests raise from it.
FAULT_HOOK: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if FAULT_HOOK is not None:
        FAULT_HOOK(name)


def fsync_dir(directory: Path) -> None:
    _step("fsync-dir")
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably (owner-only permissions)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    _step("open-temp")
    # A leftover temp file (or a planted symlink) is removed, never reused: O_EXCL | O_NOFOLLOW make
    # sure the bytes go into a fresh file of our own with exactly ``mode``, not through a link.
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            _step("write")
            written = os.write(fd, view[: 1 << 16])
            view = view[written:]
        _step("fsync-file")
        os.fsync(fd)
    except Exception:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        _step("rename")
        os.replace(tmp, path)
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
