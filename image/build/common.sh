# Shared settings of the image recipe (sourced by the other scripts in image/build/).
# shellcheck shell=bash
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IMAGE_DIR="$ROOT/image"
BUILD_DIR="$IMAGE_DIR/build"
OUT="${AIRLOCK_IMAGE_OUT:-$ROOT/image/out}"
CACHE="${AIRLOCK_IMAGE_CACHE:-$ROOT/.cache/image}"
SUITE=trixie
MIRROR="${AIRLOCK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# fixed ids: the unit names these users and groups, and the vault partition's owner is 990
AIRLOCK_UID=990
SPI_GID=991
GPIO_GID=992
# the disk's identity is fixed so two builds give the same bytes (and cmdline.txt can name it)
DISK_ID=a1f0c0de
VAULT_UUID=5e1f0c0d-a1f0-4c0d-9e55-a1f0c0de0003
VAULT_HASH_SEED=5e1f0c0d-a1f0-4c0d-9e55-a1f0c0de0004
BOOT_VOLID=a1f0c0de

# SOURCE_DATE_EPOCH: the commit's time, so a rebuild of the same commit gives the same image
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH="$(git -C "$ROOT" log -1 --format=%ct)"
fi
export SOURCE_DATE_EPOCH
export LC_ALL=C.UTF-8 TZ=UTC

# the time of the last commit that changed these paths: the epoch of a cached part built from them, so that
# it is the same whichever later commit builds it (HEAD's when none of them is committed yet)
inputs_epoch() {
    local t
    t="$(git -C "$ROOT" log -1 --format=%ct -- "$@" 2>/dev/null)"
    echo "${t:-$(git -C "$ROOT" log -1 --format=%ct)}"
}
log() { printf '%s image: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'image: %s\n' "$*" >&2; exit 1; }
# time one step and say how long it took
timed() {
    local what="$1" t0; shift
    t0=$(date +%s)
    "$@"
    log "$what took $(($(date +%s) - t0)) s"
}
# the pip platform flags for trixie's arm64 CPython 3.13: every manylinux tag up to glibc 2.41, since pip
# does not expand them downwards (manylinux2014 alone picks old releases)
pip_platform_args() {
    local m
    printf -- '--only-binary=:all: --implementation cp --python-version 3.13 --abi cp313 --abi abi3 --abi none '
    printf -- '--platform manylinux2014_aarch64 '
    for m in 17 26 27 28 31 34 35 36 37 38 39 40 41; do printf -- '--platform manylinux_2_%s_aarch64 ' "$m"; done
}
