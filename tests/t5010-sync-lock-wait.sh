#!/bin/sh
# sovsync sync: waiting for another process's index.lock late in a cycle.
#
# The wait for index.lock is bounded by sovsync.sync.lockTimeout for each
# git command that writes the index, not for the cycle as a whole: a slow
# step (hook, fetch, push) before the merge must not leave the merge with
# no time to wait for an editor's git that holds the lock for a moment.
# And what changed while a cycle waited for another cycle's lock is
# looked at again once the lock is taken.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

test_expect_success 'setup: a bare remote and two clones' '
	sync_setup &&
	echo from-b >b/shared/from-b.md &&
	(cd b && sovsync sync -q)
'

test_expect_success 'an index.lock taken after a slow commit is waited out by the merge' '
	git -C a config sovsync.sync.lockTimeout 3s &&
	# The commit outlasts the lock timeout, then another "git" takes the
	# lock; it lets go only once sovsync says it is waiting for it.
	cat >a/.git/hooks/post-commit <<-EOF &&
	#!/bin/sh
	test -e "$TRASH/hooked" && exit 0
	touch "$TRASH/hooked"
	sleep 3.5
	: >"$TRASH/a/.git/index.lock"
	(
		i=0
		while ! grep -q "waiting for .*index.lock" "$TRASH/err" && [ \$i -lt 300 ]; do
			sleep 0.1; i=\$((i + 1))
		done
		rm -f "$TRASH/a/.git/index.lock"
	) </dev/null >/dev/null 2>&1 &
	EOF
	chmod +x a/.git/hooks/post-commit &&
	echo from-a >a/shared/from-a.md &&
	(cd a && sovsync sync >"$TRASH/out" 2>"$TRASH/err") &&
	grep "waiting for .*index.lock" err &&
	grep "^ok .*committed 1 file .*merged pushed" out &&
	remote_has shared/from-a.md from-a &&
	test -f a/shared/from-b.md &&
	rm a/.git/hooks/post-commit
'

test_expect_success 'a merge the user starts while sync waits for the sync lock is left alone' '
	# b and a change the same synced file; a merges by hand and stops.
	echo b-side >b/shared/seed &&
	(cd b && sovsync sync -q) &&
	echo a-side >a/shared/seed &&
	git -C a commit -q -am "a: seed" &&
	git -C a fetch -q &&
	# Another cycle holds the sync lock until the user has begun merging.
	{ flock a/.git/sovsync/sync.lock sh -c "
		i=0
		while [ ! -e \"$TRASH/merging\" ] && [ \$i -lt 300 ]; do
			sleep 0.1; i=\$((i + 1))
		done" & } &&
	holder=$! &&
	wait_until 30 sh -c "! flock -n a/.git/sovsync/sync.lock true" &&
	{ (cd a && rc=0 && { sovsync sync >"$TRASH/out" 2>"$TRASH/err" || rc=$?; } &&
	   echo $rc >"$TRASH/rc") & } &&
	wait_until 30 grep -q "waiting for another sync" err &&
	test_must_fail git -C a merge -q origin/main >/dev/null 2>&1 &&
	touch merging &&
	wait "$holder" &&
	wait_until 60 test -e rc &&
	test "$(cat rc)" = 1 &&
	grep "merge, rebase or similar is in progress" err &&
	test -e a/.git/MERGE_HEAD &&
	git -C a ls-files -u -- shared/seed >unmerged &&
	test -s unmerged &&
	git -C a merge --abort
'

test_done
