"""Access to the public test vectors in ../shared/vectors (see its README for provenance).

Tests that read them skip with a clear reason when ../shared is absent; every test module
also embeds a few key vectors so the suite still means something on its own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
VECTORS = Path(os.environ.get("AIRLOCK_SHARED", ROOT.parent / "shared")) / "vectors"


def path(rel: str) -> Path | None:
    p = VECTORS / rel
    return p if p.exists() else None


def load_json(rel: str) -> Any:
    p = path(rel)
    if p is None:
        pytest.skip(
            f"shared vectors not found at {VECTORS / rel} (../shared absent); embedded vectors still run"
        )
    return json.loads(p.read_text())


def cases(rel: str, extract: Callable[[Any], Iterable[tuple[str, Any]]]) -> list[Any]:
    """pytest params, one per vector, ids from ``extract``; a single skipped param when absent."""
    p = path(rel)
    if p is None:
        reason = f"shared vectors not found at {VECTORS / rel} (../shared absent); embedded vectors still run"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="shared-absent")]
    data = json.loads(p.read_text()) if p.suffix == ".json" else p.read_text()
    return [pytest.param(case, id=str(case_id)) for case_id, case in extract(data)]
