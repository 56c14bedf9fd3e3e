"""The air-gap check: every non-loopback interface is reported, present or up (read from sysfs)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from signer import netcheck
from signer.netcheck import Interface


def iface(root: Path, name: str, state: str, carrier: str | None, wireless: bool = False) -> None:
    folder = root / name
    folder.mkdir()
    (folder / "operstate").write_text(state + "\n")
    if carrier is not None:
        (folder / "carrier").write_text(carrier + "\n")
    if wireless:
        (folder / "wireless").mkdir()


def test_interfaces_present_and_up(tmp_path: Path) -> None:
    iface(tmp_path, "lo", "unknown", "1")
    iface(tmp_path, "eth0", "down", None)
    iface(tmp_path, "wlan0", "up", "1", wireless=True)
    iface(tmp_path, "usb0", "unknown", "1")
    iface(tmp_path, "wlan1", "dormant", "0", wireless=True)
    assert netcheck.interfaces(tmp_path) == [
        Interface("eth0", False, False),
        Interface("usb0", True, False),
        Interface("wlan0", True, True),
        Interface("wlan1", False, True),
    ]
    assert netcheck.interfaces(tmp_path / "missing") == []


def test_warning_only_when_one_is_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    iface(tmp_path, "eth0", "down", None)
    monkeypatch.setattr(netcheck, "SYS_NET", tmp_path)
    out = io.StringIO()
    assert not netcheck.warn_if_online(out) and out.getvalue() == ""
    iface(tmp_path, "wlan0", "up", "1", wireless=True)
    assert netcheck.warn_if_online(out)
    assert "WARNING: network interfaces are up (wlan0 (up, wireless))" in out.getvalue()
