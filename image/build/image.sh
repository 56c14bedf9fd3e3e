#!/usr/bin/env bash
# The SD-card image from the cached base root: this checkout's app, the image's configuration, the boot
# files, then p1 FAT boot + p2 squashfs root + p3 ext4 vault in image/out/airlock.img (+ .img.xz).
# Env: AIRLOCK_SQUASHFS_LEVEL (zstd level, default 19), AIRLOCK_IMAGE_XZ=0 to skip the .xz.
source "$(dirname "$0")/common.sh"
LEVEL="${AIRLOCK_SQUASHFS_LEVEL:-19}"
VAULT_MIB=64
t_start=$(date +%s)

# the two slow, cached parts side by side (each about a core under qemu-user on a cold cache)
"$BUILD_DIR/wheels.sh"
mkdir -p "$CACHE"
"$BUILD_DIR/lgpio-wheel.sh" > "$CACHE/.lgpio-path" &
lgpio_pid=$!
base_tar="$("$BUILD_DIR/base.sh")"
wait "$lgpio_pid" || die "the lgpio wheel was not built"
lgpio_whl="$(cat "$CACHE/.lgpio-path")"
work="$OUT/work"
root="$work/root"
unmount_all() {
    for m in "$root/proc" "$root/dev"; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
    return 0
}
trap unmount_all EXIT
unmount_all
rm -rf "$work"
mkdir -p "$work/wheels" "$work/boot" "$OUT"

