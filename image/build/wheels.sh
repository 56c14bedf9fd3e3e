#!/usr/bin/env bash
# Fetch the device's pinned dependency wheels (aarch64, CPython 3.13) into $CACHE/wheels, each checked
# against its sha256 in wheels-arm64.txt, and build embit's pure-Python wheel from its pinned sdist.
source "$(dirname "$0")/common.sh"
dest="$CACHE/wheels"
mkdir -p "$dest" "$CACHE/sdists"
PIP=(python3 -m pip)
# shellcheck disable=SC2046
"${PIP[@]}" download -q --no-deps --require-hashes $(pip_platform_args) -d "$dest" \
    -r "$BUILD_DIR/wheels-arm64.txt"
"${PIP[@]}" download -q --no-deps --no-binary=:all: --require-hashes -d "$CACHE/sdists" \
    -r "$BUILD_DIR/sources-arm64.txt"
embit_sdist=$(ls "$CACHE"/sdists/embit-*.tar.gz)
embit_version=$(basename "$embit_sdist" .tar.gz); embit_version=${embit_version#embit-}
if [ ! -f "$dest/embit-$embit_version-py3-none-any.whl" ]; then
    # the wheel's zip times come from SOURCE_DATE_EPOCH: its recipe's, not the commit building it
    SOURCE_DATE_EPOCH="$(inputs_epoch image/build/sources-arm64.txt image/build/wheels.sh)" \
        "${PIP[@]}" wheel -q --no-deps -w "$dest" "$embit_sdist"
fi
log "wheels ready in $dest ($(ls "$dest" | wc -l) files)"
