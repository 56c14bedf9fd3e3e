#!/bin/sh
# The image's boot test, run inside the booted image (airlock-selftest.service, only with airlock.selftest
# on the kernel command line). One line per check, "AIRLOCK-SELFTEST ok|FAIL what", then a verdict line
# the host greps, then power off.
set -u
failed=0
say() { echo "AIRLOCK-SELFTEST $*"; }
check() {  # check "what" command...
    what="$1"; shift
    if out=$("$@" 2>&1); then say "ok $what"; else say "FAIL $what: $(echo "$out" | tr '\n' ' ' | cut -c1-300)"; failed=1; fi
}

state=$(systemctl is-system-running --wait 2>&1)
check "system running (state: $state)" test "$state" = running
check "multi-user.target active" systemctl is-active --quiet multi-user.target
failed_units=$(systemctl list-units --failed --plain --no-legend | cut -d' ' -f1 | tr '\n' ' ')
check "no failed unit${failed_units:+ ($failed_units)}" test -z "$failed_units"
say "boot: $(systemd-analyze 2>/dev/null | head -1)"

nets=$(ls /sys/class/net | tr '\n' ' ')
check "network interfaces: $nets" test "$nets" = "lo "
kdir=/usr/lib/modules/$(uname -r)/kernel
radios=$(find "$kdir/drivers/net" "$kdir/drivers/bluetooth" "$kdir/net/wireless" "$kdir/net/mac80211" \
    "$kdir/net/bluetooth" "$kdir/drivers/usb/gadget/legacy" -name '*.ko*' 2>/dev/null | head -3)
gadget=$(find "$kdir/drivers/usb/gadget" \( -name 'u_ether.ko*' -o -name 'usb_f_ecm*' -o -name 'usb_f_ncm*' \
    -o -name 'usb_f_rndis*' -o -name 'usb_f_eem*' \) 2>/dev/null | head -3)
check "no network or radio driver module" test -z "$radios$gadget"
check "modprobe refuses brcmfmac" sh -c '! modprobe brcmfmac'
check "modprobe refuses virtio_net" sh -c '! modprobe virtio_net'
check "no Wi-Fi or Bluetooth firmware" sh -c '! ls -d /usr/lib/firmware/brcm /usr/lib/firmware/cypress 2>/dev/null | grep -q .'

root=$(findmnt -n -o FSTYPE,OPTIONS /)
check "root is squashfs, read-only ($root)" sh -c "echo '$root' | grep -Eq '^squashfs +ro,'"
check "root cannot be written" sh -c '! touch /etc/airlock-selftest 2>/dev/null'
check "no swap" sh -c 'test "$(wc -l < /proc/swaps)" -le 1'
check "no core dumps" sh -c 'test "$(cat /proc/sys/kernel/core_pattern)" = "|/bin/false"'

vault=$(findmnt -n -o FSTYPE,OPTIONS /var/lib/airlock)
check "vault partition is ext4, read-write ($vault)" sh -c "echo '$vault' | grep -Eq '^ext4 +rw,.*nosuid.*nodev.*noexec'"
check "vault partition journals data" sh -c "echo '$vault' | grep -q 'data=journal'"
check "vault folder owned by airlock" test "$(stat -c %U:%a /var/lib/airlock)" = "airlock:700"
check "airlock can write the vault folder" runuser -u airlock -- sh -c \
    'echo x > /var/lib/airlock/.selftest && rm /var/lib/airlock/.selftest'

check "airlock.service active" systemctl is-active --quiet airlock.service
pid=$(systemctl show -p MainPID --value airlock.service)
check "airlock.service runs as airlock (pid $pid)" test "$(stat -c %U "/proc/$pid" 2>/dev/null)" = airlock
app_nets=$(tail -n +3 "/proc/$pid/net/dev" 2>/dev/null | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')
check "airlock.service sees only lo ($app_nets)" test "$app_nets" = "lo "
check "airlock --help" runuser -u airlock -- /opt/airlock/.venv/bin/airlock --help
check "the device's libraries import and read a QR code on this CPU" runuser -u airlock -- env \
    PYTHONDONTWRITEBYTECODE=1 LG_WD=/tmp /opt/airlock/.venv/bin/python -c '
import cv2, numpy, PIL, cryptography, embit, eth_account, shamir_mnemonic, cbor2, qrcode, zxingcpp, spidev
import gpiozero, lgpio
from signer.transport.frames import decode_qr_image, render_qr
assert decode_qr_image(render_qr("UR:BYTES/AIRLOCK")) == [b"UR:BYTES/AIRLOCK"]
'
check "the app finds its vault partition, and would say so were it missing" runuser -u airlock -- env \
    PYTHONDONTWRITEBYTECODE=1 /opt/airlock/.venv/bin/python -c '
from pathlib import Path
from app.device import vault_storage_problem
unit = {"AIRLOCK_VAULT_STORAGE": "partition"}
assert vault_storage_problem(Path("/var/lib/airlock"), unit) is None
assert vault_storage_problem(Path("/opt/airlock"), unit) == "the vault partition is not mounted at /opt/airlock"
'
# the buttons' path on Debian's kernel: the GPIO character device, group gpio by our udev rule, opened by
# lgpio as the app's user with the unit's groups (qemu's -M virt has a GPIO controller too)
if [ -e /dev/gpiochip0 ]; then
    check "/dev/gpiochip0 belongs to group gpio" test "$(stat -c %G:%a /dev/gpiochip0)" = gpio:660
    check "lgpio opens the GPIO chip as airlock with group gpio" setpriv --reuid=airlock --regid=airlock \
        --groups=gpio,spi,video,dialout env LG_WD=/tmp PYTHONDONTWRITEBYTECODE=1 /opt/airlock/.venv/bin/python -c \
        'import lgpio; lgpio.gpiochip_close(lgpio.gpiochip_open(0))'
else
    say "skip no /dev/gpiochip0 on this machine"
fi
if [ "$failed" = 0 ]; then say "PASS"; else say "FAIL"; fi
sync
systemctl poweroff --no-block
