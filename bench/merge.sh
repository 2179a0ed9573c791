#!/bin/sh
# bench/merge.sh - sovsync merge-memories against git merge-file and the npm
# git-json-merge driver on synthetic mem0 exports (bench/memgen.py).
#
# For each size, both sides add 500 memories and edit 300 (different ones),
# and every tool merges the same three files.  Prints mean wall times (by
# hyperfine when installed, else one timed run), the ratio to git merge-file
# measured in the same run, and how many of the 1000 additions and 600 edits
# each result kept (0 when it is not valid JSON).
#
#   SOVSYNC_BENCH_SIZES="10000 100000 1000000"   sizes (memories per side)
#   SOVSYNC_BENCH_PEER_MAX=100000                 largest size for git-json-merge
#   SOVSYNC_BENCH_RUNS=5                          hyperfine runs (2 from 1M)
#   SOVSYNC_BENCH_DIR=...                         scratch (default: mktemp -d)
#   SOVSYNC_BENCH_LAYOUT=compact                  one memory per line, as other
#                                                 writers do (default: canonical;
#                                                 bench/memgen.py lists the others)
# Prints `GOAL merge-<layout>-<n>` per size (bench/README.md).
# git-json-merge is installed with npm into bench/.cache/ (gitignored) on
# first use; without npm or network the peer column says "n/a".
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC=${SOVSYNC_BIN:-$SRC/bin}/sovsync
SIZES=${SOVSYNC_BENCH_SIZES:-10000 100000 1000000}
PEER_MAX=${SOVSYNC_BENCH_PEER_MAX:-100000}
RUNS=${SOVSYNC_BENCH_RUNS:-5}
LAYOUT=${SOVSYNC_BENCH_LAYOUT:-canonical}
WORK=${SOVSYNC_BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/sovsync-bench-merge.XXXXXX")}
NPM_DIR=$SRC/bench/.cache/npm
PEER=$NPM_DIR/node_modules/.bin/git-json-merge

[ -x "$SOVSYNC" ] || { echo "bench/merge.sh: build first (make)" >&2; exit 1; }
trap 'rm -rf "$WORK"' EXIT

if ! [ -x "$PEER" ] && command -v npm >/dev/null 2>&1; then
	mkdir -p "$NPM_DIR"
	npm install --silent --no-audit --no-fund --prefix "$NPM_DIR" git-json-merge \
		>/dev/null 2>&1 || echo "# npm install git-json-merge failed: peer skipped"
fi

# mean_time LABEL CMD: mean seconds of CMD, run in the size's directory with
# R.json a fresh copy of A.json before each run.
mean_time() {
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -i -w 1 -r "$2" --prepare 'cp A.json R.json' \
			--export-json "$1.json" "$3" >/dev/null 2>&1
		python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$1.json"
	else
		cp A.json R.json
		python3 -c 'import subprocess,sys,time
t=time.time(); subprocess.call(sys.argv[1], shell=True); print("%.3f" % (time.time()-t))' "$3"
	fi
}

# kept "VALID ADDS EDITS": "ADDS+EDITS", or why not.
kept() {
	echo "$1" | awk '{ if (NF != 3) print $1; else if ($1 == 0) print "not-JSON"; else print $2 "+" $3 }'
}

ratio() {
	python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"
}

printf '%-9s %-8s %-10s %-10s %-6s %-14s %-10s %-6s %-14s\n' memories MB \
	merge-file sovsync ratio "sovsync kept" json-merge ratio "json-merge kept"
for n in $SIZES; do
	d=$WORK/$n
	mkdir -p "$d"
	python3 "$SRC/bench/memgen.py" "$d" "$n" 500 300 1 "$LAYOUT"
	cd "$d"
	mb=$(python3 -c 'import os; print("%.1f" % (os.path.getsize("A.json") / 1e6))')

	runs=$RUNS
	[ "$n" -ge 1000000 ] && runs=2
	t_mf=$(mean_time mf "$runs" 'git merge-file -p A.json O.json B.json >mf.out')
	git merge-file -p A.json O.json B.json >mf.out || true

	t_sov=$(mean_time sov "$runs" "$SOVSYNC merge-memories O.json R.json B.json memories.json")
	cp A.json R.json
	"$SOVSYNC" merge-memories O.json R.json B.json memories.json
	kept_sov=$(python3 "$SRC/bench/memcount.py" . R.json)

	t_peer=n/a r_peer=n/a kept_peer=n/a
	if [ -x "$PEER" ] && [ "$n" -le "$PEER_MAX" ]; then
		# One run: it is slow and its result is the point.
		cp A.json P.json
		t_peer=$(python3 -c 'import subprocess,sys,time
t=time.time(); subprocess.call(sys.argv[1:]); print("%.3f" % (time.time()-t))' \
			"$PEER" P.json O.json B.json 2>/dev/null)
		r_peer=$(ratio "$t_peer" "$t_mf")
		kept_peer=$(python3 "$SRC/bench/memcount.py" . P.json)
	fi
	printf '%-9s %-8s %-10s %-10s %-6s %-14s %-10s %-6s %-14s\n' "$n" "$mb" \
		"$t_mf" "$t_sov" "$(ratio "$t_sov" "$t_mf")" \
		"$(kept "$kept_sov")" "$t_peer" "$r_peer" "$(kept "$kept_peer")"
	echo "GOAL merge-$LAYOUT-$n $t_sov $t_mf $(ratio "$t_sov" "$t_mf") 1.00"
	cd "$SRC"
	rm -rf "$d"
done
echo "# kept: additions (of 1000) + edits (of 600) found in the result;"
echo "# merge-file leaves conflict markers (not JSON): it keeps 0+0 by that count."
echo "# sovsync per-memory time should stay flat from 10k to 1M (linear)."
