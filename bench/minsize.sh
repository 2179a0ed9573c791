#!/bin/sh
# bench/minsize.sh - where the filter's frames start to pay: the measurement
# behind the default of sovsync.filter.minSize (docs/BENCHMARKS.md).
#
#   sh bench/minsize.sh [--sizes "16k 64k 256k 1m 4m 16m"] [--runs N] [--keep]
#
# For each size, a deterministic mem0-style JSONL file of that size is
# committed under filter=sovsync twice: stored plain (minSize above it) and
# stored in frames (minSize 0).  Measured for each:
#   stored   .git/objects after two versions and git gc (pack + loose)
#   push     pack a push sends after inserting one 1 KiB line in the middle
#            (git pack-objects --revs --thin, the remote's commit as base)
#   add      git add of the file through filter-process (best of N runs)
# Times are wall clock on a shared machine: take the best of N.
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC=${SOVSYNC_BIN:-$SRCDIR/bin}/sovsync
SIZES="16k 64k 256k 1m 4m 16m"
RUNS=3
KEEP=0
while [ $# -gt 0 ]; do
	case "$1" in
	--sizes) SIZES=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "minsize.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -x "$SOVSYNC" ] || { echo "minsize.sh: $SOVSYNC not built (run make)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-minsize.XXXXXX")
[ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main
git config --global filter.sovsync.process "$SOVSYNC filter-process"
git config --global filter.sovsync.required true

bytes() {
	case "$1" in
	*k) echo $(( ${1%k} * 1024 )) ;;
	*m) echo $(( ${1%m} * 1024 * 1024 )) ;;
	*) echo "$1" ;;
	esac
}

# jsonl FILE SIZE: deterministic memories, cut at SIZE bytes (whole lines).
jsonl() {
	python3 - "$1" "$2" <<-\EOF
	import json, random, sys
	path, size = sys.argv[1], int(sys.argv[2])
	r = random.Random(20261203)
	words = ("user likes prefers coffee tea works on project sovsync runs "
	         "every sunday lives in lisbon reads books about distributed "
	         "systems and music plays guitar").split()
	out, n, i = [], 0, 0
	while True:
	    line = json.dumps({"id": "m%07d" % i, "memory": " ".join(
	        r.choice(words) for _ in range(r.randint(6, 18))),
	        "score": round(r.random(), 4),
	        "created_at": "2026-%02d-%02dT10:00:00Z" % (r.randint(1, 12), r.randint(1, 28))},
	        separators=(",", ":")) + "\n"
	    if n + len(line) > size:
	        break
	    out.append(line); n += len(line); i += 1
	open(path, "w").write("".join(out))
	EOF
}

# insert_middle FILE: one 1 KiB line inserted in the middle.
insert_middle() {
	python3 - "$1" <<-\EOF
	import sys
	p = sys.argv[1]; lines = open(p).read().splitlines(True)
	mid = len(lines) // 2
	lines.insert(mid, '{"id":"inserted","memory":"' + "x" * 990 + '"}\n')
	open(p, "w").write("".join(lines))
	EOF
}

now_ms() { date +%s%3N; }

# measure MODE SIZE: prints "stored push add_ms" for MODE plain|frames.
measure() {
	mode=$1 size=$2 dir="$WORK/$1-$2"
	min=$([ "$mode" = plain ] && echo 64m || echo 0)
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
	git init -q --bare remote.git
	git init -q r && cd r
	git config sovsync.filter.minSize "$min"
	echo "*.jsonl filter=sovsync -text" >.gitattributes
	git add .gitattributes && git commit -q -m attrs
	jsonl mem.jsonl "$(bytes "$size")"
	best=
	i=0
	while [ $i -lt "$RUNS" ]; do
		git rm -q --cached mem.jsonl 2>/dev/null || :
		touch mem.jsonl
		t0=$(now_ms); git add mem.jsonl; t1=$(now_ms)
		ms=$((t1 - t0))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
		i=$((i + 1))
	done
	git commit -q -m v1
	git push -q ../remote.git main
	git fetch -q ../remote.git main
	insert_middle mem.jsonl
	git commit -q -a -m v2
	push=$(printf "HEAD\n^FETCH_HEAD\n" | git pack-objects --revs --thin --stdout -q | wc -c)
	git gc -q --prune=now
	stored=$(du -sb .git/objects | cut -f1)
	cd "$WORK"
	echo "$stored $push $best"
}

printf "| size | stored plain | stored frames | push plain | push frames | add plain | add frames |\n"
printf "| --- | --- | --- | --- | --- | --- | --- |\n"
for s in $SIZES; do
	set -- $(measure plain "$s")
	sp=$1 pp=$2 ap=$3
	set -- $(measure frames "$s")
	sf=$1 pf=$2 af=$3
	printf "| %s | %s | %s | %s | %s | %s ms | %s ms |\n" "$s" "$sp" "$sf" "$pp" "$pf" "$ap" "$af"
done
