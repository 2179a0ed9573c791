#!/bin/sh
# A fast-forward pull of commits made without sovsync (the web app commits
# through the GitHub API) is repaired by exactly one follow-up commit, and
# the follow-up never loops between clones.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

test_expect_success 'setup: a remote, a local clone with sovsync, a web clone without' '
	sov_setup seed &&
	git init -q --bare remote.git &&
	git -C seed push -q ../remote.git main &&
	git clone -q remote.git local &&
	sovsync install --repo local >/dev/null &&
	sov_driver_fallbacks local &&
	git clone -q remote.git web &&
	sov_fresh local
'

test_expect_success 'the web side commits two changes without touching the manifest' '
	printf "{\"id\": \"w1\"}\n" >web/shared/conversations/w1.json &&
	git -C web add shared && test_tick && git -C web commit -q -m "web: w1" &&
	printf "{\"results\": [{\"id\": \"9\", \"memory\": \"From the web\"}]}\n" \
		>web/shared/memories/default/memories.json &&
	git -C web commit -q -a -m "web: memory" &&
	git -C web push -q origin main &&
	test_expect_code 1 sh -c "cd web && sovsync verify >/dev/null"
'

test_expect_success 'a fast-forward pull repairs the manifest with one follow-up' '
	test_tick &&
	git -C local pull -q --ff-only 2>err &&
	sov_fresh local &&
	test "$(sov_count_followups local)" = 1 &&
	test "$(git -C local log -1 --format=%s)" = "sovsync: refresh manifest" &&
	test "$(git -C local log -1 --skip=1 --format=%s)" = "web: memory" &&
	grep "\"count\": 1" local/shared/memories/default/index.meta &&
	w1_time=$(git -C local log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ HEAD~2) &&
	test "$(sov_entry local conversations/w1.json last_modified)" = "$w1_time"
'

test_expect_success 'pulling again changes nothing' '
	head=$(git -C local rev-parse HEAD) &&
	git -C local pull -q --ff-only &&
	test "$(git -C local rev-parse HEAD)" = "$head"
'

test_expect_success 'the follow-up travels: no loop between clones' '
	git -C local push -q origin main &&
	git -C web pull -q --ff-only &&
	(cd web && sovsync verify) &&
	head=$(git -C local rev-parse HEAD) &&
	git -C local pull -q --ff-only &&
	test "$(git -C local rev-parse HEAD)" = "$head" &&
	test "$(sov_count_followups local)" = 1
'

test_expect_success 'a merge pull of a hookless commit is made fresh too' '
	printf "{\"id\": \"w2\"}\n" >web/shared/conversations/w2.json &&
	git -C web add shared && test_tick && git -C web commit -q -m "web: w2" &&
	git -C web push -q origin main &&
	printf "{\"id\": \"l1\"}\n" >local/shared/conversations/l1.json &&
	git -C local add shared && test_tick && git -C local commit -q -m "local: l1" &&
	test_tick && git -C local pull -q --no-rebase --no-edit 2>err &&
	sov_fresh local &&
	test "$(sov_entry local conversations/w2.json size)" != absent &&
	test "$(sov_entry local conversations/l1.json size)" != absent
'

test_expect_success 'pull --rebase of local work over a hookless commit' '
	printf "{\"id\": \"w3\"}\n" >web/shared/conversations/w3.json &&
	git -C web pull -q --no-rebase --no-edit &&
	git -C web add shared && test_tick && git -C web commit -q -m "web: w3" &&
	git -C web push -q origin main &&
	printf "{\"id\": \"l2\"}\n" >local/shared/conversations/l2.json &&
	git -C local add shared && test_tick && git -C local commit -q -m "local: l2" &&
	test_tick && git -C local pull -q --rebase 2>err &&
	sov_fresh local &&
	test "$(sov_entry local conversations/w3.json size)" != absent &&
	test "$(sov_entry local conversations/l2.json size)" != absent
'

test_expect_success 'a push reaches the reference-transaction handler, a commit does not' '
	printf "{\"id\": \"l3\"}\n" >local/shared/conversations/l3.json &&
	git -C local add shared &&
	SOVSYNC_TRACE="$TRASH/commit.trace" git -C local commit -q -m "local: l3" &&
	! grep "hook reference-transaction" commit.trace &&
	SOVSYNC_TRACE="$TRASH/push.trace" git -C local push -q origin main &&
	grep "hook reference-transaction committed" push.trace
'


# Documents from sovsync.filter.minSize up are stored in frames; the small
# ones stay plain (t1020, t3020).  A small minSize keeps these files small.
test_expect_success 'a document above minSize the web side stored unfiltered gets its stored form' '
	git -C local config sovsync.filter.minSize 10 &&
	git -C web pull -q --no-rebase --no-edit &&
	DOC=shared/documents/ingested/web.md &&
	printf "written by the web app\n" >web/$DOC &&
	git -C web add shared && test_tick && git -C web commit -q -m "web: raw doc" &&
	git -C web push -q origin main &&
	git -C web cat-file blob HEAD:$DOC >raw && test_cmp web/$DOC raw &&
	test_tick && git -C local pull -q --ff-only 2>err &&
	git -C local cat-file blob HEAD:$DOC >stored &&
	! cmp -s stored local/$DOC &&
	sovsync cat - <stored >real && test_cmp web/$DOC real &&
	test "$(git -C local log -1 --format=%s)" = "sovsync: refresh manifest" &&
	touch local/$DOC && sov_fresh local
'

test_expect_success 'the same through a merge pull' '
	DOC=shared/documents/ingested/web2.md &&
	printf "also from the web\n" >web/$DOC &&
	git -C web add shared && test_tick && git -C web commit -q -m "web: raw doc 2" &&
	git -C web push -q origin main &&
	printf "{\"id\": \"l4\"}\n" >local/shared/conversations/l4.json &&
	git -C local add shared && test_tick && git -C local commit -q -m "local: l4" &&
	test_tick && git -C local pull -q --no-rebase --no-edit 2>err &&
	git -C local cat-file blob HEAD:$DOC >stored &&
	! cmp -s stored local/$DOC &&
	sovsync cat - <stored >real && test_cmp web/$DOC real &&
	touch local/$DOC && sov_fresh local
'

test_done
