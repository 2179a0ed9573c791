#!/bin/sh
# bench/docmerge.sh - the document merge driver against Git's own text merge.
#
#   1. `sovsync merge-doc` vs `git merge-file` on one large document
#      (LINES lines, default 200000, ~6 MB) where both sides edited
#      different lines and a few lines conflict (flagged into the queue);
#   2. a whole `git merge` of such a document with the driver configured vs
#      Git's built-in text merge (the attribute switched off with
#      -c core.attributesFile=/dev/null).
# The driver's result is first checked to be byte-identical to git merge-file's.
# Both baselines run in the same invocation; ratios are driver / baseline.
# Needs hyperfine (install/deps.sh --bench).
set -eu

LINES=${LINES:-200000}
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SOVSYNC_BIN:-$ROOT/bin}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-bench-docmerge.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

export HOME=$WORK/home GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main

# gen KIND: the document, with side KIND's edits (every 97th line for ours,
# every 101st for theirs, and the same 20 lines changed differently).
gen() {
	awk -v n="$LINES" -v kind="$1" 'BEGIN {
		for (i = 1; i <= n; i++) {
			line = "line " i " of the document, with some ordinary prose to merge"
			if (kind == "ours" && i % 97 == 0) line = line " (edited by ours)"
			if (kind == "theirs" && i % 101 == 0) line = line " (edited by theirs)"
			if (kind != "base" && i % (int(n / 20)) == 0 && i % 97 && i % 101)
				line = line " (conflict " kind ")"
			print line
		}
	}'
}

cd "$WORK"
git init -q repo
cd repo
gen base >O
gen ours >A.orig
gen theirs >B
git config merge.sovsync-doc.driver "$BIN/sovsync merge-doc %O %A %B %P %L"

cp A.orig A
git merge-file -p -L ours -L base -L theirs A O B >expect || true
"$BIN/sovsync" merge-doc O A B shared/documents/big.md 7 2>/dev/null
if ! cmp -s expect A; then
	echo "bench/docmerge.sh: merge-doc and git merge-file disagree" >&2
	exit 1
fi

# report LABEL BASELINE-NAME DRIVER-NAME JSON: the two means and their ratio.
report() {
	python3 - "$@" <<-\PY
	import json, sys
	label, base_name, drv_name, path = sys.argv[1:]
	r = json.load(open(path))["results"]
	base, drv = r[0]["mean"] * 1000, r[1]["mean"] * 1000
	print("%-10s  %s %.1f ms, %s %.1f ms, ratio %.2f" % (label, base_name, base, drv_name, drv, drv / base))
	PY
}

echo "# document merge: $LINES lines, $(wc -c <A.orig) bytes, $RUNS runs each"
hyperfine -N -w 2 -r "$RUNS" --export-json "$WORK/file.json" \
	--prepare 'cp A.orig A' 'git merge-file -L ours -L base -L theirs A O B' \
	--prepare 'cp A.orig A' "$BIN/sovsync merge-doc O A B shared/documents/big.md 7" \
	-i >/dev/null 2>&1
report merge-file "git merge-file" "sovsync merge-doc" "$WORK/file.json"

# A whole merge: the same three versions as commits.
mkdir -p shared/documents
cp O shared/documents/big.md
git add shared/documents/big.md
git commit -q -m base
git checkout -q -b theirs
cp B shared/documents/big.md
git commit -q -a -m theirs
git checkout -q main
cp A.orig shared/documents/big.md
git commit -q -a -m ours
ours=$(git rev-parse HEAD)
echo "shared/documents/** merge=sovsync-doc" >"$WORK/attributes"
git config core.attributesFile "$WORK/attributes"
hyperfine -N -w 1 -r "$RUNS" --export-json "$WORK/merge.json" -i \
	--prepare "git reset -q --hard $ours" \
	"git -c core.attributesFile=/dev/null merge -q --no-edit theirs" \
	--prepare "git reset -q --hard $ours" \
	"git merge -q --no-edit theirs" >/dev/null 2>&1
report "git merge" "built-in text merge" "with sovsync-doc" "$WORK/merge.json"
