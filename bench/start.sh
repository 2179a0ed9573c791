#!/bin/sh
# bench/start.sh - what every sovsync process pays to start.
#
# hyperfine (Debian package) runs, in one run: `git --version`, `sovsync
# --version` (no libgit2 init) and `sovsync hook none` (a process that
# initialises libgit2, as every hook and filter does, then does nothing:
# "not a sovsync hook; ignored").  $OLD, if set, is another sovsync binary
# timed alongside (e.g. OLD=/work/old/bin/sovsync).  Goal: --version <= 3x git
# in CPU time; prints `GOAL start-version` (bench/README.md).
#   RUNS=300 OLD=/path/to/old/sovsync sh bench/start.sh
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC=${SOVSYNC:-$SRCDIR/bin/sovsync}
RUNS=${RUNS:-300}
command -v hyperfine >/dev/null ||
	{ echo "bench/start.sh: hyperfine not found (apt-get install hyperfine)" >&2; exit 1; }

set -- 'git --version' "$SOVSYNC --version" "$SOVSYNC hook none"
[ -z "${OLD:-}" ] || set -- "$@" "$OLD --version" "$OLD hook none"
JSON=$(mktemp)
trap 'rm -f "$JSON"' EXIT
hyperfine -N -w 20 -r "$RUNS" --output=null --export-json "$JSON" "$@"
# The goal is on CPU time (perf stat's task-clock): hyperfine's mean user +
# system time of each command, first git, then sovsync --version.
python3 - "$JSON" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
cpu = [1000 * (x["user"] + x["system"]) for x in r]
print("# CPU ms (user + system), mean: " + ", ".join(
    "%s %.2f" % (x["command"], c) for x, c in zip(r, cpu)))
print("GOAL start-version %.2f %.2f %.2f 3.00" % (cpu[1], cpu[0], cpu[1] / cpu[0]))
PY
