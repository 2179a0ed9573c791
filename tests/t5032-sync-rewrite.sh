#!/bin/sh
# A remote whose history was rewritten (a force-push that removed a leaked
# secret): sync and watch see that the remote tip no longer contains the
# commit last synced, stop before merging, flag it and push nothing; `sovsync
# sync --accept-rewrite` takes the rewritten remote and replays only the
# local commits made since the last sync, so the secret does not come back.
#
# Every wait is a poll with a bound (wait_until); no test asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

WATCH_OPTS="--debounce=0.3 --pull-interval=1 --backoff-max=1"
SECRET="API_KEY=sk-live-0123456789"

# remote_holds_secret: the secret's blob or text is reachable from main.
remote_holds_secret() {
	blob=$(echo "$SECRET" | git hash-object --stdin) &&
	git -C "$TRASH/remote.git" rev-list --objects main | grep -q "^$blob" ||
	git -C "$TRASH/remote.git" log -p main | grep -q "$SECRET"
}

# rewrite_remote [NOTE [NOTES]]: an admin drops the secret's commit from the remote's
# history and force-pushes (the later edit of notes.md is kept).
rewrite_remote() {
	rm -rf "$TRASH/admin" &&
	git clone -q "$TRASH/remote.git" "$TRASH/admin" &&
	(
		cd "$TRASH/admin" &&
		git reset -q --hard "$(cat "$TRASH/seed.id")" &&
		echo "${2:-notes}" >shared/notes.md &&
		git add shared/notes.md &&
		git commit -q -m "notes (history rewritten without the secret)${1:+, $1}" &&
		git push -q --force origin HEAD:main
	)
}

test_expect_success 'setup: a secret is synced to both clones' '
	sync_setup &&
	git -C a rev-parse HEAD >seed.id &&
	echo "$SECRET" >a/shared/secret.env &&
	echo notes >a/shared/notes.md &&
	(cd a && sovsync sync -q) &&
	(cd b && sovsync sync -q) &&
	test -f b/shared/secret.env &&
	remote_holds_secret
'

test_expect_success 'the remote is rewritten without it' '
	rewrite_remote &&
	! remote_holds_secret &&
	git -C remote.git rev-parse main >rewritten.id
'

test_expect_success 'sync stops before merging: exit 4, flagged, nothing pushed' '
	cd b &&
	echo local >shared/local.md &&
	test_expect_code 4 sovsync sync 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	grep "origin/main was rewritten" "$TRASH/err" &&
	grep -- "--accept-rewrite" "$TRASH/err" &&
	test "$(git -C "$TRASH/remote.git" rev-parse main)" = "$(cat "$TRASH/rewritten.id")" &&
	! remote_holds_secret &&
	test "$(git log --no-merges -1 --format=%b)" = "$(printf "A\tshared/local.md")" &&
	! git merge-base --is-ancestor "$(cat "$TRASH/rewritten.id")" HEAD &&
	flag=.git/sovsync/remote-rewritten.json &&
	grep "\"remote_commit\": \"$(cat "$TRASH/rewritten.id")\"" $flag &&
	grep "\"synced_commit\": \"$(git rev-parse HEAD~1)\"" $flag &&
	! health_is . healthy &&
	grep " rewritten .*was rewritten" .git/sovsync/log
'

test_expect_success 'a second sync stops again (the flag stands)' '
	cd b &&
	test_expect_code 4 sovsync sync 2>"$TRASH/err" &&
	! remote_holds_secret
'

test_expect_success 'the watcher stops too, cycle after cycle, and keeps running' '
	cd b &&
	start_watch b $WATCH_OPTS &&
	echo watched >shared/watched.md &&
	wait_until 60 sh -c "git log --no-merges -1 --format=%b | grep -q shared/watched.md" &&
	wait_until 60 sh -c "test \$(grep -c \" rewritten \" \"$TRASH/b.log\") -ge 3" &&
	kill -0 "$(cat "$TRASH/b.pid")" &&
	test "$(git -C "$TRASH/remote.git" rev-parse main)" = "$(cat "$TRASH/rewritten.id")" &&
	! remote_holds_secret &&
	stop_watch b
'

test_expect_success '--accept-rewrite replays only the local commits; the secret stays out' '
	cd b &&
	sovsync sync --accept-rewrite >"$TRASH/out" 2>"$TRASH/err" &&
	cat "$TRASH/out" "$TRASH/err" &&
	grep "replayed 2 local commit" "$TRASH/err" &&
	grep "replayed local commits onto the rewritten remote, pushed" "$TRASH/out" &&
	! remote_holds_secret &&
	remote_has shared/local.md local &&
	remote_has shared/watched.md watched &&
	remote_has shared/notes.md notes &&
	git merge-base --is-ancestor "$(cat "$TRASH/rewritten.id")" "$(git -C "$TRASH/remote.git" rev-parse main)" &&
	test ! -e shared/secret.env &&
	test ! -e .git/sovsync/remote-rewritten.json &&
	test -z "$(git status --porcelain)" &&
	sovsync sync >"$TRASH/out" &&
	grep "^ok" "$TRASH/out" &&
	health_is . healthy
