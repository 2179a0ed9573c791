#!/bin/sh
# The web app gets the dashboard's data: every webhook event carries the
# clone's sync_health and metrics (the numbers `sovsync status` and the
# dashboard of `sovsync ui` show).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"
. "$(dirname "$0")/lib-docmerge.sh"	# json_get

test_expect_success 'events carry sync_health and the metrics' '
	receiver_start rx &&
	webhook_repo repo rx &&
	mkdir -p repo/shared/memories &&
	echo "{}" >repo/shared/memories/m.json &&
	git init -q --bare remote.git &&
	git -C repo remote add origin "$TRASH/remote.git" &&
	(cd repo && sovsync sync -q) &&
	wait_outbox repo 0 &&
	n=$(receiver_count rx) &&
	echo x >repo/shared/memories/n.json &&
	git -C repo add . &&
	git -C repo commit -q -m second &&
	receiver_wait rx $((n + 1)) &&
	(cd repo && sovsync status --json) >st &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"sync_health\"][\"status\"]")" = healthy &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"sync_health\"][\"consecutiveFailures\"]")" = 0 &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"metrics\"][\"totalSyncs\"]")" = 1 &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"metrics\"][\"successfulSyncs\"]")" = 1 &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"metrics\"][\"lastSyncTimestamp\"]")" = \
	     "$(json_get st "d[\"lastSyncTimestamp\"]")" &&
	test "$(receiver_query rx "sorted(recs[-1][\"body\"][\"metrics\"].keys()) == [
		\"averageSyncDuration\", \"changedSyncs\", \"conflictsResolved\", \"failedSyncs\",
		\"idleSyncs\", \"lastSyncTimestamp\", \"successfulSyncs\", \"totalSyncs\"]")" = True
'

test_expect_success 'a failing clone says so in its events' '
	git -C repo remote set-url origin "$TRASH/nowhere.git" &&
	echo y >repo/shared/memories/o.json &&
	(cd repo && test_expect_code 1 sovsync sync -q 2>/dev/null) &&
	wait_outbox repo 0 &&
	n=$(receiver_count rx) &&
	echo z >repo/shared/memories/p.json &&
	git -C repo add . &&
	git -C repo commit -q -m fourth &&
	receiver_wait rx $((n + 1)) &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"sync_health\"][\"status\"]")" = degraded &&
	receiver_query rx "recs[-1][\"body\"][\"sync_health\"][\"lastError\"]" | grep "nowhere.git" &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"metrics\"][\"failedSyncs\"]")" = 1 &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"metrics\"][\"totalSyncs\"]")" = 2
'

test_expect_success 'damaged metrics.json: the event still goes, saying so' '
	echo "{not json" >repo/.git/sovsync/metrics.json &&
	wait_outbox repo 0 &&
	n=$(receiver_count rx) &&
	echo w >repo/shared/memories/q.json &&
	git -C repo add . &&
	git -C repo commit -q -m fifth &&
	receiver_wait rx $((n + 1)) &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"metrics\"][\"totalSyncs\"]")" = 0 &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"sync_health\"][\"status\"]")" = healthy &&
	test "$(receiver_query rx "recs[-1][\"body\"][\"after\"]")" = "$(git -C repo rev-parse HEAD)" &&
	receiver_query rx "recs[-1][\"body\"][\"metrics_error\"]" | grep "metrics.json" &&
	test "$(receiver_query rx "\"metrics_error\" in recs[-2][\"body\"]")" = False
'

test_expect_success 'the committed state.json queue carries what the resolver shows' '
	mkdir stq && cd stq &&
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	sovsync install --repo a >/dev/null &&
	mkdir -p a/shared/documents/ingested &&
	printf "one\ntwo\nthree\nfour\nfive\n" >a/$DOC &&
	(cd a && sovsync sync -q) &&
	git clone -q remote.git b 2>/dev/null &&
	sovsync install --repo b >/dev/null &&
	printf "one\ntwo\nthree from b\nfour\nfive\n" >b/$DOC &&
	git -C b add $DOC &&
	GIT_AUTHOR_NAME="Bea Writer" GIT_AUTHOR_EMAIL=bea@example.com \
		git -C b commit -q -m "b writes the document" &&
	(cd b && sovsync sync -q) &&
	printf "one\ntwo\nthree from a\nfour\nfive\n" >a/$DOC &&
	(cd a && sovsync sync -q) &&
	(cd a && sovsync conflicts --json) >q &&
	git -C a show HEAD:shared/state.json >state &&
	git -C remote.git show main:shared/state.json >pushed &&
	test_cmp state pushed &&
	test "$(json_get state "len(d[\"pending_conflicts\"])")" = 1 &&
	test "$(json_get state "d[\"pending_conflicts\"][0][\"path\"]")" = "${DOC#shared/}" &&
	for side in ours theirs; do
		for key in content size binary truncated author written_at; do
			test "$(json_get state "d[\"pending_conflicts\"][0][\"versions\"][\"$side\"][\"$key\"]")" = \
			     "$(json_get q "d[0][\"versions\"][\"$side\"][\"$key\"]")" || return 1
		done
	done &&
	test "$(json_get state "d[\"pending_conflicts\"][0][\"versions\"][\"theirs\"][\"author\"]")" = \
	     "Bea Writer <bea@example.com>" &&
	test "$(json_get state "d[\"pending_conflicts\"][0][\"versions\"][\"theirs\"][\"content\"]")" = \
	     "$(printf "one\ntwo\nthree from b\nfour\nfive\n")"
'

test_done
