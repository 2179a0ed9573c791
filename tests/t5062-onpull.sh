#!/bin/sh
# sovsync.onPull: after a pull (post-merge; post-rewrite for pull --rebase)
# and after a sync cycle that brought changes under the root, the command
# runs with the changed paths on stdin and the old and new commit in the
# environment, once.  Its failure (an exit status, a command that never
# ends) is logged and shown by status, and never fails the pull or the
# sync.  Waits are bounded; no test asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

# from_a FILE CONTENT: commit FILE in a and push it.
from_a() {
	git -C a pull -q &&
	mkdir -p "$(dirname "a/$1")" &&
	echo "$2" >"a/$1" &&
	git -C a add "$1" &&
	git -C a commit -q -m "$1" &&
	git -C a push -q origin HEAD:main
}

test_expect_success 'setup: two installed clones; b records what onPull gets' '
	sync_setup &&
	(cd a && sovsync install >/dev/null) &&
	git -C a add -A && git -C a commit -q -m install && git -C a push -q origin HEAD:main &&
	git -C b pull -q &&
	(cd b && sovsync install >/dev/null) &&
	cat >record.sh <<-EOF &&
	#!/bin/sh
	{
		echo "run \$SOVSYNC_TRIGGER \$SOVSYNC_OLD_COMMIT \$SOVSYNC_NEW_COMMIT \$SOVSYNC_ROOT \${GIT_DIR-unset} \$(pwd)"
		sed "s/^/path /"
	} >>"$TRASH/onpull.log"
	EOF
	chmod +x record.sh &&
	git -C b config sovsync.onPull "\"$TRASH/record.sh\" --ignored-arg"
'

test_expect_success 'git pull runs it: changed paths on stdin, old and new commit' '
	old=$(git -C b rev-parse HEAD) &&
	from_a shared/memories/new.json "{}" &&
	git -C b pull -q &&
	new=$(git -C b rev-parse HEAD) &&
	cat onpull.log &&
	test "$(grep -c "^run " onpull.log)" = 1 &&
	grep -qx "run post-merge $old $new shared unset $TRASH/b" onpull.log &&
	grep -qx "path shared/memories/new.json" onpull.log &&
	! grep -q "^path README" onpull.log &&
	(cd b && sovsync status --json) >st.json &&
	test "$(jget st.json onPull.last.ok)" = 1 &&
	test "$(jget st.json onPull.last.trigger)" = post-merge &&
	test "$(jget st.json health.status)" = healthy &&
	# A pull that changes nothing under the root runs nothing.
	: >onpull.log &&
	echo outside >a/README && git -C a add README && git -C a commit -q -m readme &&
	git -C a push -q origin HEAD:main &&
	git -C b pull -q &&
	test "$(git -C b log -1 --format=%s)" = readme &&
	test ! -s onpull.log
'

test_expect_success 'git pull --rebase runs it from post-rewrite' '
	: >onpull.log &&
	from_a shared/rebased "r" &&
	echo local >b/local-file && git -C b add local-file && git -C b commit -q -m local &&
	git -C b pull -q --rebase &&
	cat onpull.log &&
	test "$(grep -c "^run " onpull.log)" = 1 &&
	grep -q "^run post-rewrite " onpull.log &&
	grep -qx "path shared/rebased" onpull.log &&
	git -C b push -q origin HEAD:main
'

test_expect_success 'a sync cycle that merges runs it once, as the cycle (not also from its hooks)' '
	: >onpull.log &&
	from_a shared/by-sync "s" &&
	echo mine >b/shared/mine &&
	old=$(git -C b rev-parse HEAD) &&
	(cd b && sovsync sync -q) &&
	cat onpull.log &&
	test "$(grep -c "^run " onpull.log)" = 1 &&
	grep -q "^run sync " onpull.log &&
	grep -qx "path shared/by-sync" onpull.log &&
	# What the cycle committed itself is not news to the local stack.
	! grep -qx "path shared/mine" onpull.log &&
	grep -q "onPull (sync, " b/.git/sovsync/log
'

