#!/usr/bin/env bash
# The SD-card image's build tools (scripts/bootstrap.sh image): Debian packages, installed with apt-get
# when root, otherwise the one apt line to run; then binfmt_misc for running arm64 binaries under qemu-user.
set -euo pipefail
pkgs=(mmdebstrap qemu-user-static qemu-system-arm binfmt-support arch-test squashfs-tools dosfstools
      mtools fdisk e2fsprogs device-tree-compiler xz-utils zstd python3-venv)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bootstrap: installing ${missing[*]} with apt-get" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "bootstrap: the image build needs system packages. Run this once, then try again:" >&2
        echo "    sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
# arm64 programs run under qemu-user through binfmt_misc (not mounted in some containers)
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    if [ "$(id -u)" = 0 ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    else
        echo "bootstrap: binfmt_misc is not mounted: sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc" >&2
        exit 1
    fi
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    if [ "$(id -u)" = 0 ]; then update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || update-binfmts --enable; fi
fi
if ! arch-test arm64 >/dev/null 2>&1; then
    echo "bootstrap: this machine cannot run arm64 programs (qemu-user-static + binfmt_misc): see arch-test arm64" >&2
    exit 1
fi
