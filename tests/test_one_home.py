"""Each closed vocabulary and constant of a derivation path is defined once, in signer/derivation.py:
no module writes the hardened offset or the list of Bitcoin networks again."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "signer" / "derivation.py"
PACKAGES = ("signer", "ui", "hardware", "app", "bench")
HARDENED = 0x80000000
NETWORKS = {"main", "test", "signet", "regtest"}


def _writes_hardened(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return type(node.value) is int and node.value == HARDENED
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.right, ast.Constant)
        and (node.left.value, type(node.op), node.right.value) in ((2, ast.Pow, 31), (1, ast.LShift, 31))
    )


def redefinitions(path: Path) -> list[str]:
    """Where ``path`` writes the hardened offset (0x80000000, 2**31, 1 << 31) or lists the networks."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if _writes_hardened(node):
            found.append((node.lineno, "writes the hardened offset"))
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            names = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if names >= NETWORKS:
                found.append((node.lineno, "lists the Bitcoin networks"))
    return [f"{path.relative_to(ROOT)}:{line} {what}" for line, what in sorted(found)]


def test_the_hardened_offset_and_the_networks_have_one_home() -> None:
    found = [
        where
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != HOME
        for where in redefinitions(path)
    ]
    assert found == []


def test_the_scan_finds_a_second_home(tmp_path: Path) -> None:
    global ROOT
    module = tmp_path / "stray.py"
    module.write_text(
        "H = 0x80000000\n"
        "MAX = 2**31 - 1\n"
        'NAMES = ("main", "test", "signet", "regtest")\n'
        'OK = ("main", "test")\n'
    )
    saved, ROOT = ROOT, tmp_path
    try:
        found = redefinitions(module)
    finally:
        ROOT = saved
    assert found == [
        "stray.py:1 writes the hardened offset",
        "stray.py:2 writes the hardened offset",
        "stray.py:3 lists the Bitcoin networks",
    ]


def test_the_home_defines_them() -> None:
    from signer.derivation import HARDENED as defined
    from signer.derivation import NETWORK_NAMES

    assert defined == HARDENED and set(NETWORK_NAMES) == NETWORKS
    assert len(redefinitions(HOME)) == 1  # the one definition
