"""Is this machine air-gapped? Lists network interfaces other than loopback (read from sysfs,
no sockets), so commands that show secrets can warn, and the device can show a banner."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from signer.review import Severity

SYS_NET = Path("/sys/class/net")


@dataclass(frozen=True)
class Interface:
    name: str
    up: bool
    wireless: bool


def interfaces(sys_net: Path | None = None) -> list[Interface]:
    """Every non-loopback interface, present or up (an air-gapped device should have none). Wi-Fi
    shows as ``wireless`` (the old wireless extensions) or ``phy80211`` (cfg80211, every current
    driver, including the Pi's brcmfmac)."""
    found = []
    try:
        entries = sorted((sys_net or SYS_NET).iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.name == "lo":
            continue
        try:
            state = (entry / "operstate").read_text().strip()
        except OSError:
            state = "unknown"
        try:
            carrier = (entry / "carrier").read_text().strip() == "1"
        except OSError:
            carrier = False
        wireless = (entry / "wireless").exists() or (entry / "phy80211").exists()
        found.append(Interface(entry.name, state == "up" or carrier, wireless))
    return found


@dataclass(frozen=True)
class Exposure:
    """What the interfaces mean for an air-gapped signer. One that is up connects it (danger);
    hardware that is present but down is not connected now, but could be brought up (a warning)."""

    up: tuple[str, ...]
    down: tuple[str, ...]

    @property
    def severity(self) -> Severity:
        return Severity.DANGER if self.up else Severity.WARN

    @property
    def banner(self) -> str:
        """One short line for the top of the device's menus: only what is up, when anything is."""
        if self.up:
            return f"NETWORK UP: {', '.join(self.up)}"
        if len(self.down) == 1:
            return f"Network hardware present: {self.down[0]} (down)"
        return f"Network hardware present, down: {', '.join(self.down)}"


def exposure(ifaces: list[Interface]) -> Exposure | None:
    """None when there is no network interface at all (as an air-gapped signer should be)."""
    if not ifaces:
        return None
    return Exposure(tuple(i.name for i in ifaces if i.up), tuple(i.name for i in ifaces if not i.up))


def describe(ifaces: list[Interface]) -> str:
    return ", ".join(
        f"{i.name} ({'up' if i.up else 'down'}{', wireless' if i.wireless else ''})" for i in ifaces
    )


def warn_if_online(stream: TextIO | None = None) -> bool:
    """Print a warning (to stderr) when any non-loopback interface is up; True if one is."""
    up = [i for i in interfaces() if i.up]
    if up:
        print(
            f"WARNING: network interfaces are up ({describe(up)}). "
            "Secrets shown on a connected machine may leak; use an offline machine.",
            file=stream or sys.stderr,
        )
    return bool(up)
