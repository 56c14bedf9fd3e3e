#!/usr/bin/env bash
# Boot image/out/airlock.img in qemu-system-aarch64 (-M virt, TCG, Cortex-A53, 512 MiB, no NIC) with the
# image's own kernel and initramfs, and read the verdict of the in-image self-test from the serial console.
# The app runs headless there, its buttons on gpiozero's mock pins (no screen or header on -M virt).
source "$(dirname "$0")/common.sh"
img="$OUT/airlock.img"
[ -f "$img" ] || die "no $img: run make image first"
LIMIT="${AIRLOCK_QEMU_TIMEOUT:-540}"
run="$OUT/qemu-run"
rm -rf "$run" && mkdir -p "$run"
cp --sparse=always "$img" "$run/test.img"   # the vault partition is written to: never the built image
append="console=ttyAMA0 root=PARTUUID=$DISK_ID-02 rootfstype=squashfs ro rootwait panic=-1 airlock.selftest"
append+=" systemd.setenv=AIRLOCK_DISPLAY=headless systemd.setenv=AIRLOCK_INPUT=gpio"
append+=" systemd.setenv=GPIOZERO_PIN_FACTORY=mock"
log "booting the image in qemu (TCG; limit $LIMIT s)"
t0=$(date +%s)
set +e
timeout "$LIMIT" nice -n 19 qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 2 -m 512 \
    -display none -no-reboot -nic none -monitor none -serial "file:$run/console.log" \
    -kernel "$OUT/qemu/vmlinuz" -initrd "$OUT/qemu/initrd.img" -append "$append" \
    -drive "if=none,id=sd,file=$run/test.img,format=raw" -device virtio-blk-device,drive=sd
rc=$?
set -e
wall=$(($(date +%s) - t0))
grep -a 'AIRLOCK-SELFTEST' "$run/console.log" | tr -d '\r' >&2 || true
if [ "$rc" = 124 ]; then
    tail -n 30 "$run/console.log" >&2
    die "the boot test did not finish in $LIMIT s (console: $run/console.log)"
fi
log "qemu ran $wall s (boot, checks and power-off)"
if grep -aq 'AIRLOCK-SELFTEST PASS' "$run/console.log"; then
    log "boot test PASS"
else
    tail -n 40 "$run/console.log" >&2
    die "boot test FAILED (console: $run/console.log)"
fi
