#!/bin/sh
# bench/start.sh - what every sovsync process pays to start.
#
# hyperfine (Debian package) runs, in one run: `git --version`, `sovsync
# --version` (no libgit2 init) and `sovsync hook none` (a process that
# initialises libgit2, as every hook and filter does, then does nothing:
# "not a sovsync hook; ignored").  $OLD, if set, is another sovsync binary
# timed alongside (e.g. OLD=/work/old/bin/sovsync).  Goal: --version <= 3x git.
#   RUNS=300 OLD=/path/to/old/sovsync sh bench/start.sh
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC=${SOVSYNC:-$SRCDIR/bin/sovsync}
RUNS=${RUNS:-300}
command -v hyperfine >/dev/null ||
	{ echo "bench/start.sh: hyperfine not found (apt-get install hyperfine)" >&2; exit 1; }

set -- 'git --version' "$SOVSYNC --version" "$SOVSYNC hook none"
[ -z "${OLD:-}" ] || set -- "$@" "$OLD --version" "$OLD hook none"
hyperfine -N -w 20 -r "$RUNS" --output=null "$@"
