#!/bin/sh
# sovsync status tells the truth: pendingChanges counts what is not on the
# remote yet (uncommitted and committed but unpushed, each file once); a
# sync that found nothing to do is counted apart from one that moved data;
# a sync that stands still (stopped on a conflict, a rewritten remote, a
# killed merge) shows in status, conflicts and doctor with the next step.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"

status_json() {
	(cd "$TRASH/$1" && sovsync status --json) >"$TRASH/$1.status"
}

test_expect_success 'setup: a remote and two clones' '
	sync_setup
'

test_expect_success 'a sync that moves data and one that finds nothing are counted apart' '
	echo x >a/shared/x &&
	(cd a && sovsync sync -q) &&
	(cd a && sovsync sync -q) &&
	(cd a && sovsync sync -q) &&
	status_json a &&
	test "$(jget a.status successfulSyncs)" = 3 &&
	test "$(jget a.status changedSyncs)" = 1 &&
	test "$(jget a.status idleSyncs)" = 2 &&
	(cd a && sovsync status) >out &&
	grep "^  changedSyncs: *1 (moved data)" out &&
	grep "^  idleSyncs: *2 (found nothing to do)" out
'

test_expect_success 'a pull that brings data counts as moving data' '
	echo from-b >b/shared/fromb &&
	(cd b && sovsync sync -q) &&
	(cd a && sovsync sync -q) &&
	status_json a &&
	test "$(jget a.status changedSyncs)" = 2 &&
	test "$(jget a.status idleSyncs)" = 2
'

test_expect_success 'pendingChanges counts committed but unpushed files, each once' '
	echo y >a/shared/y &&
	(cd a && sovsync sync -q --no-push) &&
	status_json a &&
	test "$(jget a.status pending.uncommitted)" = 0 &&
	test "$(jget a.status pending.unpushed)" = 1 &&
	test "$(jget a.status pending.unpushedCommits)" = 1 &&
	test "$(jget a.status pendingChanges)" = 1 &&
	# Edited again: uncommitted and unpushed, still one file.
	echo y2 >a/shared/y &&
	echo z >a/shared/z &&
	status_json a &&
	test "$(jget a.status pending.uncommitted)" = 2 &&
	test "$(jget a.status pendingChanges)" = 2 &&
	(cd a && sovsync status) >out &&
	grep "^pending changes: *2 under shared/ not on the remote yet (2 uncommitted, 1 committed, not pushed)" out &&
	(cd a && sovsync sync -q) &&
	status_json a &&
	test "$(jget a.status pendingChanges)" = 0
'

test_expect_success 'a never-pushed branch: every committed file is pending' '
	git init -q lonely &&
	mkdir lonely/shared &&
	echo 1 >lonely/shared/one &&
	echo 2 >lonely/shared/two &&
	git -C lonely add shared &&
	git -C lonely commit -q -m two &&
	status_json lonely &&
	test "$(jget lonely.status pending.unpushed)" = 2 &&
	test "$(jget lonely.status pendingChanges)" = 2
'

test_expect_success 'a sync stopped by a conflict shows in status and conflicts, with the next step' '
	(cd b && sovsync sync -q) &&
	echo b >b/README && git -C b add README && git -C b commit -q -m b &&
	git -C b push -q origin HEAD:main &&
	echo a >a/README && git -C a add README && git -C a commit -q -m a &&
	(cd a && test_expect_code 3 sovsync sync -q) &&
	status_json a &&
	test "$(jget a.status syncStopped.reason)" = conflict &&
	test "$(jget a.status syncStopped.paths)" = 1 &&
	jget a.status syncStopped.nextStep | grep "git merge origin/main" | grep -q README &&
	test "$(jget a.status health.status)" = degraded &&
	(cd a && sovsync status) >out &&
	grep "^SYNC STOPPED: .*README" out &&
	grep "^next step: *git merge origin/main, settle the conflicts in README" out &&
	grep "^health: .*(sync stopped: conflict)" out &&
	(cd a && sovsync conflicts) >out &&
	grep "^No pending conflicts." out &&
	grep "^The sync stands still: .*README" out &&
	grep "^Next step: git merge origin/main" out &&
	(cd a && sovsync doctor --timeout=3 || :) >out &&
	grep "^warn  sync  .*README.*fix: git merge origin/main" out
'

test_expect_success 'the next step taken: status is clear again' '
	(cd a && test_must_fail git merge -q origin/main >/dev/null 2>&1) &&
	echo ab >a/README && git -C a add README && git -C a commit -q --no-edit &&
	(cd a && sovsync sync -q) &&
	status_json a &&
	grep -q "\"syncStopped\": null" a.status &&
	test "$(jget a.status health.status)" = healthy &&
	(cd a && sovsync conflicts) >out &&
	! grep "stands still" out
'

test_expect_success 'a damaged flag still shows, with its read error (status does not fail)' '
	printf "{not json" >a/.git/sovsync/sync-conflict.json &&
	status_json a &&
	test "$(jget a.status syncStopped.reason)" = conflict &&
	jget a.status syncStopped.message | grep -q "sync-conflict.json: .*invalid JSON" &&
	rm a/.git/sovsync/sync-conflict.json
'

test_expect_success 'a killed merge shows while no sync runs, not while one does' '
	cat >a/.git/sovsync/merge-in-progress.json <<-EOF &&
	{"version": 1, "started_at": "2026-12-03T10:00:00Z", "worktree": "$TRASH/a/",
	 "upstream": "origin/main", "head": "$(git -C a rev-parse HEAD)",
	 "merging": "$(git -C a rev-parse HEAD)"}
	EOF
	status_json a &&
	test "$(jget a.status syncStopped.reason)" = killed-merge &&
	jget a.status syncStopped.nextStep | grep -q "sovsync sync" &&
	# A running cycle holds the sync lock: its own marker is no news.
	flock a/.git/sovsync/sync.lock sh -c "cd a && sovsync status --json" >a.status &&
	test "$(jget a.status syncStopped)" = null &&
	(cd a && sovsync sync -q) &&
	status_json a &&
	test "$(jget a.status syncStopped)" = null &&
	# Another worktree'"'"'s record is that worktree'"'"'s business.
	cat >a/.git/sovsync/merge-in-progress.json <<-EOF &&
	{"version": 1, "worktree": "$TRASH/other/", "head": "$(git -C a rev-parse HEAD)",
	 "merging": "$(git -C a rev-parse HEAD)"}
	EOF
	status_json a &&
	test "$(jget a.status syncStopped)" = null &&
	rm a/.git/sovsync/merge-in-progress.json
'

test_expect_success 'a rewritten remote shows, with --accept-rewrite as the next step' '
	(cd b && sovsync sync -q) &&
	git -C b commit -q --amend -m rewritten &&
	git -C b push -q -f origin HEAD:main &&
	(cd a && test_expect_code 4 sovsync sync -q) &&
	status_json a &&
	test "$(jget a.status syncStopped.reason)" = remote-rewritten &&
	jget a.status syncStopped.nextStep | grep -q -- "--accept-rewrite"
'

test_done
