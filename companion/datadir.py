"""The companion's data folder: owner-only, holding public wallet data and nothing secret.

``--datadir`` names it; by default it is ``$XDG_DATA_HOME/airlock-companion`` (``~/.local/share/...``).
The folder and everything in it are readable by their owner only (0700 folders, 0600 files): the
files hold no private key, but addresses, balances and node credentials are private all the same.
"""

from __future__ import annotations

import os
from pathlib import Path

from companion.errors import CompanionError

APP = "airlock-companion"


def default_datadir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP


def open_datadir(path: Path | None) -> Path:
    """The data folder, created owner-only when missing; refuses one others can read or write."""
    folder = Path(path) if path is not None else default_datadir()
    os.umask(0o077)  # BDK's sqlite files and everything else this process creates: owner only
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError as exc:
        raise CompanionError(f"cannot use the data folder {folder}: {exc.strerror}") from None
    if not folder.is_dir():
        raise CompanionError(f"the data folder {folder} is not a folder")
    if info.st_uid != os.getuid():
        raise CompanionError(f"the data folder {folder} belongs to another user")
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)
    return folder
