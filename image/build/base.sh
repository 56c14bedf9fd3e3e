#!/usr/bin/env bash
# The base root filesystem (slow, cached): Debian trixie arm64 with the kernel, the Pi firmware and the
# device's third-party Python dependencies in /opt/airlock/.venv, built by mmdebstrap under qemu-user.
# Prints the path of the cached tarball, keyed on this recipe and its pinned inputs.
source "$(dirname "$0")/common.sh"
# every file that shapes the base: a change to any of them builds a new one
BASE_INPUTS=(image/build/base.sh image/build/customize-base.sh image/build/base-overlay image/build/wheels.sh
             image/build/wheels-arm64.txt image/build/sources-arm64.txt)
PACKAGES=(systemd-sysv udev kmod python3 python3-venv python3-spidev linux-image-arm64 raspi-firmware
          initramfs-tools zstd util-linux)

base_key() {
    (cd "$ROOT" && find "${BASE_INPUTS[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum \
        && echo "$SUITE ${PACKAGES[*]}") | sha256sum | cut -c1-16
}
key="$(base_key)"
tar="$CACHE/base-$key.tar"
if [ -f "$tar" ]; then
    log "base root $tar (cached)"
    echo "$tar"
    exit 0
fi
# the base's own epoch: the last commit that changed its inputs, so one base serves later commits
SOURCE_DATE_EPOCH="$(inputs_epoch "${BASE_INPUTS[@]}")"
export SOURCE_DATE_EPOCH
"$BUILD_DIR/wheels.sh"
mkdir -p "$CACHE"
tmp="$CACHE/partial-$key.tar"
rm -f "$tmp"
log "building the base root $tar (about 30 min, under qemu-user)"
include="$(IFS=,; echo "${PACKAGES[*]}")"
# shellcheck disable=SC2016  # the hooks' $1 is mmdebstrap's, expanded by its own shell
timed "mmdebstrap" nice -n 19 mmdebstrap --mode=root --arch=arm64 --variant=minbase --format=tar --include="$include" \
    --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --essential-hook='mkdir -p "$1/boot/firmware"' \
    --essential-hook="sync-in $BUILD_DIR/base-overlay /" \
    --customize-hook='mkdir -p "$1/tmp/airlock-wheels"' \
    --customize-hook="sync-in $CACHE/wheels /tmp/airlock-wheels" \
    --customize-hook="copy-in $BUILD_DIR/wheels-arm64.txt $BUILD_DIR/customize-base.sh /tmp" \
    --customize-hook='chroot "$1" /bin/sh /tmp/customize-base.sh' \
    --customize-hook='rm -rf "$1"/tmp/* "$1/etc/resolv.conf" "$1/etc/hostname"' \
    "$SUITE" "$tmp" \
    "deb $MIRROR $SUITE main non-free-firmware" \
    "deb $MIRROR $SUITE-updates main non-free-firmware" \
    "deb ${MIRROR%/debian}/debian-security $SUITE-security main non-free-firmware" >&2
mv "$tmp" "$tar"
log "base root ready: $tar ($(du -m "$tar" | cut -f1) MB)"
echo "$tar"
