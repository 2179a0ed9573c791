#!/bin/sh
# Install the Debian packages that sovsync's build, tests and benchmarks need,
# and the browser test's puppeteer-core (npm ci in tests/browser/).
#
# Idempotent: packages already present are skipped, `apt-get update` runs only
# when something is missing, and sudo is used only when not running as root.
# Usage: install/deps.sh [--check] [--bench] [--windows]
#   --check    exit 1 (and print what is missing) instead of installing
#   --bench    also install what the benchmarks compare against (git-lfs, ...)
#   --windows  also the Windows cross build and its tests (make windows,
#              make test-windows): MinGW-w64, CMake, wine64; then build the
#              Windows dependencies once (install/windows-deps.sh, cached)
set -eu

build_pkgs="gcc make pkg-config git libgit2-dev libjansson-dev libzstd-dev
libcurl4-openssl-dev libssl-dev perl python3 time man-db clang libclang-rt-dev lighttpd
libmicrohttpd-dev chromium curl cppcheck"
bench_pkgs="git-lfs zstd hyperfine"
windows_pkgs="gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 cmake dpkg-dev xz-utils wine wine64"

check=0
windows=0
pkgs=$build_pkgs
for arg in "$@"; do
	case "$arg" in
	--check) check=1 ;;
	--bench) pkgs="$pkgs $bench_pkgs" ;;
	--windows) pkgs="$pkgs $windows_pkgs"; windows=1 ;;
	-h|--help)
		sed -n '2,13s/^# \{0,1\}//p' "$0"
		exit 0 ;;
	*) echo "deps.sh: unknown option '$arg'" >&2; exit 2 ;;
	esac
done

# Node.js for the browser test (tests/t7001-ui-browser.sh): Debian's, unless
# a node and npm are already there (another build of Node.js ships its own
# npm, which Debian's npm package would conflict with).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	pkgs="$pkgs nodejs npm"
fi

# puppeteer-core from tests/browser/package-lock.json, no browser download
# (it drives Debian's chromium).  Skipped when node_modules was installed
# from the same lock file already (the copy of the lock kept beside it).
browser_deps() {
	dir=$(cd "$(dirname "$0")/.." && pwd)/tests/browser
	if cmp -s "$dir/package-lock.json" "$dir/node_modules/.sovsync-lock" 2>/dev/null; then
		return 0
	fi
	if [ "$check" = 1 ]; then
		echo "deps.sh: missing: tests/browser/node_modules (npm ci)" >&2
		return 1
	fi
	echo "deps.sh: npm ci in tests/browser" >&2
	(cd "$dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit \
		--no-fund --loglevel=error >/dev/null) &&
	cp "$dir/package-lock.json" "$dir/node_modules/.sovsync-lock"
}

missing=
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

# The Windows dependencies, cross-built from Debian's source packages into
# a cache outside the work tree (a no-op when the cache is complete).
windows_deps() {
	[ "$windows" = 1 ] || return 0
	if [ "$check" = 1 ]; then
		sh "$(dirname "$0")/windows-deps.sh" --check
	else
		sh "$(dirname "$0")/windows-deps.sh" >/dev/null
	fi
}

if [ -z "$missing" ]; then
	browser_deps
	windows_deps
	exit $?
fi
if [ "$check" = 1 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	browser_deps || true
	exit 1
fi

if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "deps.sh: need root or sudo to install:$missing" >&2
	exit 1
fi

echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
browser_deps
windows_deps
