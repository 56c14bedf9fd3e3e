"""Is this machine air-gapped? Lists network interfaces other than loopback (read from sysfs,
no sockets), so commands that show secrets can warn, and the device can show a banner."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

SYS_NET = Path("/sys/class/net")


@dataclass(frozen=True)
class Interface:
    name: str
    up: bool
    wireless: bool


def interfaces(sys_net: Path | None = None) -> list[Interface]:
    """Every non-loopback interface, present or up (an air-gapped device should have none)."""
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
        found.append(Interface(entry.name, state == "up" or carrier, (entry / "wireless").exists()))
    return found


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
