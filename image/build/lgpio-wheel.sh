#!/usr/bin/env bash
# lgpio for CPython 3.13 on arm64: PyPI has no such wheel (pip falls back to an empty 0.0.0.2
# placeholder), so build one from the pinned sdist in a throw-away arm64 builder root, compiling lgpio's
# bundled C sources into it (PYPI=1; Debian packages no liblgpio). gpiozero needs it on Debian's kernel,
# which has /dev/gpiochip* but no /dev/gpiomem. Cached: prints the wheel's path.
source "$(dirname "$0")/common.sh"
key=$( (cat "$0"; grep -A1 '^lgpio==' "$BUILD_DIR/sources-arm64.txt") | sha256sum | cut -c1-16)
dest="$CACHE/lgpio-$key"
if ls "$dest"/lgpio-*.whl >/dev/null 2>&1; then
    ls "$dest"/lgpio-*.whl
    exit 0
fi
"$BUILD_DIR/wheels.sh" >&2
sdist=$(ls "$CACHE"/sdists/lgpio-*.tar.gz)
# the same bytes from every build: the recipe's epoch for the wheel's times, and a fixed source folder
# (its path is compiled into the library; pip's own build folder has a random name)
SOURCE_DATE_EPOCH="$(inputs_epoch image/build/lgpio-wheel.sh image/build/sources-arm64.txt)"
export SOURCE_DATE_EPOCH
mkdir -p "$dest.partial"
log "building lgpio for arm64 from $(basename "$sdist") (about 10 min, under qemu-user)"
# shellcheck disable=SC2016
timed "lgpio wheel" nice -n 19 mmdebstrap --mode=root --arch=arm64 --variant=apt --format=null \
    --include=gcc,libc6-dev,python3-dev,python3-setuptools,python3-wheel,python3-pip,swig \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --customize-hook="copy-in $sdist /tmp" \
    --customize-hook='chroot "$1" sh -ec "cd /tmp && mkdir out src && tar -xzf /tmp/lgpio-*.tar.gz -C src \
        && cd src/lgpio-* && PYPI=1 python3 -m pip --isolated wheel --no-deps --no-build-isolation --no-index \
        -w /tmp/out ."' \
    --customize-hook="copy-out /tmp/out $dest.partial" \
    "$SUITE" /dev/null "deb $MIRROR $SUITE main" >&2
mv "$dest.partial/out"/lgpio-*.whl "$dest.partial/" && rmdir "$dest.partial/out"
mv "$dest.partial" "$dest"
ls "$dest"/lgpio-*.whl
