#!/bin/sh
# make demo: a narrated run of sovsync on throwaway local repositories.
#
# It builds on the same helpers as the tests but prints a story instead of
# TAP.  Everything happens under a temporary directory that is removed at
# the end (SOVSYNC_DEMO_KEEP=1 keeps it).
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
PATH=$SRCDIR/bin:$PATH
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-demo.XXXXXX")
cleanup() {
	if [ -n "${SOVSYNC_DEMO_KEEP:-}" ]; then
		echo "(demo directory kept: $DEMO)"
	else
		rm -rf "$DEMO"
	fi
}
trap cleanup EXIT

export HOME="$DEMO/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name "Demo User"
git config --global user.email "demo@example.com"
git config --global init.defaultBranch main

say() {
	printf '\n\033[1m==> %s\033[0m\n' "$*"
}
run() {
	printf '$ %s\n' "$*"
	"$@"
}

say "sovsync and the libraries it links"
run sovsync --version

say "A scratch repository for the sync layout"
cd "$DEMO"
run git init -q stack
cd stack
cp -R "$SRCDIR/shared" .
run git add shared
run git commit -q -m "sovsync layout"
run git ls-files

say "The commands sovsync offers"
run sovsync --help
say "git finds sovsync as a subcommand too"
run git sovsync version --short

say "Done.  The full sync cycle arrives with the filter, drivers and hooks."
