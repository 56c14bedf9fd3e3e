#!/usr/bin/env bash
# Reproducibility: build the image again from the same inputs (the same cached base root, the same
# commit) into a second folder and compare its sha256 with image/out/airlock.img's. Builds the first
# one too when it is missing.
source "$(dirname "$0")/common.sh"
export AIRLOCK_IMAGE_XZ=0
[ -f "$OUT/airlock.img" ] || "$BUILD_DIR/image.sh"
second="$OUT/repro"
AIRLOCK_IMAGE_OUT="$second" "$BUILD_DIR/image.sh"
a=$(sha256sum < "$OUT/airlock.img" | cut -d' ' -f1)
b=$(sha256sum < "$second/airlock.img" | cut -d' ' -f1)
echo "first build:  $a" >&2
echo "second build: $b" >&2
if [ "$a" != "$b" ]; then
    cmp -l "$OUT/airlock.img" "$second/airlock.img" | head -5 >&2 || true
    die "the two builds differ"
fi
rm -rf "$second"
log "reproducible: both builds are $a"
