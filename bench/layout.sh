#!/bin/sh
# bench/layout.sh - merge-memories on every layout bench/memgen.py writes
# (sovsync's canonical one and other writers': compact, minified, pretty4,
# crlf, reorder, escaped), 100k memories per side: best of 3 wall times of
# git merge-file (writing its result to a file, as merge.sh does), the old build (OLD, default /work/old/bin/sovsync; skipped
# when absent) and this one, with the ratios to git merge-file measured in
# the same run, and whether both builds wrote the same bytes.
#   usage: sh bench/layout.sh [SRC]   (SRC: the source tree, default .)
#   LAYOUTS="canonical compact"  N=100000  OLD=/path/to/old/sovsync
# Prints `GOAL merge-<layout>` (wall) and `GOAL merge-<layout>-cpu` (user +
# system) lines per layout (bench/README.md): the goal is sovsync <= 1.0x
# git merge-file on every layout.
set -e
SRC=$(cd "${1:-.}" && pwd); D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
OLD=${OLD:-/work/old/bin/sovsync}
N=${N:-100000}
LAYOUTS=${LAYOUTS:-canonical compact minified pretty4 crlf reorder escaped}
best() { b=; for i in 1 2 3; do cp A.json R.json; s=$(date +%s.%N); sh -c "$1" >/dev/null 2>&1 || true; e=$(date +%s.%N); t=$(echo "$e - $s" | bc); if [ -z "$b" ] || [ $(echo "$t < $b" | bc) = 1 ]; then b=$t; fi; done; printf '%.3f' $b; }
# cpu CMD: best of 3 CPU seconds (user + system, /usr/bin/time), steadier than
# wall time on a shared machine; n/a without /usr/bin/time.
cpu() { [ -x /usr/bin/time ] || { printf n/a; return; }; b=; for i in 1 2 3; do cp A.json R.json; t=$(/usr/bin/time -f '%U %S' sh -c "exec $1 >/dev/null 2>&1" 2>&1 | tail -n 1 | awk '{ print $1 + $2 }'); if [ -z "$b" ] || [ $(echo "$t < $b" | bc) = 1 ]; then b=$t; fi; done; printf '%.3f' $b; }
ratio() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; }
for layout in $LAYOUTS; do
	mkdir -p $D/$layout; cd $D/$layout
	python3 $SRC/bench/memgen.py . $N 500 300 1 $layout
	# Like sovsync, git merge-file writes the merged file.
	mf=$(best 'git merge-file -p A.json O.json B.json >mf.out')
	old=n/a; [ -x "$OLD" ] && old=$(best "$OLD merge-memories O.json R.json B.json memories.json")
	new=$(best "$SRC/bin/sovsync merge-memories O.json R.json B.json memories.json")
	mf_cpu=$(cpu 'git merge-file -p A.json O.json B.json >mf.out')
	new_cpu=$(cpu "$SRC/bin/sovsync merge-memories O.json R.json B.json memories.json")
	cp A.json N.json && "$SRC/bin/sovsync" merge-memories O.json N.json B.json memories.json
	kept=$(python3 $SRC/bench/memcount.py . N.json | awk '{ print $2 "+" $3 }')
	same=n/a r_old=n/a
	if [ -x "$OLD" ]; then
		cp A.json R.json && "$OLD" merge-memories O.json R.json B.json memories.json
		same=differ; cmp -s R.json N.json && same=same
		r_old=$(ratio $old $mf)x
	fi
	echo "$layout mf=$mf old=$old ($r_old) new=$new ($(ratio $new $mf)x) kept=$kept result: $same bytes; CPU mf=$mf_cpu new=$new_cpu"
	echo "GOAL merge-$layout $new $mf $(ratio $new $mf) 1.00"
	[ "$new_cpu" = n/a ] || echo "GOAL merge-$layout-cpu $new_cpu $mf_cpu $(ratio $new_cpu $mf_cpu) 1.00"
	cd $D; rm -rf $D/$layout
done
