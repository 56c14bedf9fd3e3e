#!/usr/bin/env bash
# Fetch Bitcoin Knots' bitcoind (a Bitcoin Core derivative) into .tools/ for the companion's regtest tests.
# Usage: scripts/fetch-bitcoind.sh        (run by scripts/bootstrap.sh in the dev profile)
#
# Debian 12 packages no bitcoind; Debian sid has bitcoin-knots, built against trixie's C runtime (glibc
# 2.38+, libstdc++ 14). This downloads it with a private apt configuration (its own sources list naming
# sid and trixie on the machine's own Debian mirror, its own lists and cache in a temporary folder; the
# machine's apt configuration and installed packages are untouched), unpacks it with `dpkg -x` next to
# trixie's libc6, libstdc++6 and the libraries bookworm lacks, and writes .tools/bin/bitcoind, a wrapper
# that runs it through trixie's loader. Idempotent and quick when already there. It never fails the
# bootstrap: when bitcoind cannot be had it says why, and the tests that need it skip with that reason.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.tools/bitcoin-knots"
wrapper="$PWD/.tools/bin/bitcoind"
reason_file="$root.unavailable"

unavailable() {
    mkdir -p "$(dirname "$reason_file")"
    echo "$1" >"$reason_file"
    echo "bootstrap: bitcoind not installed: $1 (the companion's node tests will skip)" >&2
    exit 0
}

if [ -x "$wrapper" ] && "$wrapper" -version >/dev/null 2>&1; then
    rm -f "$reason_file"
    exit 0
fi
[ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] || unavailable "only fetched on Linux x86_64"
command -v apt-get >/dev/null && command -v dpkg >/dev/null || unavailable "needs apt-get and dpkg (Debian)"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || unavailable "no Debian archive keyring at $keyring"

# the machine's own Debian mirror: the first plain-release repository apt knows (not -security/-updates)
mirror="$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
    awk '$1 ~ /\/debian\/?$/ && $2 !~ /-/ {print $1; exit}')"
mirror="${mirror:-http://deb.debian.org/debian/}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources.list.d" "$work/preferences.d" "$work/lists/partial" "$work/cache/archives/partial" \
    "$work/debs"
touch "$work/status"
chmod 755 "$work" "$work/debs"  # apt's download user may write there
cat >"$work/sources.list" <<EOF
deb [signed-by=$keyring] $mirror sid main
deb [signed-by=$keyring] $mirror trixie main
EOF
apt_opts=(
    -o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/sources.list.d"
    -o "Dir::Etc::Preferences=$work/preferences" -o "Dir::Etc::PreferencesParts=$work/preferences.d"
    -o "Dir::State::Lists=$work/lists" -o "Dir::State::status=$work/status" -o "Dir::Cache=$work/cache"
    -o Debug::NoLocking=1 -o Acquire::Languages=none -o APT::Sandbox::User=root
)
echo "bootstrap: fetching Bitcoin Knots' bitcoind from Debian sid ($mirror) into .tools/" >&2
apt-get "${apt_opts[@]}" -qq update >"$work/log" 2>&1 || unavailable "apt-get update of sid/trixie failed: $(tail -1 "$work/log")"
# bitcoind from sid; from trixie the C runtime it needs and the libraries bookworm does not have
packages=(bitcoin-knots/sid libc6/trixie libstdc++6/trixie libevent-core-2.1-7t64/trixie libevent-extra-2.1-7t64/trixie
    libevent-pthreads-2.1-7t64/trixie libzmq5/trixie libpgm-5.3-0t64/trixie libnorm1t64/trixie
    libsodium23/trixie)
(cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}") >"$work/log" 2>&1 ||
    unavailable "apt-get download failed: $(grep -v '^W:' "$work/log" | tail -1)"
rm -rf "$root.new" && mkdir -p "$root.new"
for deb in "$work"/debs/*.deb; do
    dpkg -x "$deb" "$root.new" || unavailable "dpkg -x $(basename "$deb") failed"
done
rm -rf "$root" && mv "$root.new" "$root"
# bookworm's own libraries (libevent core, sqlite) come after trixie's, which take precedence
mkdir -p "$(dirname "$wrapper")"
cat >"$wrapper.new" <<'EOF'
#!/bin/sh
# Bitcoin Knots' bitcoind from Debian sid, run through trixie's loader (written by scripts/fetch-bitcoind.sh)
root="$(cd "$(dirname "$0")/../bitcoin-knots" && pwd)"
lib="$root/usr/lib/x86_64-linux-gnu"
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu" \
    "$root/usr/bin/bitcoind" "$@"
EOF
chmod 755 "$wrapper.new" && mv "$wrapper.new" "$wrapper"
version="$("$wrapper" -version 2>&1 | head -1)" || unavailable "the unpacked bitcoind does not run: $version"
rm -f "$reason_file"
echo "bootstrap: $version in .tools/bin/bitcoind" >&2
