#!/bin/sh
# sovsync status [--json]: branch, ahead/behind, pending changes and
# conflicts, webhook queue, health and the metrics under their names.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

json_get() {
	perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
		for my $k (split /\./, $ARGV[0]) { $j = $j->{$k} }
		print defined $j ? (ref $j eq "ARRAY" ? scalar(@$j) : $j) : "null", "\n"' "$1" <status.json
}

test_expect_success 'setup: a clone one commit ahead and one behind' '
	sov_setup seed &&
	git init -q --bare remote.git &&
	git -C seed push -q ../remote.git main &&
	git clone -q remote.git r &&
	sovsync install --repo r >/dev/null && sov_driver_fallbacks r &&
	echo "{}" >seed/shared/conversations/s.json && git -C seed add shared &&
	git -C seed commit -q -m s && git -C seed push -q ../remote.git main &&
	git -C r fetch -q &&
	echo "{}" >r/shared/conversations/l.json && git -C r add shared &&
	git -C r commit -q -m l
'

test_expect_success 'status --json has every field' '
	(cd r && sovsync status --json) >status.json &&
	test "$(json_get branch)" = main &&
	test "$(json_get syncBranch)" = main &&
	test "$(json_get upstream)" = origin/main &&
	test "$(json_get ahead)" = 1 &&
	test "$(json_get behind)" = 1 &&
	# Nothing uncommitted, but the local commit is not on the remote yet.
	git -C r diff --name-only origin/main...HEAD -- shared >unpushed &&
	test -s unpushed &&
	test "$(json_get pending.uncommitted)" = 0 &&
	test "$(json_get pending.unpushed)" = "$(wc -l <unpushed)" &&
	test "$(json_get pending.unpushedCommits)" = 1 &&
	test "$(json_get pendingChanges)" = "$(wc -l <unpushed)" &&
	test "$(json_get syncStopped)" = null &&
	test "$(json_get pendingConflicts)" = 0 &&
	test "$(json_get webhookQueue.pending)" = 0 &&
	test "$(json_get health.status)" = healthy &&
	test "$(json_get health.consecutiveFailures)" = 0 &&
	for k in totalSyncs successfulSyncs failedSyncs averageSyncDuration \
		lastSyncTimestamp conflictsResolved; do
		grep "\"$k\"" status.json
	done
'

test_expect_success 'pending changes, conflicts, webhook queue and health are counted' '
	echo "{\"x\": 1}" >r/shared/conversations/l.json &&
	echo "{}" >r/shared/conversations/new.json &&
	echo "outside" >r/README &&
	mkdir -p r/.git/sovsync/outbox/failed &&
	echo "{}" >r/.git/sovsync/outbox/00000000000000000001-a.json &&
	echo "{}" >r/.git/sovsync/outbox/00000000000000000002-b.json &&
	echo "{}" >r/.git/sovsync/outbox/failed/00000000000000000000-c.json &&
	cat >r/.git/sovsync/conflicts.json <<-JSON &&
	{"version": 1, "conflicts": [{"path": "shared/documents/ingested/a.md", "kind": "text",
	  "base": null, "ours": "1", "theirs": "2", "ours_commit": null, "theirs_commit": null,
	  "detected_at": "2026-02-08T17:30:00Z", "source": "local"}]}
	JSON
	cat >r/.git/sovsync/metrics.json <<-JSON &&
	{"totalSyncs": 4, "successfulSyncs": 2, "failedSyncs": 2, "averageSyncDuration": 12.5,
	 "lastSyncTimestamp": "2026-02-08T17:30:00Z", "conflictsResolved": 1,
	 "health": {"status": "degraded", "lastError": "push: rejected", "consecutiveFailures": 2}}
	JSON
	(cd r && sovsync status --json) >status.json &&
	test "$(json_get pending.uncommitted)" = 2 &&
	# l.json is both edited and unpushed: counted once.
	{ git -C r diff --name-only origin/main...HEAD -- shared &&
	  git -C r status --porcelain -uall -- shared | cut -c4-; } | sort -u >pending &&
	grep -x shared/conversations/l.json pending &&
	test "$(json_get pendingChanges)" = "$(wc -l <pending)" &&
	test "$(json_get pendingChanges)" -gt 2 &&
	test "$(json_get pendingConflicts)" = 1 &&
	test "$(json_get webhookQueue.pending)" = 2 &&
	test "$(json_get webhookQueue.failed)" = 1 &&
	test "$(json_get totalSyncs)" = 4 &&
	test "$(json_get health.status)" = degraded &&
	test "$(json_get health.lastError)" = "push: rejected"
'

test_expect_success 'human-readable status names the same things' '
	(cd r && sovsync status) >out &&
	grep "^branch: *main (sync branch main)" out &&
	grep "ahead 1, behind 1" out &&
	grep "^pending conflicts: *1" out &&
	grep "shared/documents/ingested/a.md" out &&
	grep "^webhook queue: *2 pending, 1 failed" out &&
	grep "^health: *degraded (2 consecutive failures; last error: push: rejected)" out &&
	grep "^totalSyncs: *4" out &&
	grep "^conflictsResolved: *1" out
'

test_expect_success 'last push and last pull come from the clone'"'"'s own record' '
	(cd r && sovsync status --json) >status.json &&
	json_get lastSync.remoteToLocal >pulled &&
	grep -E "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$" pulled &&
	test "$(json_get lastSync.localToRemote)" = null &&
	git -C r pull -q --no-edit &&
	git -C r push -q origin main &&
	(cd r && sovsync status --json) >status.json &&
	json_get lastSync.localToRemote >pushed &&
	grep -E "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$" pushed &&
	(cd r && sovsync status) >human &&
	grep "^last push: *[0-9]" human &&
	grep "^last pull: *[0-9]" human
'

test_expect_success 'status outside a repository fails' '
	mkdir -p empty && cd empty &&
	test_must_fail env GIT_CEILING_DIRECTORIES="$TRASH" sovsync status 2>err &&
	grep "^sovsync: " err
'

test_done
