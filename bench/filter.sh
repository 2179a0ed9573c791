#!/bin/sh
# bench/filter.sh - the large-file filter against plain Git and git-lfs.
#
#   sh bench/filter.sh [--runs N] [--rss-gib G] [--keep]
#
# Generates a deterministic corpus (64 MiB of mem0-style JSONL + 16 MiB of
# float32 vectors, bench/gen_corpus.py) and measures, in one run, for plain
# Git (no filter), git-lfs (`git lfs track`) and sovsync (filter-process):
#   1. git add of the corpus (best of N runs, each in a fresh repository)
#   2. size of .git/objects (+ .git/lfs for lfs) after two versions and gc
#   3. pack sent by a push after inserting 1 KiB in the middle of the JSONL
#      (git pack-objects --revs --thin with the remote's commit as base,
#      what git push sends; for lfs plus the new LFS object it uploads)
#   4. checkout of the corpus (files deleted, git checkout -- .; best of N)
#   5. git add of 10,000 small tracked files, with and without the filter
#   6. peak RSS of the filter on a G GiB file (default 1; the issue's figure
#      is --rss-gib 4): /usr/bin/time -v wrapped around the filter-process
#      that git add and git checkout start, and around one-shot clean/smudge
# Ratios are against plain Git measured in the same run.  Times are wall
# clock on a machine other people may share: take the best of N.
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC=${SOVSYNC_BIN:-$SRCDIR/bin}/sovsync
RUNS=3
RSS_GIB=1
KEEP=0
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=$2; shift ;;
	--rss-gib) RSS_GIB=$2; shift ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '2,21s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "filter.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done

[ -x "$SOVSYNC" ] || { echo "filter.sh: $SOVSYNC not built (run make)" >&2; exit 1; }
command -v git-lfs >/dev/null || { echo "filter.sh: git-lfs missing (install/deps.sh --bench)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "filter.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-bench-filter.XXXXXX")
cleanup() { [ "$KEEP" = 1 ] && echo "kept $W" || rm -rf "$W"; }
trap cleanup EXIT
export HOME=$W/home GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main
git config --global protocol.file.allow always

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
mib() { awk -v a="$1" 'BEGIN { printf "%.2f MiB", a / 1048576 }'; }
kib() { awk -v a="$1" 'BEGIN { printf "%.1f KiB", a / 1024 }'; }

echo "# generating corpus in $W" >&2
mkdir "$W/corpus"
python3 "$SRCDIR/bench/gen_corpus.py" "$W/corpus" 64 16
JSONL_SIZE=$(wc -c <"$W/corpus/memories.jsonl")

# setup KIND DIR: an empty repository for plain, lfs or sovsync.
setup() {
	git init -q "$2"
	case "$1" in
	lfs)
		git -C "$2" lfs install --local >/dev/null
		(cd "$2" && git lfs track '*.jsonl' '*.f32' 'small/*' >/dev/null) ;;
	sovsync)
		git -C "$2" config filter.sovsync.process "$SOVSYNC filter-process"
		git -C "$2" config filter.sovsync.required true
		(cd "$2" && "$SOVSYNC" track '*.jsonl' '*.f32' 'small/*' >/dev/null) ;;
	esac
	if [ -f "$2/.gitattributes" ]; then
		git -C "$2" add .gitattributes
		git -C "$2" commit -q -m attributes
	fi
}

