#!/usr/bin/env bash
# Reproducibility: build the image twice from the same inputs (the same cached base root, the same
# commit) and compare the sha256. --reuse-first: image/out/airlock.img was built from these inputs just
# before (make image-test), so build only the second one.
source "$(dirname "$0")/common.sh"
export AIRLOCK_IMAGE_XZ=0
if [ "${1:-}" != --reuse-first ] || [ ! -f "$OUT/airlock.img" ]; then
    "$BUILD_DIR/image.sh"
fi
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
