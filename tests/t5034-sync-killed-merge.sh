#!/bin/sh
# A cycle killed (kill -9) while its `git merge` writes the work tree: the
# files of the remote commit it had written, the deletions it had made, are
# left behind with no merge state.  The next cycle must not commit them as
# local changes: the cycle records the merge before running it
# (.git/sovsync/merge-in-progress.json), and the next one puts the merged
# paths back to HEAD before it stages anything, touching nothing else.
#
# The merge is held by a smudge filter that says it started, then waits
# for a release file; the test kills the cycle once it has started.  Every
# wait is a poll with a bound (wait_until); no test asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

if ! test_have setsid; then
	echo "1..0 # SKIP setsid is needed to kill a cycle with its children"
	exit 0
fi

MARK=.git/sovsync/merge-in-progress.json

# kill_sync_in_merge: run `sovsync sync` in a session of its own in the
# current directory, wait until the slow smudge filter has started and
# written its process group, then kill -9 that whole group (sovsync, git
# merge, the filter) and wait until the filter is gone.
kill_sync_in_merge() {
	rm -f "$TRASH/started" "$TRASH/started.new" "$TRASH/release" &&
	{ setsid sovsync sync >"$TRASH/killed.out" 2>&1 & } &&
	wait_until 60 test -e "$TRASH/started" &&
	read _ks_pgid _ks_pid <"$TRASH/started" &&
	# Never our own group: setsid gave the cycle a session of its own.
	test "$_ks_pgid" != "$(ps -o pgid= -p $$ | tr -d " ")" &&
	/bin/kill -s KILL -- -"$_ks_pgid" &&
	wait_until 10 gone "$_ks_pid" &&
	wait_until 10 sh -c "! ps -o pid= -g $_ks_pgid"
}

test_expect_success 'setup: two clones, a slow smudge filter in b' '
	sync_setup &&
	cat >"$TRASH/slow-smudge" <<-EOF &&
	#!/bin/sh
	echo "\$(ps -o pgid= -p \$\$ | tr -d " ") \$\$" >"$TRASH/started.new"
	mv "$TRASH/started.new" "$TRASH/started"
	i=0
	while ! test -e "$TRASH/release" && test \$i -lt 600; do
		sleep 0.1
		i=\$((i + 1))
	done
	exec cat
	EOF
	chmod +x "$TRASH/slow-smudge" &&
	(
		cd a &&
		echo "*.slow filter=slow" >.gitattributes &&
		echo before >shared/a-changed.md &&
		echo keep >shared/keep.md &&
		git add . &&
		git commit -q -m attributes &&
		git push -q origin HEAD:main
	) &&
	git -C b pull -q origin main &&
	git -C b config filter.slow.smudge "$TRASH/slow-smudge" &&
	git -C b config filter.slow.clean cat &&
	git -C b config sovsync.sync.lockTimeout 1 &&
	(
		cd a &&
		git rm -q shared/seed &&
		echo early >shared/a-early.md &&
		echo changed >shared/a-changed.md &&
		echo slow >shared/z.slow &&
		git add shared &&
		git commit -q -m "remote changes" &&
		git push -q origin HEAD:main
	)
'

test_expect_success 'a sync killed while its merge writes the work tree leaves leftovers' '
	cd b &&
	echo local >shared/local.md &&
	kill_sync_in_merge &&
	cat "$TRASH/killed.out" &&
	git status --porcelain >"$TRASH/left" &&
	cat "$TRASH/left" &&
	# The cycle had committed the local file before merging.
	test "$(git log -1 --format=%b)" = "$(printf "A\tshared/local.md")" &&
	test "$(cat shared/a-changed.md)" = changed &&
	test ! -e shared/seed &&
	grep -c "^" "$TRASH/left" >"$TRASH/nleft" &&
	test -e "$MARK" &&
	grep "\"head\": \"$(git rev-parse HEAD)\"" "$MARK" &&
	grep "\"merging\": \"$(git rev-parse origin/main)\"" "$MARK" &&
	test ! -e .git/MERGE_HEAD
'

test_expect_success 'with the index lock of the killed git left, the next sync commits nothing' '
	cd b &&
	test -e .git/index.lock &&
	head=$(git rev-parse HEAD) &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	grep "index.lock" "$TRASH/err" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	# Nothing undone either while a lock holds the index.
	git status --porcelain >"$TRASH/still" &&
	test_cmp "$TRASH/left" "$TRASH/still" &&
	test -e "$MARK"
'

