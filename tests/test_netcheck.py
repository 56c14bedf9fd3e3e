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


def test_cfg80211_wifi_counts_as_wireless(tmp_path: Path) -> None:
    """Current Wi-Fi drivers (the Pi's brcmfmac too) register through cfg80211, which links
    ``phy80211``; the old ``wireless`` folder exists only with the wireless extensions built in."""
    iface(tmp_path, "wlan0", "down", None)
    (tmp_path / "wlan0" / "phy80211").mkdir()
    assert netcheck.interfaces(tmp_path) == [Interface("wlan0", False, True)]


def test_exposure_tells_up_from_only_present(tmp_path: Path) -> None:
    iface(tmp_path, "lo", "unknown", "1")
    assert netcheck.exposure(netcheck.interfaces(tmp_path)) is None  # loopback only: air-gapped
    iface(tmp_path, "eth0", "down", None)
    found = netcheck.exposure(netcheck.interfaces(tmp_path))
    assert found is not None and (found.severity, found.banner) == (
        "warn",
        "Network hardware present: eth0 (down)",
    )
    iface(tmp_path, "wlan1", "dormant", "0", wireless=True)
    found = netcheck.exposure(netcheck.interfaces(tmp_path))
    assert found is not None and found.banner == "Network hardware present, down: eth0, wlan1"
    iface(tmp_path, "wlan0", "up", "1", wireless=True)
    found = netcheck.exposure(netcheck.interfaces(tmp_path))
    assert found is not None and (found.severity, found.banner) == ("danger", "NETWORK UP: wlan0")
    assert (found.up, found.down) == (("wlan0",), ("eth0", "wlan1"))
