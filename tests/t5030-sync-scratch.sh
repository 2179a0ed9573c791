#!/bin/sh
# Editors' and office programs' scratch files (vim, Emacs, Kate,
# LibreOffice, Microsoft Office, GLib's atomic save, *.tmp) are never
# committed by `sovsync sync` or `sovsync watch`, at any depth and in any
# letter case; a file of such a name that is already tracked is synced as
# any other file (ignoring is for untracked files, as in Git).
#
# Every wait is a poll with a bound (wait_until); no test asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

WATCH_OPTS="--debounce=0.3 --pull-interval=1 --backoff-max=1"

# scratch_files DIR: one scratch file of every kind under DIR.
scratch_files() {
	mkdir -p "$1" &&
	for f in '~$report.docx' '.~lock.report.odt#' '#notes.md#' 'notes.md~' \
		.goutputstream-Q1ZX2 notes.md.tmp '~WRL0001.TMP' .notes.md.swp \
		NOTES.SWO .#notes.md 4913 notes.md.kate-swp; do
		echo scratch >"$1/$f" || return 1
	done
}

# committed_paths DIR: every path in DIR's HEAD.
committed_paths() {
	git -C "$1" ls-tree -r --name-only HEAD
}

test_expect_success 'setup: a bare remote and two clones' '
	sync_setup
'

test_expect_success 'sync commits none of the scratch files, at the root or deeper' '
	cd a &&
	scratch_files shared &&
	scratch_files shared/docs/deep &&
	echo real >shared/docs/deep/real.md &&
	sovsync sync >"$TRASH/out" &&
	grep "committed 1 file" "$TRASH/out" &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/docs/deep/real.md")" &&
	committed_paths . >"$TRASH/paths" &&
	printf "shared/docs/deep/real.md\nshared/seed\n" >"$TRASH/expect" &&
	test_cmp "$TRASH/expect" "$TRASH/paths" &&
	! git -C "$TRASH/remote.git" ls-tree -r --name-only main | grep -v -e real.md -e seed
'

test_expect_success 'scratch files alone make no commit and push nothing' '
	cd a &&
	head=$(git rev-parse HEAD) &&
	echo again >"shared/docs/~\$other.xlsx" &&
	echo again >shared/docs/x.tmp &&
	sovsync sync >"$TRASH/out" &&
	grep "up to date" "$TRASH/out" &&
	test "$(git rev-parse HEAD)" = "$head"
'

test_expect_success 'a tracked file with a scratch name is synced as any file' '
	cd b &&
	sovsync sync -q &&
	echo kept >shared/data.tmp &&
	git add -f shared/data.tmp &&
	git commit -q -m "a tracked .tmp file" &&
	sovsync sync -q &&
	remote_has shared/data.tmp kept &&
	echo changed >shared/data.tmp &&
	sovsync sync -q &&
	remote_has shared/data.tmp changed &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "M\tshared/data.tmp")" &&
	rm shared/data.tmp &&
	sovsync sync -q &&
	! remote_has shared/data.tmp &&
	echo v1 >shared/kept~ &&
	git add -f shared/kept~ &&
	git commit -q -m "a tracked backup file" &&
	echo v2 >shared/kept~ &&
	sovsync sync -q &&
	remote_has shared/kept~ v2 &&
	test -z "$(git status --porcelain)"
'

test_expect_success 'watch: scratch files written and renamed by editors stay out' '
	cd a &&
	sovsync sync -q &&
	start_watch a $WATCH_OPTS &&
	scratch_files shared/w/deeper &&
	echo saved >shared/w/.goutputstream-ABC123 &&
	mv shared/w/.goutputstream-ABC123 shared/w/saved.md &&
	echo office >"shared/w/~\$budget.xlsx" &&
	echo body >shared/w/~WRD0003.tmp &&
	mv shared/w/~WRD0003.tmp shared/w/budget.xlsx &&
	wait_until 120 remote_has shared/w/budget.xlsx body &&
	wait_until 120 remote_has shared/w/saved.md saved &&
	echo marker >shared/w/marker.md &&
	wait_until 120 remote_has shared/w/marker.md marker &&
	stop_watch a &&
	git -C "$TRASH/remote.git" ls-tree -r --name-only main -- shared/w >"$TRASH/paths" &&
	printf "shared/w/budget.xlsx\nshared/w/marker.md\nshared/w/saved.md\n" >"$TRASH/expect" &&
	test_cmp "$TRASH/expect" "$TRASH/paths"
'

test_done
