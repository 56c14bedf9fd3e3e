"""The image recipe's files agree with each other and parse: the boot config and kernel command line,
the partition ids, fstab and the unit, the overlays (compiled with dtc when it is installed), the pinned
wheels, the no-radio lists. The image itself is built and boot-tested by `make image-test`."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
IMAGE = ROOT / "image"
BUILD = IMAGE / "build"
ROOTFS = IMAGE / "rootfs"


def shell_var(name: str) -> str:
    match = re.search(rf"^{name}=(\S+)$", (BUILD / "common.sh").read_text(), re.M)
    assert match, name
    return match.group(1)


def config_txt() -> list[tuple[str, str]]:
    pairs = []
    for line in (IMAGE / "boot" / "config.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or re.fullmatch(r"\[[a-z0-9]+\]", line):
            continue
        if line.startswith("initramfs "):
            pairs.append(("initramfs", line.split(None, 1)[1]))
            continue
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[a-z_0-9]+", key), f"not a config.txt setting: {line!r}"
        pairs.append((key, value))
    return pairs


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((IMAGE / "airlock.service").read_text())
    return parser


def test_config_txt_boots_debians_kernel_with_our_overlays() -> None:
    settings = config_txt()
    assert ("arm_64bit", "1") in settings and ("upstream_kernel", "1") in settings
    assert ("kernel", "vmlinuz") in settings and ("initramfs", "initrd.img followkernel") in settings
    assert ("device_tree", "bcm2837-rpi-zero-2-w.dtb") in settings
    overlays = [value for key, value in settings if key == "dtoverlay"]
    assert overlays == ["airlock-no-radios", "airlock-spi0"]
    for name in overlays:
        assert (IMAGE / "overlays" / f"{name}.dts").is_file()


def test_the_command_line_fstab_and_build_name_the_same_partitions() -> None:
    disk = shell_var("DISK_ID")
    cmdline = (IMAGE / "boot" / "cmdline.txt").read_text()
    assert cmdline.count("\n") == 1 and cmdline.endswith("\n")  # the firmware reads one line
    args = cmdline.split()
    assert f"root=PARTUUID={disk}-02" in args and "ro" in args and "rootfstype=squashfs" in args
    assert not any(a.startswith(("init=", "rw")) for a in args)
    fstab = [
        line.split()
        for line in (ROOTFS / "etc" / "fstab").read_text().splitlines()
        if line and line[0] != "#"
    ]
    mounts = {fields[1]: fields for fields in fstab}
    vault = mounts["/var/lib/airlock"]
    assert vault[0] == f"PARTUUID={disk}-03" and vault[2] == "ext4"
    options = vault[3].split(",")
    assert {"nosuid", "nodev", "noexec", "data=journal", "nofail"} <= set(options)
    assert not any(fields[2] == "swap" for fields in fstab)
    assert all(mounts[p][2] == "tmpfs" for p in ("/tmp", "/var/tmp", "/var/log"))


def test_the_unit_runs_as_airlock_after_the_vault_mount_without_network() -> None:
    service = unit()
    assert service["Service"]["User"] == "airlock" and service["Service"]["PrivateNetwork"] == "yes"
    assert "var-lib-airlock.mount" in service["Unit"]["After"].split()
    assert "var-lib-airlock.mount" in service["Unit"]["Wants"].split()
    text = (IMAGE / "airlock.service").read_text()
    assert "Environment=AIRLOCK_VAULT=/var/lib/airlock/vault.airlock" in text
    assert "Environment=PYTHONDONTWRITEBYTECODE=1" in text
    assert "Environment=LG_WD=/tmp" in text  # lgpio cannot make its pipe in the read-only /
    # every supplementary group exists in the image: the recipe makes spi and gpio, Debian has the others
    customize = (BUILD / "customize-base.sh").read_text()
    for group in service["Service"]["SupplementaryGroups"].split():
        assert (
            group in ("video", "dialout") or f"--gid {shell_var(group.upper() + '_GID')} {group}" in customize
        )
    rules = (ROOTFS / "etc" / "udev" / "rules.d" / "60-airlock.rules").read_text()
    assert 'GROUP="spi"' in rules and 'GROUP="gpio"' in rules


def test_every_device_dependency_is_pinned_by_sha256() -> None:
    text = (BUILD / "wheels-arm64.txt").read_text() + (BUILD / "sources-arm64.txt").read_text()
    pins = dict(re.findall(r"^([a-z0-9-]+)==(\S+) \\\n\s+--hash=sha256:[0-9a-f]{64}$", text, re.M))
    names = re.findall(r"^([A-Za-z0-9_.-]+)==", text, re.M)
    assert len(names) == len(pins) == len(set(names))  # every line pinned, once, with its hash
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["pi"]]
    for requirement in wanted:
        name = re.split(r"[<>=;\[ ]", requirement)[0].lower().replace("_", "-")
        if name == "spidev":
            continue  # Debian's python3-spidev, seen through --system-site-packages
        assert name in pins, f"{name} is a device dependency without a pinned wheel or sdist"
    assert "lgpio" in pins and pins["lgpio"].startswith("0.2")  # never PyPI's empty 0.0.0.2 placeholder
    assert "setuptools" not in pins


def test_the_radio_drivers_are_refused_and_the_self_test_looks_for_them() -> None:
    conf = (ROOTFS / "etc" / "modprobe.d" / "airlock-no-radios.conf").read_text()
    refused = set(re.findall(r"^install (\S+) /bin/false$", conf, re.M))
    assert {
        "brcmfmac",
        "cfg80211",
        "bluetooth",
        "hci_uart",
        "lan78xx",
        "smsc95xx",
        "bcmgenet",
        "u_ether",
    } <= refused
    image_sh = (BUILD / "image.sh").read_text()
    for folder in ("drivers/net", "drivers/bluetooth", "net/wireless", "net/mac80211", "net/bluetooth"):
        assert f'"$k/{folder}"' in image_sh
    selftest = (ROOTFS / "usr" / "lib" / "airlock" / "selftest.sh").read_text()
    assert "/sys/class/net" in selftest and "/proc/swaps" in selftest and "say \"PASS\"" in selftest


def test_the_initramfs_carries_only_the_listed_modules() -> None:
    conf = (BUILD / "base-overlay" / "etc" / "initramfs-tools" / "conf.d" / "airlock.conf").read_text()
    assert "MODULES=list" in conf
    modules = (BUILD / "base-overlay" / "etc" / "initramfs-tools" / "modules").read_text().split()
    listed = [m for m in modules if not m.startswith("#")]
    assert "squashfs" in listed and not any("net" in m or "wl" in m or "bt" in m for m in listed)


@pytest.mark.parametrize(
    "script", [*sorted(p.name for p in BUILD.glob("*.sh")), "selftest.sh", "bootstrap-image.sh"]
)
def test_the_recipe_scripts_parse(script: str) -> None:
    path = {
        "selftest.sh": ROOTFS / "usr" / "lib" / "airlock" / "selftest.sh",
        "bootstrap-image.sh": ROOT / "scripts" / "bootstrap-image.sh",
    }.get(script, BUILD / script)
    shell = "sh" if path.read_text().startswith("#!/bin/sh") else "bash"
    assert subprocess.run([shell, "-n", str(path)], capture_output=True).returncode == 0


@pytest.mark.skipif(
    shutil.which("dtc") is None, reason="dtc is not installed (apt-get install device-tree-compiler)"
)
@pytest.mark.parametrize("overlay", sorted(p.name for p in (IMAGE / "overlays").glob("*.dts")))
def test_the_overlays_compile(overlay: str, tmp_path: Path) -> None:
    out = tmp_path / "o.dtbo"
    result = subprocess.run(
        ["dtc", "-q", "-@", "-I", "dts", "-O", "dtb", "-o", str(out), str(IMAGE / "overlays" / overlay)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # an overlay: its fragments name labels of the base tree, resolved by the firmware at boot
    assert b"__fixups__" in out.read_bytes() and b"__overlay__" in out.read_bytes()
