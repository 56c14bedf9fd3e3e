#!/bin/sh
# Runs inside the arm64 base root (under qemu-user): the fixed users and groups and the device's
# third-party Python dependencies. Everything that is quick to redo lives in the image layer instead.
set -eu
# fixed ids: the unit runs as airlock and names spi and gpio, which Debian does not have
groupadd --system --gid 990 airlock
useradd --system --uid 990 --gid 990 --home-dir /var/lib/airlock --no-create-home \
    --shell /usr/sbin/nologin --comment "Airlock signer" airlock
groupadd --system --gid 991 spi
groupadd --system --gid 992 gpio
# the venv sees Debian's python3-spidev (spidev has no wheel on PyPI)
python3 -m venv --system-site-packages /opt/airlock/.venv
# --isolated: the host's PIP_* variables reach this chroot otherwise
/opt/airlock/.venv/bin/python -m pip --isolated install --no-index --no-deps --no-compile \
    --find-links /tmp/airlock-wheels --require-hashes -r /tmp/wheels-arm64.txt
/opt/airlock/.venv/bin/python -m pip --isolated install --no-index --no-deps --no-compile \
    /tmp/airlock-wheels/embit-*-py3-none-any.whl
site=$(/opt/airlock/.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# embit carries libsecp256k1 for every platform: keep the arm64 Linux one
find "$site/embit/util/prebuilt" -type f ! -name '*linux_aarch64*' -delete
# the root is read-only at run time and the unit sets PYTHONDONTWRITEBYTECODE: compile now, with hashes
# rather than mtimes (reproducible, and valid whatever the files' times)
/opt/airlock/.venv/bin/python -m compileall -q -j 2 --invalidation-mode unchecked-hash "$site"
mkdir -p /usr/lib/airlock
dpkg-query -W -f '${binary:Package}\t${Version}\n' | LC_ALL=C sort > /usr/lib/airlock/debian-packages.txt
