"""Running ``airlock-companion`` in the tests: in-process through its ``main``, output captured."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from companion.cli import main


@dataclass
class Run:
    status: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.status == 0, self.err
        return json.loads(self.out)


def run(capsys: pytest.CaptureFixture[str], datadir: Path, *args: str) -> Run:
    capsys.readouterr()
    status = main(["--datadir", str(datadir), *args])
    captured = capsys.readouterr()
    return Run(status, captured.out, captured.err)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: equal snapshots mean nothing changed."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
