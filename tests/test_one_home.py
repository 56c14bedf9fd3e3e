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


# -- EIP-55: one implementation of the address checksum, in signer/keccak.py -----------------------

EIP55_HOME = ROOT / "signer" / "keccak.py"


def eip55_implementations(path: Path) -> list[str]:
    """Functions of ``path`` that upper-case letters by a keccak digest: what EIP-55 does."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.FunctionDef):
            continue
        upper = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "upper"
            for n in ast.walk(node)
        )
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
        if upper and any("keccak" in name.lower() for name in names):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return found


def test_the_eip55_checksum_has_one_home() -> None:
    found = [
        where
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != EIP55_HOME
        for where in eip55_implementations(path)
    ]
    assert found == []
    assert [where.split()[-1] for where in eip55_implementations(EIP55_HOME)] == ["checksum_address"]


def test_the_eip55_scan_finds_a_second_home(tmp_path: Path) -> None:
    global ROOT
    module = tmp_path / "stray.py"
    module.write_text(
        "from Crypto.Hash import keccak\n"
        "def mine(h: str) -> str:\n"
        "    d = keccak.new(digest_bits=256, data=h.encode()).hexdigest()\n"
        "    return ''.join(c.upper() if int(x, 16) >= 8 else c for c, x in zip(h, d))\n"
        "def shout(h: str) -> str:\n"
        "    return h.upper()\n"
    )
    saved, ROOT = ROOT, tmp_path
    try:
        assert eip55_implementations(module) == ["stray.py:2 mine"]
    finally:
        ROOT = saved


# EIP-55's own examples (all caps, all lower, mixed)
EIP55_EXAMPLES = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
]


def test_the_three_names_of_the_checksum_agree_on_eip55s_examples() -> None:
    from signer.eth.primitives import checksum
    from signer.keccak import checksum_address
    from signer.keys.accounts import checksum_address as accounts_checksum
    from signer.transport.addresses import eth_checksum_address

    for address in EIP55_EXAMPLES:
        raw = bytes.fromhex(address[2:])
        assert checksum_address(raw) == checksum(raw) == accounts_checksum(raw) == address
        assert eth_checksum_address(address[2:].lower()) == address
