#!/bin/sh
# bench/valgrind.sh - run integration test scripts with every sovsync under
# valgrind (memcheck), and count the errors and definite leaks.
#
#   sh bench/valgrind.sh tests/t30*.sh        (after make)
#
# Not a benchmark and not part of `make test`: valgrind makes each sovsync
# run 20-50 times slower.  Without arguments it only says how to use it (so
# `make bench` skips it).
#
# How every sovsync gets valgrind, including the ones Git starts:
#  - SOVSYNC_BIN (put first on PATH by tests/lib.sh) is a wrapper directory
#    whose `sovsync` runs valgrind on the real binary, each run logging to
#    its own file (valgrind's %p: the pid, so forked children such as the
#    webhook sender log separately).
#  - `sovsync install` writes its own absolute path (/proc/self/exe, which
#    is the real binary under valgrind too) into the filter and merge
#    driver config and the hook scripts, which would bypass the wrapper.
#    The wrapper therefore rewrites the real path to its own after each
#    install, and back before the next one (so that a second install still
#    finds its own values and changes nothing, as the tests expect).  The
#    tests then see the wrapper's path everywhere, which is what they
#    compute from SOVSYNC_BIN.  `sovsync clone` installs too: the same
#    after it, in the directory it made.
#
# Environment: VALGRIND_OPTS_EXTRA (more valgrind options), OUT (the
# directory for logs and the summary; default build/valgrind).
set -u

if [ $# -eq 0 ]; then
	echo "bench/valgrind.sh: no test scripts given; usage: sh bench/valgrind.sh tests/t30*.sh" >&2
	exit 0
fi

SRC=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$SRC/bin/sovsync" ] || { echo "bench/valgrind.sh: bin/sovsync is not built (run make)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "bench/valgrind.sh: valgrind is not installed" >&2; exit 1; }

OUT=${OUT:-$SRC/build/valgrind}
rm -rf "$OUT" && mkdir -p "$OUT/wrap" "$OUT/logs" "$OUT/real" || exit 1
OUT=$(cd "$OUT" && pwd)
# A copy, so that a rebuild during the (long) run changes nothing.
REAL=$OUT/real/sovsync
cp "$SRC/bin/sovsync" "$REAL" || exit 1
WRAP=$OUT/wrap/sovsync

cat >"$WRAP" <<EOF
#!/bin/sh
# Written by bench/valgrind.sh: run the real sovsync under valgrind.
REAL='$REAL'
WRAP='$WRAP'
LOGS='$OUT/logs'
VG_OPTS='--error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite ${VALGRIND_OPTS_EXTRA:-}'
EOF
cat >>"$WRAP" <<'EOF'

# The files where install writes its path: the repository's own config and
# the hooks Git runs (core.hooksPath respected).
swap_paths() {	# from to repo-dir
	common=$(git -C "$3" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) ||
		return 0
	files=$common/config
	hooks=$(git -C "$3" rev-parse --path-format=absolute --git-path hooks 2>/dev/null)
	[ -d "$hooks" ] && files="$files $(grep -l -F -- "$1" "$hooks"/* 2>/dev/null)"
	for f in $files; do
		grep -q -F -- "$1" "$f" 2>/dev/null || continue
		tmp=$f.vgswap.$$
		sed "s|$1|$2|g" "$f" >"$tmp" && chmod --reference="$f" "$tmp" && mv "$tmp" "$f"
	done
}

repo=.
is_install=0
case "${1:-}" in
install)
	is_install=1
	prev=
	for a in "$@"; do
		case "$a" in
		--repo=*) repo=${a#--repo=} ;;
		*) [ "$prev" = --repo ] && repo=$a ;;
		esac
		prev=$a
	done
	swap_paths "$WRAP" "$REAL" "$repo"
	;;
clone)
	# `sovsync clone URL [DIR]` installs into the new DIR (named as git
	# clone names it when not given): swap there afterwards.
	is_install=1
	url= dir=
	for a in "$@"; do
		case "$a" in
		clone|-*) ;;
		*) if [ -z "$url" ]; then url=$a; elif [ -z "$dir" ]; then dir=$a; fi ;;
		esac
	done
	url=${url%/}
	url=${url%/.git}
	repo=${dir:-$(basename "${url%.git}")}
	;;
esac
# Anything but install: exec, so that the pid a test holds (and kill -9s,
# as t4020 does to a sender) is the program's own, not this shell's.
# shellcheck disable=SC2086
[ $is_install = 1 ] ||
	exec valgrind $VG_OPTS --log-file="$LOGS/vg.%p.log" "$REAL" "$@"
# shellcheck disable=SC2086
valgrind $VG_OPTS --log-file="$LOGS/vg.%p.log" "$REAL" "$@"
rc=$?
[ $is_install = 1 ] && swap_paths "$REAL" "$WRAP" "$repo"
exit $rc
EOF
chmod +x "$WRAP" && ln -sf sovsync "$OUT/wrap/git-sovsync" || exit 1

echo "# valgrind over: $*" | tee "$OUT/summary"
failed_scripts=0
for t in "$@"; do
	name=$(basename "$t" .sh)
	before=$(ls "$OUT/logs" | wc -l)
	start=$(date +%s)
	SOVSYNC_BIN=$OUT/wrap sh "$t" >"$OUT/$name.tap" 2>"$OUT/$name.err"
	rc=$?
	end=$(date +%s)
	after=$(ls "$OUT/logs" | wc -l)
	notok=$(grep -c '^not ok' "$OUT/$name.tap")
	okc=$(grep -c '^ok' "$OUT/$name.tap")
	[ $rc -ne 0 ] && failed_scripts=$((failed_scripts + 1))
	echo "$name: exit $rc, $okc ok, $notok not ok, $((after - before)) valgrind logs, $((end - start)) s" |
		tee -a "$OUT/summary"
	grep '^not ok' "$OUT/$name.tap" | sed 's/^/    /' | tee -a "$OUT/summary"
done

# Every run that ends normally closes its log with "ERROR SUMMARY: N
# errors" (definite leaks count as errors, --errors-for-leak-kinds).  A
# forked child gets a log of its own: one that execs (git, run by sovsync)
# leaves only the header; one that exits (the webhook sender) a summary.
# A run is a log whose parent is not itself under valgrind; a run with no
# summary was killed by a signal (some tests kill sovsync on purpose).
logs=$OUT/logs
runs=0 forks=0 unfinished=0
for f in "$logs"/*; do
	[ -f "$f" ] || continue
	parent=$(sed -n 's/^==[0-9]*== Parent PID: //p' "$f")
	if [ -f "$logs/vg.$parent.log" ]; then
		forks=$((forks + 1))
	else
		runs=$((runs + 1))
		grep -q 'ERROR SUMMARY:' "$f" || unfinished=$((unfinished + 1))
	fi
done
dirty=$(grep -l 'ERROR SUMMARY: [1-9]' "$logs"/* 2>/dev/null | wc -l)
leaks=$(grep -l 'definitely lost: [1-9]' "$logs"/* 2>/dev/null | wc -l)
{
	echo "sovsync runs under valgrind: $runs (and $forks forked children)"
	echo "runs without an error summary (killed): $unfinished"
	echo "logs with errors (memory errors or definite leaks): $dirty"
	echo "runs with a definite leak: $leaks"
	echo "test scripts failing under valgrind: $failed_scripts of $#"
	echo "logs: $OUT/logs"
} | tee -a "$OUT/summary"
[ "$dirty" -eq 0 ]
