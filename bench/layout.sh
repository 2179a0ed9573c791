#!/bin/sh
# bench/layout.sh - merge-memories on sovsync's canonical layout and on the
# compact one (one memory per line, as other writers do), 100k memories per
# side from bench/memgen.py: best of 3 wall times of git merge-file, the old
# build (OLD, default /work/old/bin/sovsync; skipped when absent) and this one, with the ratios to
# git merge-file measured in the same run.
#   usage: sh bench/layout.sh [SRC]   (SRC: the source tree, default .)
set -e
SRC=$(cd "${1:-.}" && pwd); D=$(mktemp -d)
OLD=${OLD:-/work/old/bin/sovsync}
best() { b=; for i in 1 2 3; do cp A.json R.json; s=$(date +%s.%N); sh -c "$1" >/dev/null 2>&1 || true; e=$(date +%s.%N); t=$(echo "$e - $s" | bc); if [ -z "$b" ] || [ $(echo "$t < $b" | bc) = 1 ]; then b=$t; fi; done; printf '%.3f' $b; }
for layout in canonical compact; do
	mkdir -p $D/$layout; cd $D/$layout
	python3 $SRC/bench/memgen.py . 100000 500 300 1 $layout
	mf=$(best 'git merge-file -p A.json O.json B.json')
	old=n/a; [ -x "$OLD" ] && old=$(best "$OLD merge-memories O.json R.json B.json memories.json")
	new=$(best "$SRC/bin/sovsync merge-memories O.json R.json B.json memories.json")
	cp A.json N.json && "$SRC/bin/sovsync" merge-memories O.json N.json B.json memories.json
	same=n/a r_old=n/a
	if [ -x "$OLD" ]; then
		cp A.json R.json && "$OLD" merge-memories O.json R.json B.json memories.json
		same=differ; cmp -s R.json N.json && same=same
		r_old=$(echo "scale=2; $old / $mf" | bc)x
	fi
	echo "$layout mf=$mf old=$old ($r_old) new=$new ($(echo "scale=2; $new / $mf" | bc)x) result: $same bytes"
done
rm -rf $D
