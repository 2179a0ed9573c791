#!/bin/sh
# Webhook delivery from Git hooks: a commit or a merge queues an event and a
# detached sender POSTs it with the bearer token and a Standard Webhooks
# signature; events arrive in order; settings switch events off.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"

test_expect_success 'a commit is delivered with a valid token and signature' '
	receiver_start rx &&
	webhook_repo repo rx &&
	mkdir -p repo/shared/memories &&
	echo "{}" >repo/shared/memories/m.json &&
	echo x >repo/outside &&
	git -C repo add . &&
	git -C repo commit -q -m "add memories" &&
	receiver_wait rx 1 &&
	test "$(receiver_query rx "recs[0][\"token_ok\"]")" = True &&
	test "$(receiver_query rx "recs[0][\"signature_ok\"]")" = True &&
	test "$(receiver_query rx "recs[0][\"content_type\"]")" = application/json &&
	test "$(receiver_query rx "recs[0][\"event\"]")" = commit &&
	test "$(receiver_query rx "recs[0][\"id\"] == recs[0][\"body\"][\"id\"]")" = True &&
	test "$(receiver_query rx "recs[0][\"body\"][\"after\"]")" = "$(git -C repo rev-parse HEAD)" &&
	test "$(receiver_query rx "recs[0][\"body\"][\"before\"]")" = "$(git -C repo rev-parse HEAD^)" &&
	test "$(receiver_query rx "recs[0][\"body\"][\"branch\"]")" = main &&
	test "$(receiver_query rx "recs[0][\"body\"][\"repository\"]")" = repo &&
	test "$(receiver_query rx "recs[0][\"body\"][\"source\"]")" = local &&
	receiver_query rx "recs[0][\"body\"][\"paths\"]" >paths &&
	echo shared/memories/m.json >expect &&
	test_cmp expect paths &&
	test "$(outbox_count repo)" = 0
'

test_expect_success 'the outbox drains: nothing is left after delivery' '
	wait_outbox repo 0 &&
	(cd repo && sovsync webhook list) >out &&
	test_must_fail grep evt_ out
'

test_expect_success 'a merge (git pull) sends a merge event' '
	git clone -q repo other &&
	git -C other config user.name O && git -C other config user.email o@x &&
	echo y >other/shared/memories/n.json &&
	git -C other add . && git -C other commit -q -m theirs &&
	before=$(git -C repo rev-parse HEAD) &&
	git -C repo pull -q --no-rebase ../other main &&
	receiver_wait rx 2 &&
	test "$(receiver_query rx "ok[-1][\"event\"]")" = merge &&
	test "$(receiver_query rx "ok[-1][\"body\"][\"before\"]")" = "$before" &&
	test "$(receiver_query rx "ok[-1][\"body\"][\"after\"]")" = "$(git -C repo rev-parse HEAD)" &&
	test "$(receiver_query rx "ok[-1][\"body\"][\"paths\"]")" = shared/memories/n.json &&
	test "$(receiver_query rx "ok[-1][\"signature_ok\"]")" = True
'

test_expect_success 'events arrive in the order they were queued' '
	port=$(receiver_port rx) &&
	receiver_stop rx &&
	git -C repo commit -q --allow-empty -m c1 &&
	git -C repo commit -q --allow-empty -m c2 &&
	git -C repo commit -q --allow-empty -m c3 &&
	test "$(outbox_count repo)" = 3 &&
	(cd repo && sovsync webhook list) >queued &&
	test $(wc -l <queued) = 3 &&
	cut -d" " -f2 queued >want &&
	receiver_start rx $port &&
	(cd repo && sovsync webhook flush) &&
	receiver_query rx "[r[\"id\"] for r in ok[-3:]]" >got &&
	test_cmp want got &&
	receiver_query rx "[r[\"body\"][\"after\"] for r in ok[-3:]]" >afters &&
	git -C repo rev-list --reverse -3 HEAD >expect &&
	test_cmp expect afters
'

test_expect_success 'sovsync.webhook.events limits what is queued' '
	git -C repo config sovsync.webhook.events merge &&
	n=$(receiver_count rx) &&
	git -C repo commit -q --allow-empty -m "not sent" &&
	test "$(outbox_count repo)" = 0 &&
	git -C repo config --unset sovsync.webhook.events
'

test_expect_success 'without a URL the hooks queue nothing' '
	webhook_repo plain &&
	git -C plain commit -q --allow-empty -m quiet &&
	test "$(outbox_count plain)" = 0
'

test_expect_success 'webhook test sends a test event in the foreground' '
	(cd repo && sovsync webhook test) >out &&
	grep "^webhook test: delivered evt_.* (HTTP 200)" out &&
	test "$(receiver_query rx "ok[-1][\"event\"]")" = test &&
	test "$(receiver_query rx "ok[-1][\"signature_ok\"]")" = True
'

test_expect_success 'webhook test reports a failure' '
	echo 404 >rx/script &&
	(cd repo && test_must_fail sovsync webhook test) 2>err &&
	grep "not delivered: HTTP 404" err
'

test_expect_success 'usage errors exit 2' '
	(cd repo && test_expect_code 2 sovsync webhook) &&
	(cd repo && test_expect_code 2 sovsync webhook frobnicate) &&
	(cd repo && test_expect_code 2 sovsync webhook list --all) &&
	sovsync webhook --help >help &&
	grep "sovsync webhook flush" help
'

test_done
