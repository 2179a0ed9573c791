#!/bin/sh
# bench/hooks.sh - cost of sovsync's hooks on `git commit`.
#
# `git commit` of one changed file in a repository of $FILES files (default
# 100,000; $ROOT_FILES of them under shared/, the rest elsewhere), timed in
# identical clones, one plain and one with `sovsync install`, alternating
# in the same run.  Prints the medians and their ratio (goal: <= 1.10).
# A third clone has the hooks sovsync installs, each an `exit 0` script:
# what Git itself spends because they exist (after a pre-commit hook it
# discards and re-reads the index), the floor of any hook-based design.
#   FILES=100000 ROOT_FILES=1000 ROUNDS=15 sh bench/hooks.sh
# The CPU column (user + system time of the commit and every process it
# waited for) is steadier than wall time on a shared, loaded machine.
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC=${SOVSYNC:-$SRCDIR/bin/sovsync}
FILES=${FILES:-100000}
ROOT_FILES=${ROOT_FILES:-1000}
ROUNDS=${ROUNDS:-15}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-bench-hooks.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME=$WORK/home LC_ALL=C TZ=UTC
mkdir -p "$HOME"
git config --global init.defaultBranch main

# One commit with $FILES small files, written by fast-import (fast), with
# the sovsync layout from a scratch install.
git init -q "$WORK/seed"
perl -e '
	my ($files, $root) = @ARGV;
	print "commit refs/heads/main\ncommitter Bench <bench\@example.com> 1700000000 +0000\n";
	print "data 5\nseed\n";
	for my $i (0 .. $files - 1) {
		my ($path, $body);
		if ($i < $root) {
			$path = sprintf("shared/conversations/c%06d.json", $i);
			$body = sprintf("{\"id\": \"c%06d\", \"title\": \"conversation %d\"}\n", $i, $i);
		} else {
			$path = sprintf("notes/d%03d/n%06d.txt", $i % 1000, $i);
			$body = "note $i\n";
		}
		printf "M 100644 inline %s\ndata %d\n%s", $path, length($body), $body;
	}
' "$FILES" "$ROOT_FILES" | git -C "$WORK/seed" fast-import --quiet
git -C "$WORK/seed" checkout -q -f main
"$SOVSYNC" install --repo "$WORK/seed" >/dev/null
"$SOVSYNC" uninstall --repo "$WORK/seed" >/dev/null
git -C "$WORK/seed" add -A
git -C "$WORK/seed" commit -q -m layout
test "$(git -C "$WORK/seed" ls-files | wc -l)" -ge "$FILES"

git clone -q "$WORK/seed" "$WORK/plain"
git clone -q "$WORK/seed" "$WORK/noop"
git clone -q "$WORK/seed" "$WORK/sovsync"
"$SOVSYNC" install --repo "$WORK/sovsync" >/dev/null
git -C "$WORK/sovsync" add -A
git -C "$WORK/sovsync" commit -q -m "install sovsync"
git -C "$WORK/plain" commit -q --allow-empty -m "same history length"
git -C "$WORK/noop" commit -q --allow-empty -m "same history length"
# The same hook names as sovsync's, doing nothing.
for hook in "$WORK"/sovsync/.git/hooks/*; do
	case $hook in *.sample) continue ;; esac
	printf '#!/bin/sh\nexit 0\n' >"$WORK/noop/.git/hooks/${hook##*/}"
	chmod +x "$WORK/noop/.git/hooks/${hook##*/}"
done

# time_commit REPO ROUND: seconds for one `git commit` of one changed file,
# wall-clock and CPU (user + system of git and every process it waited for:
# hooks, sovsync, git children), the latter steady on a loaded machine.
time_commit() {
	printf '{"id": "c000001", "round": %d}\n' "$2" >"$1/shared/conversations/c000001.json"
	git -C "$1" add shared/conversations/c000001.json
	perl -MTime::HiRes=time -e '
		my @c = times; my $t = time; system(@ARGV) == 0 or die "failed: @ARGV\n";
		my @d = times;
		printf "%.6f %.6f\n", time - $t, $d[2] + $d[3] - $c[2] - $c[3]' \
		git -C "$1" commit -q -m "round $2"
}

for k in plain noop sovsync; do
	git -C "$WORK/$k" status >/dev/null
	: >"$WORK/$k.t"
done
i=0
while [ $i -lt "$ROUNDS" ]; do
	time_commit "$WORK/plain" $i >>"$WORK/plain.t"
	time_commit "$WORK/noop" $i >>"$WORK/noop.t"
	time_commit "$WORK/sovsync" $i >>"$WORK/sovsync.t" 2>>"$WORK/err"
	i=$((i + 1))
done
(cd "$WORK/sovsync" && "$SOVSYNC" verify) || { echo "bench/hooks.sh: manifest not fresh" >&2; exit 1; }
test -z "$(git -C "$WORK/sovsync" status --porcelain)" ||
	{ echo "bench/hooks.sh: tree not clean" >&2; exit 1; }

# median FILE COLUMN
median() { awk -v c="$2" '{ print $c }' "$1" | sort -n |
	awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
plain=$(median "$WORK/plain.t" 1)
with=$(median "$WORK/sovsync.t" 1)
plain_cpu=$(median "$WORK/plain.t" 2)
with_cpu=$(median "$WORK/sovsync.t" 2)
noop=$(median "$WORK/noop.t" 1)
noop_cpu=$(median "$WORK/noop.t" 2)
awk -v p="$plain" -v s="$with" -v pc="$plain_cpu" -v sc="$with_cpu" -v f="$FILES" \
	-v o="$noop" -v oc="$noop_cpu" -v r="$ROOT_FILES" -v n="$ROUNDS" 'BEGIN {
	printf "hooks: git commit of 1 file, %d files (%d under shared/), median of %d\n", f, r, n
	printf "                   wall         CPU (git + hooks)\n"
	printf "  plain git      %8.1f ms  %8.1f ms\n", p * 1000, pc * 1000
	printf "  no-op hooks    %8.1f ms  %8.1f ms  (%.2fx / %.2fx plain: Git'"'"'s own cost)\n",
		o * 1000, oc * 1000, o / p, (pc > 0 ? oc / pc : 0)
	printf "  with sovsync   %8.1f ms  %8.1f ms  (%.2fx / %.2fx no-op hooks)\n",
		s * 1000, sc * 1000, s / o, (oc > 0 ? sc / oc : 0)
	printf "  ratio          %8.2fx    %8.2fx (goal <= 1.10x)\n", s / p, (pc > 0 ? sc / pc : 0)
	printf "GOAL hooks-commit %.1f %.1f %.2f 1.10\n", s * 1000, p * 1000, s / p
	if (pc > 0)
		printf "GOAL hooks-commit-cpu %.1f %.1f %.2f 1.10\n", sc * 1000, pc * 1000, sc / pc
}'