KINDS="plain lfs sovsync"
for k in $KINDS; do
	echo "# $k: add, objects, push, checkout" >&2
	best=
	for i in $(seq "$RUNS"); do
		rm -rf "$W/$k"
		setup $k "$W/$k"
		cp "$W/corpus/"* "$W/$k/"
		sync
		t=$(now)
		git -C "$W/$k" add memories.jsonl vectors.f32
		best=$(min "$best" "$(elapsed "$t")")
	done
	eval "ADD_$k=$best"
	git -C "$W/$k" commit -q -m v1
	git init -q --bare "$W/$k.remote.git"
	git -C "$W/$k" remote add origin "file://$W/$k.remote.git"
	git -C "$W/$k" config lfs.locksverify false
	git -C "$W/$k" push -q origin main 2>/dev/null
	base=$(git -C "$W/$k" rev-parse HEAD)

	python3 "$SRCDIR/bench/gen_corpus.py" --insert "$W/$k/memories.jsonl" 1024
	git -C "$W/$k" commit -q -a -m v2
	pack=$(printf '%s\n^%s\n' HEAD "$base" |
		(cd "$W/$k" && git pack-objects --revs --thin --stdout -q) | wc -c)
	if [ $k = lfs ]; then
		oid=$(git -C "$W/$k" cat-file blob HEAD:memories.jsonl | sed -n 's/^oid sha256://p')
		pack=$((pack + $(wc -c <"$W/$k/.git/lfs/objects/$(echo "$oid" | cut -c1-2)/$(echo "$oid" | cut -c3-4)/$oid")))
	fi
	eval "PUSH_$k=$pack"
	# The push itself must work (and be small for the same reason).
	git -C "$W/$k" push -q origin main 2>/dev/null

	git -C "$W/$k" gc -q --aggressive --prune=now 2>/dev/null || git -C "$W/$k" gc -q --prune=now
	objs=$(du -sb "$W/$k/.git/objects" | cut -f1)
	[ $k = lfs ] && objs=$((objs + $(du -sb "$W/$k/.git/lfs/objects" | cut -f1)))
	eval "OBJ_$k=$objs"

	best=
	for i in $(seq "$RUNS"); do
		rm -f "$W/$k/memories.jsonl" "$W/$k/vectors.f32"
		sync
		t=$(now)
		git -C "$W/$k" checkout -- memories.jsonl vectors.f32
		best=$(min "$best" "$(elapsed "$t")")
	done
	cmp "$W/$k/vectors.f32" "$W/corpus/vectors.f32"
	eval "CO_$k=$best"
	test -z "$(git -C "$W/$k" status --porcelain)" || { echo "filter.sh: $k: status not clean" >&2; exit 1; }
done

echo "# 10,000 small files" >&2
mkdir "$W/small"
i=0
while [ $i -lt 10000 ]; do
	printf '{"id":"%05d","memory":"small memory number %d","user_id":"alex"}\n' $i $i >"$W/small/m$i.json"
	i=$((i + 1))
done
for k in $KINDS; do
	best=
	for i in $(seq "$RUNS"); do
		rm -rf "$W/s-$k"
		setup $k "$W/s-$k"
		cp -r "$W/small" "$W/s-$k/small"
		sync
		t=$(now)
		git -C "$W/s-$k" add small
		best=$(min "$best" "$(elapsed "$t")")
	done
	eval "SMALL_$k=$best"
done

echo "# peak RSS on a $RSS_GIB GiB file" >&2
# Text and vectors, repeated with a counter so that chunks differ.
big=$W/big.bin
n=0
: >"$big"
while [ "$(wc -c <"$big")" -lt $((RSS_GIB * 1073741824)) ]; do
	printf 'copy %d\n' $n >>"$big"
	cat "$W/corpus/memories.jsonl" "$W/corpus/vectors.f32" >>"$big"
	n=$((n + 1))
done
truncate -s $((RSS_GIB * 1073741824)) "$big"
rm -rf "$W/plain" "$W/lfs" "$W/s-plain" "$W/s-lfs" "$W/"*.remote.git
rm -rf "$W/rss"
setup sovsync "$W/rss"
(cd "$W/rss" && "$SOVSYNC" track big.bin >/dev/null)
git -C "$W/rss" config filter.sovsync.process \
	"/usr/bin/time -v -a -o $W/rss.time $SOVSYNC filter-process"
