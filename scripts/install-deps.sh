#!/bin/sh
# install-deps.sh — installs the Debian packages Charter builds and tests with,
# only those that are missing, using sudo when not root.  Called by `make deps`
# (and so by the README's two commands); a no-op when everything is present.
set -eu
PKGS="build-essential pkg-config flex bison clang llvm libclang-rt-14-dev
libpcre2-dev libxml2-dev libcmocka-dev libzip-dev libpoppler-glib-dev
libjansson-dev libmicrohttpd-dev libcurl4-openssl-dev zip unzip python3 procps"
# Optional extras for `make bench` and the hardening targets; installed by
# `make deps-extra` (peers measured side by side, analysers).
if [ "${1:-}" = "--extra" ]; then
  PKGS="$PKGS yara libyara-dev libvectorscan-dev ripgrep poppler-utils pandoc antiword bc
gcovr cppcheck clang-tidy valgrind linux-perf chromium"
fi
# Microsoft's SARIF validator, from the npm registry, for the SARIF test
if [ "${1:-}" = "--extra" ] && command -v npm >/dev/null 2>&1 && [ ! -x build/tools/node_modules/.bin/sarif-multitool ]; then
  npm install --silent --no-audit --no-fund --prefix build/tools @microsoft/sarif-multitool >/dev/null 2>&1 ||
    echo "install-deps: could not install @microsoft/sarif-multitool (the SARIF test will check structure only)" >&2
fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
