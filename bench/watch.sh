#!/bin/sh
# bench/watch.sh - how fast `sovsync watch` gets a write to the remote, and
# what it costs while idle.
#
#   1. latency: write one file, time until its commit is on the remote
#      (a bare repository over file://, the loopback case), median of
#      WRITES (20) writes, watcher debounce 1 s.  Baseline measured in the
#      same run: `git add -A && git commit && git push` typed by hand on the
#      same repositories, i.e. the floor for the same work.
#   2. idle CPU: the watcher's own CPU time (and its git children's) over
#      IDLE seconds (60) with the default settings (pull every 60 s).
#
# Usage: sh bench/watch.sh   (env: WRITES=20 IDLE=60 SOVSYNC_BIN=bin)
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SOVSYNC_BIN:-$SRCDIR/bin}
WRITES=${WRITES:-20}
IDLE=${IDLE:-60}
PATH=$BIN:$PATH
export PATH

DIR=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-bench-watch.XXXXXX")
HOME=$DIR/home
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export HOME GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
mkdir -p "$HOME"
git config --global init.defaultBranch main
WATCH_PID=
cleanup() {
	if [ -n "$WATCH_PID" ]; then
		kill -TERM "$WATCH_PID" 2>/dev/null || true
		wait "$WATCH_PID" 2>/dev/null || true
	fi
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }

# median of the numbers on standard input
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wait_remote PATH: poll (10 ms) until the remote's main has PATH; 60 s bound.
wait_remote() {
	_i=0
	until git -C "$DIR/remote.git" cat-file -e "main:$1" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt 6000 ]; then
			echo "bench/watch.sh: $1 never reached the remote" >&2
			exit 1
		fi
		sleep 0.01
	done
}

git init -q --bare "$DIR/remote.git"
git clone -q "$DIR/remote.git" "$DIR/clone" 2>/dev/null
cd "$DIR/clone"
mkdir shared
echo seed >shared/seed.md
git add shared && git commit -q -m seed && git push -q origin HEAD:main

# Baseline: the same write committed and pushed by hand.
: >"$DIR/base.ms"
i=0
while [ $i -lt "$WRITES" ]; do
	t0=$(now_ns)
	echo "base $i" >shared/base-$i.md
	git add -A shared && git commit -q -m "base $i" && git push -q origin HEAD:main
	wait_remote shared/base-$i.md
	echo $((($(now_ns) - t0) / 1000000)) >>"$DIR/base.ms"
	i=$((i + 1))
done

# The watcher, debounce 1 s; pulls pushed far out so they do not interfere.
sovsync watch --quiet --debounce=1 --pull-interval=3600 &
WATCH_PID=$!
sleep 2
: >"$DIR/watch.ms"
i=0
while [ $i -lt "$WRITES" ]; do
	t0=$(now_ns)
	echo "write $i" >shared/write-$i.md
	wait_remote shared/write-$i.md
	echo $((($(now_ns) - t0) / 1000000)) >>"$DIR/watch.ms"
	i=$((i + 1))
done
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" || true
WATCH_PID=

# Idle: default settings, nothing written.
sovsync watch --quiet &
WATCH_PID=$!
sleep 2
ticks=$(getconf CLK_TCK)
# utime stime cutime cstime: fields 14-17 of /proc/<pid>/stat (the name
# in field 2 has no spaces here).
cpu() { awk '{ print $14 + $15, $16 + $17 }' "/proc/$WATCH_PID/stat"; }
set -- $(cpu)
self0=$1 kids0=$2
sleep "$IDLE"
set -- $(cpu)
self1=$1 kids1=$2
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" || true
WATCH_PID=

base=$(median <"$DIR/base.ms")
lat=$(median <"$DIR/watch.ms")
max=$(sort -n "$DIR/watch.ms" | tail -1)
min=$(sort -n "$DIR/watch.ms" | head -1)
awk -v base="$base" -v lat="$lat" -v min="$min" -v max="$max" -v n="$WRITES" \
    -v idle="$IDLE" -v t="$ticks" -v s0="$self0" -v s1="$self1" -v k0="$kids0" -v k1="$kids1" 'BEGIN {
	printf "watch: write -> commit on the remote (file://), debounce 1 s, %d writes\n", n
	printf "  median %d ms (min %d, max %d); goal <= 2000 ms\n", lat, min, max
	printf "  baseline git add+commit+push by hand: median %d ms\n", base
	printf "  watcher overhead beyond debounce + baseline: %d ms\n", lat - 1000 - base
	printf "  vs the design'"'"'s 15-minute interval (mean wait 450 s): %.0fx sooner\n", 450000 / lat
	self = (s1 - s0) / t; kids = (k1 - k0) / t
	printf "watch: idle CPU over %d s (default settings, one pull per 60 s)\n", idle
	printf "  watcher %.2f s = %.3f%% of a core; with its git children %.2f s = %.3f%%; goal < 1%%\n",
		self, 100 * self / idle, self + kids, 100 * (self + kids) / idle
}'
