#!/bin/sh
# install/setup.sh [REPO] - one-step setup: build sovsync if needed, install
# it (make install, PREFIX default ~/.local), then run `sovsync install` in
# REPO (default: the current directory).
#   PREFIX=/usr/local sh install/setup.sh ~/my-stack
# Extra arguments after REPO go to `sovsync install` (e.g. --github-actions).
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-$HOME/.local}
REPO=${1:-.}
[ $# -gt 0 ] && shift

case "$REPO" in
-h|--help)
	sed -n '2,6s/^# \{0,1\}//p' "$0"
	exit 0 ;;
esac
if ! git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
	echo "setup.sh: $REPO is not a git repository (git init it or clone it first)" >&2
	exit 1
fi

sh "$SRCDIR/install/deps.sh"
make -s -C "$SRCDIR" >/dev/null
make -s -C "$SRCDIR" install PREFIX="$PREFIX" >/dev/null
echo "setup.sh: installed $PREFIX/bin/sovsync"

# Hooks and drivers use the absolute path, so PATH only matters for you.
case ":$PATH:" in
*":$PREFIX/bin:"*) ;;
*) echo "setup.sh: add $PREFIX/bin to PATH, e.g. in ~/.profile:"
   echo "    export PATH=\"$PREFIX/bin:\$PATH\"" ;;
esac

"$PREFIX/bin/sovsync" install --repo "$REPO" "$@"
echo "setup.sh: $REPO is set up; plain git commit, pull and push now sync it"
