"""What the About screen shows: the version and a fingerprint of the code that is running."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from signer.risk.library import builtin_library

PACKAGES = ("signer", "ui", "hardware")


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("airlock")
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def code_fingerprint(packages: tuple[str, ...] = PACKAGES) -> str:
    """SHA-256 over the installed packages' .py files: each file's path (relative to its package's
    parent) and contents, in sorted order. Compare it with the published value of a release."""
    import importlib.util

    digest = hashlib.sha256()
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        root = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(root.parent).as_posix()
            digest.update(relative.encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def risk_library_version() -> str:
    """Version and date of the risk address-tag library the device uses."""
    try:
        library = builtin_library()
        return f"v{library.version}, {library.created[:10]}"
    except Exception:  # a missing or broken library must not break the About screen
        return "not available"
