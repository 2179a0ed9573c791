#!/bin/sh
# sovsync watch: two clones with watchers against one bare remote (file://).
#
# Every wait is a poll with a bound (wait_until); no test asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

WATCH_OPTS="--debounce=0.3 --pull-interval=1 --backoff-max=1"

test_expect_success 'usage errors exit 2, in a repository or not' '
	test_expect_code 2 sovsync watch --bogus 2>err &&
	grep "unknown option .--bogus." err &&
	test_expect_code 2 sovsync watch --debounce=soon 2>err &&
	grep "not a duration" err &&
	! grep "or:" err
'

test_expect_success 'setup: two clones, each with a watcher' '
	sync_setup &&
	start_watch a $WATCH_OPTS &&
	start_watch b $WATCH_OPTS
'

test_expect_success 'edits on both sides converge' '
	echo from-a >a/shared/from-a.md &&
	mkdir -p b/shared/new/deeper &&
	echo from-b >b/shared/new/deeper/from-b.md &&
	wait_until 120 test -f a/shared/new/deeper/from-b.md &&
	wait_until 120 test -f b/shared/from-a.md &&
	test "$(cat a/shared/new/deeper/from-b.md)" = from-b &&
	test "$(cat b/shared/from-a.md)" = from-a
'

test_expect_success 'files in a directory created after the watch started are seen' '
	echo later >b/shared/new/deeper/later.md &&
	wait_until 120 remote_has shared/new/deeper/later.md later &&
	wait_until 120 test -f a/shared/new/deeper/later.md
'

test_expect_success 'an editor save (temp file + rename) and a delete are seen' '
	echo saved >a/shared/.from-a.md.tmp &&
	mv a/shared/.from-a.md.tmp a/shared/from-a.md &&
	rm b/shared/seed &&
	wait_until 120 remote_has shared/from-a.md saved &&
	wait_until 120 sh -c "! git -C \"$TRASH/remote.git\" cat-file -e main:shared/seed" &&
	wait_until 120 test ! -e a/shared/seed &&
	wait_until 120 grep -q saved b/shared/from-a.md
'

test_expect_success 'a burst of 1000 files gives a few commits, not 1000' '
	before=$(sovsync_commits a) &&
	mkdir a/shared/burst &&
	i=0 &&
	while [ $i -lt 1000 ]; do
		echo "$i" >a/shared/burst/f$i.md
		i=$((i + 1))
	done &&
	wait_until 120 remote_has shared/burst/f999.md 999 &&
	wait_until 120 test "$(git -C remote.git ls-tree main:shared/burst | wc -l)" -eq 1000 &&
	after=$(sovsync_commits a) &&
	echo "commits for the burst: $((after - before))" &&
	test $((after - before)) -ge 1 &&
	test $((after - before)) -le 5 &&
	wait_until 120 test -f b/shared/burst/f999.md
'

test_expect_success 'one watcher per repository' '
	test_expect_code 1 sh -c "cd a && sovsync watch" 2>err &&
	grep "another sovsync watch is running here" err
'

test_expect_success 'a file written while a cycle runs goes in with the next cycle' '
	cat >a/.git/hooks/pre-commit <<-EOF &&
	#!/bin/sh
	test -e "$TRASH/during-done" && exit 0
	touch "$TRASH/during-done"
	echo during >shared/during.md
	EOF
	chmod +x a/.git/hooks/pre-commit &&
	echo trigger >a/shared/trigger.md &&
	wait_until 120 remote_has shared/trigger.md trigger &&
	wait_until 120 remote_has shared/during.md during &&
	trig=$(git -C remote.git log --format=%H -1 main -- shared/trigger.md) &&
	dur=$(git -C remote.git log --format=%H -1 main -- shared/during.md) &&
	test "$trig" != "$dur" &&
	rm a/.git/hooks/pre-commit
'