test_expect_success 'a failing command never fails the pull: warned, logged, shown by status' '
	git -C b config sovsync.onPull "echo boom >&2; exit 3" &&
	from_a shared/f1 "1" &&
	git -C b pull -q 2>err &&
	cat err &&
	test "$(cat b/shared/f1)" = 1 &&
	grep -q "sovsync: onPull: .* exited 3: boom" err &&
	grep -q "onPull (post-merge, .*) failed: exited 3: boom" b/.git/sovsync/log &&
	(cd b && sovsync status --json) >st.json &&
	test "$(jget st.json onPull.last.ok)" = 0 &&
	test "$(jget st.json onPull.last.exitCode)" = 3 &&
	test "$(jget st.json health.status)" = degraded &&
	(cd b && sovsync status) >out &&
	grep "^ *last run .* FAILED: exited 3: boom" out &&
	grep "^health: .*(onPull failed)" out &&
	(cd b && sovsync doctor --timeout=3 || :) >out &&
	grep "^warn  onpull .*failed: exited 3: boom" out
'

test_expect_success 'nor the sync: the cycle succeeds and the next good run clears it' '
	from_a shared/f2 "2" &&
	(cd b && sovsync sync -q 2>../err) &&
	grep -q "exited 3" err &&
	test "$(cat b/shared/f2)" = 2 &&
	git -C b config sovsync.onPull "cat >/dev/null" &&
	from_a shared/f3 "3" &&
	(cd b && sovsync sync -q) &&
	(cd b && sovsync status --json) >st.json &&
	test "$(jget st.json onPull.last.ok)" = 1 &&
	test "$(jget st.json health.status)" = healthy
'

test_expect_success 'a command that never ends (and prints forever) is stopped after onPullTimeout' '
	git -C b config sovsync.onPullTimeout 1 &&
	git -C b config sovsync.onPull \
		"sleep 1000 & echo \$! >\"$TRASH/child.pid\"; while :; do echo tick; sleep 0.05; done" &&
	from_a shared/f4 "4" &&
	# The outer timeout only keeps a broken build from hanging the suite.
	timeout 120 git -C b pull -q 2>err &&
	test "$(cat b/shared/f4)" = 4 &&
	grep -q "onPull: .*still running after 1.0 s" err &&
	wait_until 30 gone "$(cat child.pid)" &&
	(cd b && sovsync status --json) >st.json &&
	test "$(jget st.json onPull.last.ok)" = 0 &&
	jget st.json onPull.last.error | grep -q "still running"
'

test_expect_success 'a pull the command makes itself runs no onPull again (no recursion)' '
	git -C b config --unset sovsync.onPullTimeout &&
	cat >nested.sh <<-EOF &&
	#!/bin/sh
	echo run >>"$TRASH/nested.log"
	# Once only, so that a broken build cannot loop for ever.
	test -e "$TRASH/nested.done" && exit 0
	: >"$TRASH/nested.done"
	a="$TRASH/a"
	(git -C "\$a" pull -q && echo n2 >"\$a/shared/nested-2" &&
	 git -C "\$a" add shared/nested-2 && git -C "\$a" commit -q -m n2 &&
	 git -C "\$a" push -q origin HEAD:main) >/dev/null 2>&1
	git pull -q
	EOF
	chmod +x nested.sh &&
	git -C b config sovsync.onPull "\"$TRASH/nested.sh\"" &&
	from_a shared/nested-1 n1 &&
	git -C b pull -q &&
	test "$(cat b/shared/nested-2)" = n2 &&
	test "$(grep -c run nested.log)" = 1
'

test_expect_success 'the watcher runs it after a cycle that pulled' '
	git -C b config sovsync.onPull "\"$TRASH/record.sh\"" &&
	: >onpull.log &&
	start_watch b --debounce=0.3 --pull-interval=1 --backoff-max=1 &&
	from_a shared/by-watch "w" &&
	wait_until 60 grep -qx "path shared/by-watch" onpull.log &&
	stop_watch b &&
	grep -q "^run sync " onpull.log &&
	! grep -q "^run post-merge " onpull.log
'

test_done