test_expect_success 'the next sync puts the leftovers back, commits only the user edits, merges' '
	cd b &&
	rm .git/index.lock &&
	head=$(git rev-parse HEAD) &&
	echo mine >shared/mine.md &&
	echo edited >shared/keep.md &&
	echo untracked >README.local &&
	: >"$TRASH/release" &&
	sovsync sync 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	grep "merge of origin/main (commit [0-9a-f]*) was killed midway: work tree put back to HEAD ($(cat "$TRASH/nleft") paths)" "$TRASH/err" &&
	test ! -e "$MARK" &&
	# The local commit holds the user edits only.
	git log --format=%b "$head.." >"$TRASH/bodies" &&
	printf "A\tshared/mine.md\nM\tshared/keep.md\n" | sort >"$TRASH/expect" &&
	grep . "$TRASH/bodies" | sort >"$TRASH/actual" &&
	test_cmp "$TRASH/expect" "$TRASH/actual" &&
	# And the merge then went through.
	test "$(cat shared/a-changed.md)" = changed &&
	test "$(cat shared/a-early.md)" = early &&
	test "$(cat shared/z.slow)" = slow &&
	test ! -e shared/seed &&
	test "$(cat shared/keep.md)" = edited &&
	test "$(cat README.local)" = untracked &&
	remote_has shared/a-changed.md changed &&
	remote_has shared/a-early.md early &&
	remote_has shared/mine.md mine &&
	! remote_has shared/seed &&
	grep "ok .*killed midway: work tree put back to HEAD ($(cat "$TRASH/nleft") paths)" .git/sovsync/log
'

test_expect_success 'HEAD moved since the kill (the user committed): nothing touched, record dropped' '
	(
		cd a &&
		git pull -q origin main &&
		echo again >shared/again.md &&
		echo slow2 >shared/z2.slow &&
		git add shared &&
		git commit -q -m "more remote changes" &&
		git push -q origin HEAD:main
	) &&
	cd b &&
	kill_sync_in_merge &&
	test -e "$MARK" &&
	test "$(cat shared/again.md)" = again &&
	rm -f .git/index.lock &&
	was=$(git rev-parse --short=7 HEAD) &&
	theirs=$(git rev-parse --short=7 origin/main) &&
	git add shared/again.md &&
	git commit -q -m "by hand" &&
	mine=$(git rev-parse HEAD) &&
	: >"$TRASH/release" &&
	sovsync sync 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	grep "merge of origin/main (commit $theirs) was killed midway, but HEAD has moved since (was $was)" "$TRASH/err" &&
	test ! -e "$MARK" &&
	git merge-base --is-ancestor $mine HEAD &&
	test "$(cat shared/z2.slow)" = slow2 &&
	remote_has shared/again.md again
'

test_expect_success 'the watcher: its first cycle puts the leftovers back, then merges' '
	(
		cd a &&
		git pull -q origin main &&
		git rm -q shared/keep.md &&
		echo third >shared/third.md &&
		echo slow3 >shared/z3.slow &&
		git add shared &&
		git commit -q -m "third remote change" &&
		git push -q origin HEAD:main
	) &&
	cd b &&
	kill_sync_in_merge &&
	test -e "$MARK" &&
	test ! -e shared/keep.md &&
	rm -f .git/index.lock &&
	head=$(git rev-parse HEAD) &&
	echo watched >shared/watched.md &&
	: >"$TRASH/release" &&
	start_watch b --debounce=0.3 --pull-interval=1 --backoff-max=1 &&
	wait_until 60 remote_has shared/watched.md watched &&
	stop_watch b &&
	grep "killed midway: work tree put back to HEAD" "$TRASH/b.log" &&
	test ! -e "$MARK" &&
	git log --format=%b "$head.." | grep . >"$TRASH/actual" &&
	printf "A\tshared/watched.md\n" >"$TRASH/expect" &&
	test_cmp "$TRASH/expect" "$TRASH/actual" &&
	test ! -e shared/keep.md &&
	! remote_has shared/keep.md &&
	test "$(cat shared/z3.slow)" = slow3
'

test_expect_success 'a damaged record: the cycle stops before staging anything' '
	cd b &&
	head=$(git rev-parse HEAD) &&
	echo "{ not json" >"$MARK" &&
	echo pending >shared/pending.md &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	grep "merge-in-progress.json: unreadable record of a merge killed midway" "$TRASH/err" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	test -z "$(git diff --cached --name-only)" &&
	rm "$MARK" &&
	sovsync sync &&
	remote_has shared/pending.md pending
'

test_done