test_expect_success 'remote gone for a while: failing, then healthy, nothing lost' '
	mv remote.git remote.away &&
	echo off1 >a/shared/off1.md &&
	wait_until 120 health_is a failing &&
	echo off2 >a/shared/off2.md &&
	echo offb >b/shared/offb.md &&
	wait_until 120 health_is b failing &&
	grep " failed .*git fetch.*; retry in" a/.git/sovsync/log &&
	mv remote.away remote.git &&
	wait_until 120 health_is a healthy &&
	wait_until 120 health_is b healthy &&
	wait_until 120 remote_has shared/off1.md off1 &&
	wait_until 120 remote_has shared/off2.md off2 &&
	wait_until 120 remote_has shared/offb.md offb &&
	wait_until 120 test -f b/shared/off2.md &&
	wait_until 120 test -f a/shared/offb.md
'

# The watcher has flagged the conflict after committing after.md, and its
# later cycles leave the standing conflict alone (no merge, no abort).
conflict_stands() {
	test "$(sed -n "/committed 1 file .*stopped on conflicts/,\$p" \
		"$TRASH/a/.git/sovsync/log" | grep -c " conflict ")" -ge 3
}

test_expect_success 'a conflict outside the synced files is flagged; syncing goes on' '
	stop_watch b &&
	(cd b && git pull -q --no-rebase && echo b >README && git add README &&
	 git commit -q -m "b readme" && git push -q origin main) &&
	echo a >a/README &&
	wait_until 30 sh -c "cd a && git add README && git commit -q -m \"a readme\"" &&
	wait_until 120 test -e a/.git/sovsync/sync-conflict.json &&
	grep "\"README\"" a/.git/sovsync/sync-conflict.json &&
	echo after >a/shared/after.md &&
	wait_until 120 sh -c "git -C a log --no-merges -1 --format=%b | grep -q shared/after.md" &&
	wait_until 30 conflict_stands &&
	test ! -e a/.git/MERGE_HEAD &&
	grep " conflict .*stopped on conflicts in README" a/.git/sovsync/log &&
	! remote_has shared/after.md
'

test_expect_success 'once the user resolves the merge, the watcher pushes it' '
	head=$(git -C a rev-parse HEAD) &&
	cd a &&
	test_must_fail git merge -q origin/main >/dev/null 2>&1 &&
	test "$(git rev-parse MERGE_HEAD)" = "$(git rev-parse origin/main)" &&
	echo resolved >README &&
	git add README && git commit -q --no-edit &&
	test "$(git rev-parse HEAD^1)" = "$head" &&
	wait_until 120 remote_has README resolved &&
	wait_until 120 remote_has shared/after.md after &&
	wait_until 120 test ! -e .git/sovsync/sync-conflict.json &&
	cd .. && start_watch b $WATCH_OPTS
'

test_expect_success 'SIGTERM during a cycle: clean stop, fsck clean, next start finishes' '
	stop_watch a &&
	cat >a/.git/hooks/pre-commit <<-EOF &&
	#!/bin/sh
	touch "$TRASH/in-cycle"
	i=0
	while [ ! -e "$TRASH/go" ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
	EOF
	chmod +x a/.git/hooks/pre-commit &&
	start_watch a $WATCH_OPTS &&
	echo term >a/shared/term.md &&
	wait_until 120 test -e in-cycle &&
	kill -TERM "$(cat a.pid)" &&
	touch go &&
	stop_watch a &&
	test "$(cat a.status)" = 0 &&
	grep "stopped (Terminated)" a.log &&
	(cd a && git fsck --no-progress --strict) &&
	test ! -e a/.git/index.lock &&
	test -z "$(git -C a status --porcelain -- shared)" &&
	! remote_has shared/term.md &&
	rm a/.git/hooks/pre-commit &&
	start_watch a $WATCH_OPTS &&
	wait_until 120 remote_has shared/term.md term &&
	wait_until 120 test -f b/shared/term.md
'

test_expect_success 'the log has one line per cycle and metrics count them' '
	grep -c " ok " a/.git/sovsync/log >n &&
	test "$(cat n)" -ge 5 &&
	grep "\"totalSyncs\"" a/.git/sovsync/metrics.json &&
	stop_watch a &&
	stop_watch b
'

test_done
