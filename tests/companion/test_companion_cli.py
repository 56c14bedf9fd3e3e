"""``airlock-companion`` without a node: the data folder, and errors that are one line and change nothing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from companion_cli import run, snapshot
from device_exports import json_export, ur_export

NODE = "cbf://127.0.0.1:18444"


def imp(name: str = "x", node: str = NODE, network: str = "regtest", export: str = "EXPORT") -> list[str]:
    """``btc import`` arguments; EXPORT and MISSING stand for the test's export file and a missing one."""
    return ["btc", "import", name, export, "--network", network, "--node", node]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "account.txt"
    path.write_text(ur_export())
    return path


def test_import_makes_an_owner_only_wallet_without_private_keys(
    tmp_path: Path, export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    result = run(capsys, data, *imp("savings", export=str(export)))
    assert result.status == 0, result.err
    assert result.out == "imported savings: m/84h/1h/0h on regtest (from ur:crypto-account)\n"
    paths = [data, *data.rglob("*")]
    assert {p.name for p in paths} >= {"wallet.json", "wallet.sqlite"}
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode)}"
    for content in snapshot(data).values():
        assert b"prv" not in content  # tprv / xprv: the companion never holds a private key


def test_address_before_any_sync_is_the_first_and_says_so(
    tmp_path: Path, export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from device_exports import account

    data = tmp_path / "data"
    run(capsys, data, *imp("w", export=str(export)))
    result = run(capsys, data, "btc", "address", "w", "--json")
    assert result.json() == {"address": account().address(0, 0), "index": 0, "path": "m/84h/1h/0h/0/0"}
    assert "never synced" in result.err
    again = run(capsys, data, "btc", "address", "w")
    assert again.out.strip() == account().address(0, 0)  # not used yet: the same address


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["btc", "balance", "nosuch"], "no wallet named nosuch (wallets: w)"),
        (["btc", "sync", "nosuch"], "no wallet named nosuch"),
        (["btc", "address", "nosuch", "--json"], "no wallet named nosuch"),
        (["btc", "balance", "w"], "w was never synced: run `airlock-companion btc sync w`"),
        (imp("w"), "a wallet named w already exists"),
        (imp(network="main"), "for a test network, not main"),
        (imp(node="http://h:1"), "must be one of cbf://"),
        (imp(node="esplora+http://example.com"), "esplora+http:// is only for a server on this computer"),
        (imp(node="cbf://h"), "needs a host and a port"),
        (imp(node="cbf://h:99999"), "port is not a number"),
        (imp(node="bitcoind://h:8332"), "needs its RPC user and password"),
        (imp("../x"), "is not allowed"),
        (imp(export="MISSING"), "cannot read"),
        (imp(network="regnet"), "invalid choice"),
        (["btc", "frobnicate"], "invalid choice"),
    ],
)  # fmt: skip
def test_errors_are_one_line_and_change_nothing(
    tmp_path: Path, export: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    data = tmp_path / "data"
    assert run(capsys, data, *imp("w", export=str(export))).status == 0
    before = snapshot(data)
    files = {"EXPORT": str(export), "MISSING": str(tmp_path / "missing")}
    args = [files.get(a, a) for a in args]
    result = run(capsys, data, *args)
    assert result.status != 0
    assert result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith("airlock-companion: error: ")
    assert message in result.err
    assert snapshot(data) == before


def test_json_export_imports_and_a_failed_import_leaves_no_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json_export("btc-86"))
    bad.write_text(json_export("btc-86", network="test"))
    failed = run(capsys, data, *imp("tr", export=str(bad)))
    assert failed.status == 1 and "for the test network, not regtest" in failed.err
    assert not (data / "btc" / "tr").exists()
    assert run(capsys, data, *imp("tr", export=str(good))).status == 0
    assert list((data / "btc").iterdir()) == [data / "btc" / "tr"]  # no temporary folder left


def test_console_script_exit_status_and_stderr(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("airlock-companion")
    if not script.exists():
        pytest.skip("airlock-companion is not installed in this environment (pip install -e .)")
    result = subprocess.run(
        [str(script), "--datadir", str(tmp_path / "d"), "btc", "balance", "nosuch"],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "airlock-companion: error: no wallet named nosuch (wallets: none yet)\n"