'

test_expect_success 'the clone that leaked it is stopped as well, and takes the rewrite' '
	cd a &&
	test_expect_code 4 sovsync sync 2>"$TRASH/err" &&
	! remote_holds_secret &&
	sovsync sync --accept-rewrite 2>"$TRASH/err" &&
	! remote_holds_secret &&
	test ! -e shared/secret.env &&
	test -f shared/local.md
'

test_expect_success 'a remote reset back to an older commit is a rewrite too' '
	cd a &&
	echo more >shared/more.md &&
	sovsync sync -q &&
	git -C "$TRASH/remote.git" update-ref refs/heads/main "$(cat "$TRASH/rewritten.id")" &&
	test_expect_code 4 sovsync sync 2>"$TRASH/err" &&
	grep "was rewritten" "$TRASH/err" &&
	test "$(git -C "$TRASH/remote.git" rev-parse main)" = "$(cat "$TRASH/rewritten.id")"
'

test_expect_success 'a rewrite made and force-pushed from this clone is no alarm' '
	cd a &&
	git reset -q --hard "$(cat "$TRASH/rewritten.id")" &&
	echo "rewritten here" >shared/here.md &&
	git add shared/here.md &&
	git commit -q -m "rewritten by hand in this clone" &&
	git push -q --force origin HEAD:main &&
	sovsync sync >"$TRASH/out" &&
	grep "^ok" "$TRASH/out" &&
	test ! -e .git/sovsync/remote-rewritten.json &&
	echo after >shared/after.md &&
	sovsync sync -q &&
	remote_has shared/after.md after
'

test_expect_success 'a rewrite merged into the old history by a plain git pull still stops' '
	cd b &&
	sovsync sync -q --accept-rewrite 2>/dev/null &&
	sovsync sync -q &&
	old=$(git rev-parse HEAD) &&
	rewrite_remote "pulled" &&
	git pull -q --no-rebase --no-edit origin main 2>/dev/null &&
	git merge-base --is-ancestor "$old" HEAD &&
	test_expect_code 4 sovsync sync 2>"$TRASH/err" &&
	grep "was rewritten" "$TRASH/err" &&
	test "$(git -C "$TRASH/remote.git" rev-parse main)" != "$(git rev-parse HEAD)" &&
	! git -C "$TRASH/remote.git" merge-base --is-ancestor "$old" main 2>/dev/null
'

test_expect_success 'a clone with no record yet (older sovsync) catches a rewrite too' '
	git clone -q remote.git c &&
	test ! -e c/.git/sovsync/synced-tips.json &&
	rewrite_remote "once more" &&
	cd c &&
	test_expect_code 4 sovsync sync 2>"$TRASH/err" &&
	grep "was rewritten" "$TRASH/err"
'

test_expect_success 'a replay that conflicts is aborted: nothing changed, the way on named' '
	cd c &&
	echo c-local >shared/notes.md &&
	test_expect_code 4 sovsync sync 2>"$TRASH/err" &&
	head=$(git rev-parse HEAD) &&
	rewrite_remote "third" "admin notes" &&
	remote=$(git -C "$TRASH/remote.git" rev-parse main) &&
	test_expect_code 1 sovsync sync --accept-rewrite 2>"$TRASH/err" &&
	cat "$TRASH/err" &&
	grep "replaying the local commits since .* onto the rewritten origin/main .* failed; nothing changed" "$TRASH/err" &&
	grep "git rebase --onto $remote " "$TRASH/err" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	test ! -d .git/rebase-merge && test ! -d .git/rebase-apply &&
	test "$(cat shared/notes.md)" = c-local &&
	test -z "$(git status --porcelain)" &&
	test "$(git -C "$TRASH/remote.git" rev-parse main)" = "$remote" &&
	test -e .git/sovsync/remote-rewritten.json
'

test_expect_success 'a damaged record of the synced tips stops the cycle, naming it' '
	cd b &&
	echo "{ not json" >.git/sovsync/synced-tips.json &&
	test_expect_code 1 sovsync sync 2>"$TRASH/err" &&
	grep "synced-tips.json" "$TRASH/err"
'

test_expect_success 'usage: --accept-rewrite needs the network steps' '
	cd b &&
	test_expect_code 2 sovsync sync --accept-rewrite --no-push 2>"$TRASH/err" &&
	grep "accept-rewrite needs the network steps" "$TRASH/err"
'

test_done
