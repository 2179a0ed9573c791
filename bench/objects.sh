#!/bin/sh
# bench/objects.sh - `.git/objects` after two versions and `git gc`, plain
# Git against sovsync, on the benchmark corpus and on an embeddings file.
#
#   sh bench/objects.sh [--old DIR]
#
# Data sets (deterministic): the corpus of bench/gen_corpus.py (64 MiB of
# JSONL memories + 16 MiB of float32 Gaussian noise), and a 16 MiB .npy of
# 1536-dimensional unit-length float32 embeddings from a clustered low-rank
# model (bench/gen_embeddings.py).  Each is committed, edited (the corpus:
# a 1 KiB line inserted in the middle of the JSONL; the embeddings: 64 rows
# appended) and committed again, then `git gc --aggressive --prune=now`;
# the figure is `du -sb .git/objects`.  Kinds: plain Git; sovsync (this
# build; every file tracked); with --old DIR also the sovsync binary in DIR
# (e.g. /work/old/bin), for a before/after in the same run.  Also prints
# the stored size of each file alone and `gzip -6` of it.
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC=${SOVSYNC_BIN:-$SRCDIR/bin}/sovsync
OLD=
while [ $# -gt 0 ]; do
	case "$1" in
	--old) OLD=$2/sovsync; shift ;;
	-h|--help) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "objects.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done

W=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-bench-objects.XXXXXX")
trap 'rm -rf "$W"' EXIT
export HOME=$W/home GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main

echo "# generating data in $W" >&2
mkdir "$W/data"
python3 "$SRCDIR/bench/gen_corpus.py" "$W/data" 64 16
python3 "$SRCDIR/bench/gen_embeddings.py" "$W/data/embeddings.npy" 2730 1536
python3 "$SRCDIR/bench/gen_embeddings.py" "$W/emb2.npy" 2794 1536

# repo KIND BIN DIR: an empty repository; sovsync kinds track every file.
repo() {
	git init -q "$3"
	if [ "$1" != plain ]; then
		git -C "$3" config filter.sovsync.process "$2 filter-process"
		git -C "$3" config filter.sovsync.required true
		git -C "$3" config sovsync.filter.minSize 1m
		echo '* filter=sovsync' >"$3/.gitattributes"
		git -C "$3" add .gitattributes
		git -C "$3" commit -q -m attributes
	fi
}

objects() { du -sb "$1/.git/objects" | cut -f1; }
stored() { git -C "$1" cat-file -s "HEAD:$2"; }

KINDS="plain sovsync"
[ -n "$OLD" ] && KINDS="plain old sovsync"
for k in $KINDS; do
	case $k in old) bin=$OLD ;; *) bin=$SOVSYNC ;; esac
	for set in corpus embeddings; do
		d=$W/$k-$set
		repo $k "$bin" "$d"
		case $set in
		corpus)
			cp "$W/data/memories.jsonl" "$W/data/vectors.f32" "$d/"
			git -C "$d" add memories.jsonl vectors.f32
			git -C "$d" commit -q -m v1
			eval "S_${k}_jsonl=$(stored "$d" memories.jsonl)"
			eval "S_${k}_f32=$(stored "$d" vectors.f32)"
			python3 "$SRCDIR/bench/gen_corpus.py" --insert "$d/memories.jsonl" 1024 ;;
		embeddings)
			cp "$W/data/embeddings.npy" "$d/"
			git -C "$d" add embeddings.npy
			git -C "$d" commit -q -m v1
			eval "S_${k}_npy=$(stored "$d" embeddings.npy)"
			cp "$W/emb2.npy" "$d/embeddings.npy" ;;
		esac
		git -C "$d" commit -q -a -m v2
		git -C "$d" gc -q --aggressive --prune=now
		eval "O_${k}_$set=$(objects "$d")"
		rm -rf "$d"
	done
done
G_jsonl=$(gzip -6 -c "$W/data/memories.jsonl" | wc -c)
G_f32=$(gzip -6 -c "$W/data/vectors.f32" | wc -c)
G_npy=$(gzip -6 -c "$W/data/embeddings.npy" | wc -c)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3fx", a / b }'; }
printf '%-34s %12s %12s %12s %10s\n' "" plain old sovsync "new/plain"
for set in corpus embeddings; do
	eval "p=\$O_plain_$set; n=\$O_sovsync_$set; o=\${O_old_$set:--}"
	printf '%-34s %12s %12s %12s %10s\n' ".git/objects, $set, 2 versions" "$p" "$o" "$n" "$(ratio "$n" "$p")"
done
for f in jsonl f32 npy; do
	eval "g=\$G_$f; n=\$S_sovsync_$f; o=\${S_old_$f:--}"
	printf '%-34s %12s %12s %12s %10s\n' "stored form of the .$f (gzip -6)" "$g" "$o" "$n" "$(ratio "$n" "$g")"
done
