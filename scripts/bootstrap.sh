#!/usr/bin/env bash
# Bring this checkout to a working state: system packages, .venv, the project with what a profile needs.
# Usage: scripts/bootstrap.sh [dev|demo|image]   (default: dev)
#   dev   everything `make test` needs: the [dev] extra (test tools, cross-check libraries, pygame)
#         and, with npm in .tools/, anvil, Keystone's UR registry and ethers (make bench's anchor);
#         bitcoind (Bitcoin Knots) in .tools/
#   demo  what `make demo` runs: the runtime dependencies, the [demo] extra for its companion tour
#         (the companion, Playwright) with bitcoind in .tools/ and Debian's chromium, plus pygame when
#         there is a desktop for the emulator window; with npm in .tools/, anvil, solc and OpenZeppelin's
#         contracts for its Ethereum leg; no test tools
#   image the SD-card image tools (`make image`, `make image-test`): mmdebstrap, qemu, squashfs,
#         FAT/ext4 tools, dtc, from apt when root; binfmt_misc mounted for arm64 chroots
# Both share one .venv: `make test` after `make demo` adds the dev tools to it. Idempotent and quick
# when nothing changed (a stamp per installed set, keyed on pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-dev}"
PY="${PYTHON:-python3}"

case "$profile" in
    image) exec scripts/bootstrap-image.sh ;;
    dev) extras="dev" ;;
    demo)
        extras="demo"
        if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = Darwin ]; then extras="demo,emulator"; fi
        ;;
    *) echo "bootstrap: unknown profile '$profile': use dev, demo or image" >&2; exit 2 ;;
esac
key="$(sha256sum pyproject.toml | cut -c1-16)"
stamp_of() { echo ".venv/.airlock-${1:-runtime}-$key"; }
stamp="$(stamp_of "$extras")"
installed=""
# the dev set holds everything the demo needs (pygame included)
if [ -f "$stamp" ] || { [ "$profile" = demo ] && [ -f "$(stamp_of dev)" ]; }; then installed=1; fi

need_apt=()
# anvil (the Ethereum node the integration tests run against) comes from npm into .tools/
case "$(uname -m)" in
    x86_64) anvil_pkg="@foundry-rs/anvil-linux-amd64@1.7.1" ;;
    aarch64 | arm64) anvil_pkg="@foundry-rs/anvil-linux-arm64@1.7.1" ;;
    *) anvil_pkg="" ;;
esac
# Keystone's UR registry (what MetaMask and BlueWallet read with): the interop tests' oracle
ur_pkgs=("@keystonehq/bc-ur-registry@0.8.0" "@keystonehq/bc-ur-registry-eth@0.22.1")
# ethers: make bench's anchor for the first Ethereum signature (bench/ethers_sign.js)
ur_pkgs+=("ethers@6.17.0")
# the companion's Ethereum chain (companion/demo_chain.py: the tests' and make demo's): solc-js compiles
# OpenZeppelin's tokens offline
chain_pkgs=("solc@0.8.37" "@openzeppelin/contracts@5.7.0")
# v4-periphery ships Permit2's real runtime code (tests/companion/eth_chain.py)
ur_pkgs+=("${chain_pkgs[@]}" "@uniswap/v4-periphery@1.0.3")
if [ "$profile" = demo ]; then ur_pkgs=("${chain_pkgs[@]}"); fi
want_anvil=""
want_ur=()
if [ -n "$anvil_pkg" ] && [ ! -x .tools/node_modules/.bin/anvil ]; then want_anvil=1; fi
for pkg in "${ur_pkgs[@]}"; do
    name="${pkg%@*}" version="${pkg##*@}"
    grep -qs "\"version\": \"$version\"" ".tools/node_modules/$name/package.json" || want_ur+=("$pkg")
done
if [ -n "$want_anvil" ] || ((${#want_ur[@]})); then command -v npm >/dev/null || need_apt+=(npm); fi
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "Airlock needs Python 3.11 or newer; $("$PY" --version 2>&1) found." >&2; exit 1; }
"$PY" -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
# the companion's browser tests drive Debian's chromium (Playwright cannot download its own here);
# optional: without root they skip, naming this package. The demo's companion tour needs it.
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        need_apt+=(chromium)
    elif [ "$profile" = demo ]; then
        need_apt+=(chromium)  # not root: the one command below, then stop
    else
        echo "bootstrap: the web page's browser tests need chromium: sudo apt-get install -y chromium" >&2
    fi
fi

if ((${#need_apt[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bootstrap: installing ${need_apt[*]} with apt-get" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        echo "bootstrap: missing system packages. Run this once, then try again:" >&2
        echo "    sudo apt-get install -y ${need_apt[*]}" >&2
        exit 1
    fi
fi

if [ -n "$want_anvil" ]; then
    echo "bootstrap: installing anvil into .tools/ with npm" >&2
    npm install --prefix .tools --no-audit --no-fund --silent "$anvil_pkg" >/dev/null
fi
if ((${#want_ur[@]})); then
    echo "bootstrap: installing ${want_ur[*]} into .tools/ with npm" >&2
    npm install --prefix .tools --no-audit --no-fund --silent --save-exact "${want_ur[@]}" >/dev/null
fi

if [ -z "$installed" ]; then
    [ -x .venv/bin/python ] || "$PY" -m venv .venv
    echo "bootstrap: installing Airlock${extras:+ with [$extras]} into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
    rm -f .venv/.airlock-"${extras:-runtime}"-*
    touch "$stamp"
fi
# the companion's regtest node (the tests' and the demo tour's); never fails the bootstrap (its tests
# skip and the demo's companion tour is left out, saying why)
scripts/fetch-bitcoind.sh