mv "$big" "$W/rss/big.bin"
rss_of() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | sort -n | tail -n 1; }
: >"$W/rss.time"
git -C "$W/rss" add big.bin
RSS_ADD=$(rss_of "$W/rss.time")
git -C "$W/rss" commit -q -m big
git -C "$W/rss" cat-file blob HEAD:big.bin >"$W/big.stored"
STORED_SIZE=$(wc -c <"$W/big.stored")
mv "$W/rss/big.bin" "$W/big.orig"
: >"$W/rss.time"
git -C "$W/rss" checkout -- big.bin
RSS_CO=$(rss_of "$W/rss.time")
cmp "$W/rss/big.bin" "$W/big.orig"
rm -f "$W/rss/big.bin"
/usr/bin/time -v -o "$W/clean.time" "$SOVSYNC" clean <"$W/big.orig" >/dev/null
RSS_CLEAN=$(rss_of "$W/clean.time")
/usr/bin/time -v -o "$W/smudge.time" "$SOVSYNC" smudge <"$W/big.stored" >/dev/null
RSS_SMUDGE=$(rss_of "$W/smudge.time")
rm -rf "$W/rss" "$W/big.orig" "$W/big.stored"

printf '\n%-44s %12s %12s %12s %10s %10s\n' "sovsync large-file filter" plain git-lfs sovsync "lfs/plain" "sov/plain"
row() { printf '%-44s %12s %12s %12s %10s %10s\n' "$1" "$2" "$3" "$4" "$5" "$6"; }
row "1. git add of the corpus (s)" "$ADD_plain" "$ADD_lfs" "$ADD_sovsync" \
	"$(ratio "$ADD_lfs" "$ADD_plain")" "$(ratio "$ADD_sovsync" "$ADD_plain")"
row "2. objects after 2 versions + gc" "$(mib "$OBJ_plain")" "$(mib "$OBJ_lfs")" "$(mib "$OBJ_sovsync")" \
	"$(ratio "$OBJ_lfs" "$OBJ_plain")" "$(ratio "$OBJ_sovsync" "$OBJ_plain")"
row "3. push after 1 KiB insertion" "$(kib "$PUSH_plain")" "$(kib "$PUSH_lfs")" "$(kib "$PUSH_sovsync")" \
	"$(ratio "$PUSH_lfs" "$PUSH_plain")" "$(ratio "$PUSH_sovsync" "$PUSH_plain")"
row "   ... as % of the JSONL file" \
	"$(awk -v a="$PUSH_plain" -v b="$JSONL_SIZE" 'BEGIN { printf "%.3f%%", 100 * a / b }')" \
	"$(awk -v a="$PUSH_lfs" -v b="$JSONL_SIZE" 'BEGIN { printf "%.3f%%", 100 * a / b }')" \
	"$(awk -v a="$PUSH_sovsync" -v b="$JSONL_SIZE" 'BEGIN { printf "%.3f%%", 100 * a / b }')" "" ""
row "4. checkout of the corpus (s)" "$CO_plain" "$CO_lfs" "$CO_sovsync" \
	"$(ratio "$CO_lfs" "$CO_plain")" "$(ratio "$CO_sovsync" "$CO_plain")"
row "5. git add of 10,000 small files (s)" "$SMALL_plain" "$SMALL_lfs" "$SMALL_sovsync" \
	"$(ratio "$SMALL_lfs" "$SMALL_plain")" "$(ratio "$SMALL_sovsync" "$SMALL_plain")"
printf '%-44s %s\n' "6. peak RSS, $RSS_GIB GiB file (stored $(mib "$STORED_SIZE")):" ""
printf '   %-41s %s MiB\n' "filter-process under git add" "$((RSS_ADD / 1024))" \
	"filter-process under git checkout" "$((RSS_CO / 1024))" \
	"sovsync clean (stdin to stdout)" "$((RSS_CLEAN / 1024))" \
	"sovsync smudge (stdin to stdout)" "$((RSS_SMUDGE / 1024))"
echo "(times: best of $RUNS runs; $(nproc) CPUs; $(git --version); $(git lfs version | cut -d' ' -f1))"
