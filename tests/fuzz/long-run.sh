#!/bin/sh
# Long fuzz campaign, as the hardening issue asks: each target runs until it
# has made 10 million executions or run for 30 minutes, whichever comes
# first, on a scratch copy of its seed corpus.  The tree's corpus is never
# modified: new inputs and any crash reproducer stay under the output
# directory, to be reviewed and, for a crash, added as a regression input.
#
# usage: tests/fuzz/long-run.sh [-o OUTDIR] [-t SECONDS] [-n RUNS] [TARGET...]
#
# Prints one markdown row per target (the table of docs/RELIABILITY.md):
# target, wall time, executions, exec/s, coverage, features, corpus, crashes.
# Exits 1 if any target found a crash, leak, timeout or sanitizer report.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${TMPDIR:-/tmp}/sovsync-fuzz-long
seconds=1800
runs=10000000

while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	-t) seconds=$2; shift 2 ;;
	-n) runs=$2; shift 2 ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) echo "long-run.sh: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done

if [ $# -eq 0 ]; then
	set --
	for src in "$top"/tests/fuzz/*.c; do
		set -- "$@" "$(basename "$src" .c)"
	done
fi

mkdir -p "$out" || exit 1
status=0
for t in "$@"; do
	bin=$top/build/fuzz/$t
	if ! [ -x "$bin" ]; then
		echo "long-run.sh: $bin: not built (run make fuzz)" >&2
		exit 2
	fi
	rm -rf "$out/$t"
	mkdir -p "$out/$t/corpus" "$out/$t/artifacts"
	cp "$top/tests/fuzz/corpus/$t"/* "$out/$t/corpus/" 2>/dev/null
	start=$(date +%s)
	"$bin" -runs="$runs" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/$t/artifacts/" \
		"$out/$t/corpus" >"$out/$t/log" 2>&1
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t/log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t/log")
	last=$(grep -E '^#[0-9]+' "$out/$t/log" | grep ' cov: ' | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
	crashes=$(ls "$out/$t/artifacts" | wc -l)
	[ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] || status=1
	printf '| `%s` | %s s | %s | %s | %s | %s | %s | %s (exit %s) |\n' \
		"$t" "$((end - start))" "$execs" "$rate" "$cov" "$ft" "$corp" \
		"$crashes" "$rc"
done
exit $status