# the project's wheel, from the files git tracks (uncommitted edits included, stray files not)
src="$work/src"
mkdir -p "$src"
(cd "$ROOT" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$src"
timed "project wheel" python3 -m pip wheel -q --no-deps -w "$work/wheels" "$src" 2>&1 | grep -v '^WARNING: Location' >&2 || true
ls "$work"/wheels/airlock-*.whl >/dev/null
cp "$lgpio_whl" "$work/wheels/"

log "unpacking the base root"
mkdir -p "$root"
tar --numeric-owner -xpf "$base_tar" -C "$root"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

venv=/opt/airlock/.venv
site="$venv/lib/python3.13/site-packages"
mkdir -p "$root/tmp/airlock-wheels"
cp "$work"/wheels/*.whl "$root/tmp/airlock-wheels/"
install_app() {
    local wheels
    wheels=$(cd "$root/tmp/airlock-wheels" && ls ./*.whl | sed 's|^\./|/tmp/airlock-wheels/|')
    # shellcheck disable=SC2086  # one word per wheel
    chroot "$root" "$venv/bin/python" -m pip --isolated install -q --no-index --no-deps --no-compile $wheels
    # the device never installs anything: no pip on it
    chroot "$root" "$venv/bin/python" -m pip --isolated uninstall -q -y pip
    # the root is read-only and the unit sets PYTHONDONTWRITEBYTECODE: byte-code now, keyed on the
    # sources' hashes (not their times)
    chroot "$root" "$venv/bin/python" -m compileall -q --invalidation-mode unchecked-hash \
        "$site/app" "$site/signer" "$site/ui" "$site/hardware" "$site/companion" "$site/lgpio.py"
}
timed "app install (qemu-user)" install_app
rm -rf "$root/tmp/airlock-wheels"

# the app's launcher and unit, and the image's own configuration
install -D -m 0755 "$IMAGE_DIR/airlock-launch" "$root/opt/airlock/image/airlock-launch"
install -D -m 0644 "$IMAGE_DIR/airlock.service" "$root/etc/systemd/system/airlock.service"
# each file with a fixed owner and mode (not the checkout's umask) and the epoch's time
(cd "$IMAGE_DIR/rootfs" && find . -type f | LC_ALL=C sort) | while read -r f; do
    mode=0644; [ -x "$IMAGE_DIR/rootfs/$f" ] && mode=0755
    install -D -o root -g root -m "$mode" "$IMAGE_DIR/rootfs/$f" "$root/${f#./}"
    touch -d "@$SOURCE_DATE_EPOCH" "$root/${f#./}"
done
if [ -f "$IMAGE_DIR/update-key.pub" ]; then
    install -D -m 0644 "$IMAGE_DIR/update-key.pub" "$root/usr/lib/airlock/update-key.pub"
fi
touch -d "@$SOURCE_DATE_EPOCH" "$root/opt/airlock/image/airlock-launch" "$root/etc/systemd/system/airlock.service"
install -d -m 0700 -o "$AIRLOCK_UID" -g "$AIRLOCK_UID" "$root/var/lib/airlock"
chroot "$root" systemctl enable airlock.service airlock-selftest.service >/dev/null 2>&1
chroot "$root" systemctl set-default multi-user.target >/dev/null 2>&1
# nothing that talks to a network or writes to the card behind the person's back; no login on the screen
for unit in systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service \
    systemd-timesyncd.service systemd-resolved.service systemd-random-seed.service apt-daily.timer \
    apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer getty@tty1.service \
    systemd-pstore.service; do
    ln -sfn /dev/null "$root/etc/systemd/system/$unit"
done
# a transient machine id (systemd mounts one over the empty file on a read-only root); no host leftovers
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id" "$root/etc/resolv.conf"

# no network or radio drivers: absent, not just blacklisted
kver=$(basename "$(ls -d "$root"/usr/lib/modules/*)")
k="$root/usr/lib/modules/$kver/kernel"
rm -rf "$k/drivers/net" "$k/drivers/bluetooth" "$k/drivers/nfc" "$k/drivers/isdn" "$k/drivers/atm" \
    "$k/drivers/infiniband" "$k/drivers/usb/gadget/legacy" "$k/drivers/net/wireless" \
    "$k/net/wireless" "$k/net/mac80211" "$k/net/bluetooth" "$k/net/nfc" "$k/net/can" "$k/net/ieee802154" \
    "$k/net/mac802154" "$k/net/atm" "$k/net/6lowpan" "$k/net/wimax"
find "$k/drivers/usb/gadget" \( -name 'u_ether.ko*' -o -name 'usb_f_ecm*' -o -name 'usb_f_ncm*' \
    -o -name 'usb_f_rndis*' -o -name 'usb_f_eem*' -o -name 'usb_f_phonet*' -o -name 'usb_f_ecm_subset*' \) -delete
chroot "$root" depmod -a "$kver"
rm -rf "$root/usr/lib/firmware/brcm" "$root/usr/lib/firmware/cypress" "$root/lib/firmware/brcm"

# the .deb files the base was built from are kept beside the cache (a release keeps them: Debian's
# archive moves on), not in the image; nor are apt's lists, the kernel's device trees for every other
# board, or raspi-firmware's copies of what the boot partition holds
mkdir -p "$CACHE/debs"
find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -n {} "$CACHE/debs/" \;
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/lib/linux-image-* "$root/usr/lib/raspi-firmware"

# what went in, with versions
cp "$root/usr/lib/airlock/debian-packages.txt" "$OUT/debian-packages.txt"
(cd "$root$site" && ls -d ./*.dist-info | sed 's|^\./||; s|\.dist-info$||' | LC_ALL=C sort) > "$OUT/python-packages.txt"
cp "$OUT/python-packages.txt" "$root/usr/lib/airlock/python-packages.txt"
echo "$(git -C "$ROOT" describe --always --dirty) $SOURCE_DATE_EPOCH" > "$root/usr/lib/airlock/build-info"

# the boot partition: firmware, kernel, initramfs, DTBs from /boot/firmware; our config and overlays
boot="$work/boot"
cp -a "$root/boot/firmware/." "$boot/"
# config.txt names them without the version; raspi-firmware's own config, cmdline and overlays are not ours
mv "$boot/vmlinuz-$kver" "$boot/vmlinuz"
mv "$boot/initrd.img-$kver" "$boot/initrd.img"
rm -f "$boot/config.txt" "$boot/cmdline.txt" "$boot"/overlays/*.dtbo "$boot"/bcm2712-*.dtb  # no Pi 5 (docs/image.md)
cp "$IMAGE_DIR/boot/config.txt" "$IMAGE_DIR/boot/cmdline.txt" "$boot/"
mkdir -p "$boot/overlays"
for dts in "$IMAGE_DIR"/overlays/*.dts; do
    dtc -q -@ -I dts -O dtb -o "$boot/overlays/$(basename "$dts" .dts).dtbo" "$dts"
done
# our overlays must apply to the device tree of every supported board (the firmware would skip them)
for dtb in bcm2837-rpi-zero-2-w bcm2837-rpi-3-b bcm2837-rpi-3-b-plus bcm2837-rpi-3-a-plus bcm2711-rpi-4-b \
    bcm2711-rpi-400; do
    [ -f "$boot/$dtb.dtb" ] || die "$dtb.dtb is missing from the kernel's device trees"
    fdtoverlay -i "$boot/$dtb.dtb" -o "$work/check.dtb" "$boot"/overlays/airlock-*.dtbo >/dev/null \
        || die "the overlays do not apply to $dtb.dtb"
done
rm -f "$work/check.dtb"
mkdir -p "$OUT/qemu"
cp "$boot/vmlinuz" "$boot/initrd.img" "$OUT/qemu/"
# the root keeps none of it: the boot partition is not mounted at run time
rm -rf "$root/boot/firmware" && mkdir "$root/boot/firmware"
find "$root/boot" -mindepth 1 -maxdepth 1 ! -name firmware -exec rm -rf {} +
unmount_all

# every time the build touched is clamped to SOURCE_DATE_EPOCH
clamp() { find "$1" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"; }
clamp "$root"
find "$boot" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

timed "squashfs (zstd $LEVEL)" nice -n 19 mksquashfs "$root" "$work/root.sqfs" -noappend -no-progress -quiet -no-xattrs \
    -comp zstd -Xcompression-level "$LEVEL" -b 256K -processors 2 >&2

mib() { echo $((($1 + 1048575) / 1048576)); }
boot_mib=$(mib "$(du -sb "$boot" | cut -f1)")
# room for a second set of boot files (updates, docs/image.md)
boot_mib=$(((boot_mib * 2 + 16 + 7) / 8 * 8))
root_mib=$((($(mib "$(stat -c %s "$work/root.sqfs")") + 3) / 4 * 4))

# p1: FAT32 with a fixed volume id; files copied one by one in name order with the epoch's time
fat="$work/boot.fat"
rm -f "$fat"
mkfs.vfat -F 32 --invariant -i "$BOOT_VOLID" -n AIRLOCKBOOT -C "$fat" $((boot_mib * 1024)) >/dev/null
export MTOOLS_SKIP_CHECK=1
(cd "$boot" && find . -mindepth 1 -type d | LC_ALL=C sort | sed 's|^\./||' | while read -r d; do
    mmd -i "$fat" "::/$d"; done)
(cd "$boot" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | while read -r f; do
    mcopy -i "$fat" -m -o "$f" "::/$f"; done)

# p3: the vault's ext4, journaled, fixed UUID and hash seed, its root owned by airlock and private
vault="$work/vault.ext4"
rm -f "$vault"
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -L AIRLOCK-DATA -U "$VAULT_UUID" -b 4096 -m 0 \
    -E "hash_seed=$VAULT_HASH_SEED,root_owner=$AIRLOCK_UID:$AIRLOCK_UID,lazy_itable_init=0,lazy_journal_init=0" \
    "$vault" "${VAULT_MIB}M" >/dev/null
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH debugfs -w -R "sif / mode 040700" "$vault" >/dev/null 2>&1

# the disk: MBR with a fixed id (cmdline.txt and fstab name PARTUUID=a1f0c0de-0N), 4 MiB aligned
img="$OUT/airlock.img"
p1=8192
p2=$((p1 + boot_mib * 2048))
p3=$((p2 + root_mib * 2048))
total_mib=$((4 + boot_mib + root_mib + VAULT_MIB))
rm -f "$img" "$img.xz"
truncate -s "${total_mib}M" "$img"
sfdisk -q "$img" <<SFDISK
label: dos
label-id: 0x$DISK_ID
unit: sectors

start=$p1, size=$((boot_mib * 2048)), type=c, bootable
start=$p2, size=$((root_mib * 2048)), type=83
start=$p3, size=$((VAULT_MIB * 2048)), type=83
SFDISK
dd if="$fat" of="$img" bs=1M seek=$((p1 / 2048)) conv=notrunc,sparse status=none
dd if="$work/root.sqfs" of="$img" bs=1M seek=$((p2 / 2048)) conv=notrunc,sparse status=none
dd if="$vault" of="$img" bs=1M seek=$((p3 / 2048)) conv=notrunc,sparse status=none
(cd "$OUT" && sha256sum airlock.img > airlock.img.sha256)
if [ "${AIRLOCK_IMAGE_XZ:-1}" != 0 ]; then
    timed "xz" nice -n 19 xz -T2 -6 -k "$img"
    (cd "$OUT" && sha256sum airlock.img.xz >> airlock.img.sha256)
fi
rm -rf "$work"
log "image: $img ($total_mib MiB: boot $boot_mib, root $root_mib, vault $VAULT_MIB) in $(($(date +%s) - t_start)) s"
cat "$OUT/airlock.img.sha256" >&2
