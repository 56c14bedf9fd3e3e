"""signer/ never imports the device layers, the companion, or anything that talks to a network."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "ui",
    "hardware",
    "companion",  # our own layers above the signer
    "web3",
    "requests",
    "urllib3",
    "httpx",
    "aiohttp",
    "websockets",
    "websocket",
    "socket",
    "ssl",
    "http",
    "urllib.request",
    "ftplib",
    "smtplib",
    "xmlrpc",
    "bdkpython",
    "bdk",
    "paramiko",
    "grpc",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def violations(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for name in imported_modules(path):
            for bad in FORBIDDEN:
                if name == bad or name.startswith(bad + "."):
                    found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_signer_imports_nothing_forbidden() -> None:
    assert violations(ROOT / "signer") == []


def test_the_scan_catches_a_forbidden_import(tmp_path: Path) -> None:
    pkg = tmp_path / "signer"
    pkg.mkdir()
    (pkg / "bad.py").write_text("import os\nfrom web3 import Web3\ndef f():\n    import ui.screens\n")
    (pkg / "sneaky.py").write_text("import importlib\nimportlib.import_module('socket')\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = violations(pkg)
    finally:
        ROOT = saved
    assert sorted(found) == [
        "signer/bad.py imports ui.screens",
        "signer/bad.py imports web3",
        "signer/sneaky.py imports socket",
    ]


@pytest.mark.skipif(
    shutil.which("lint-imports", path=str(Path(sys.executable).parent)) is None,
    reason="import-linter not installed",
)
def test_import_linter_contract() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
