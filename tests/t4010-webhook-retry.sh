#!/bin/sh
# Webhook retries: receiver down (queued, delivered after restart, once per
# id), 500 then 429 with Retry-After (waited, same id), other 4xx and 3xx
# (failed at once), too many attempts (failed), `list --failed`, `retry`.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"

test_expect_success 'setup' '
	receiver_start rx &&
	webhook_repo repo rx &&
	git -C repo commit -q --allow-empty -m first &&
	receiver_wait rx 1
'

test_expect_success 'receiver down during a commit: the event is queued' '
	port=$(receiver_port rx) && echo $port >port &&
	receiver_stop rx &&
	git -C repo commit -q --allow-empty -m "while down" &&
	test "$(outbox_count repo)" = 1 &&
	(cd repo && sovsync webhook list) >queued &&
	test $(wc -l <queued) = 1 &&
	cut -d" " -f2 queued >down-id
'

test_expect_success 'after a restart, flush delivers it exactly once' '
	receiver_start rx "$(cat port)" &&
	(cd repo && sovsync webhook flush) &&
	test "$(outbox_count repo)" = 0 &&
	id=$(cat down-id) &&
	test "$(receiver_query rx "len([r for r in ok if r[\"id\"] == \"$id\"])")" = 1 &&
	test "$(receiver_query rx "len(ok) == len(set(r[\"id\"] for r in ok))")" = True &&
	test "$(receiver_query rx "[r[\"signature_ok\"] for r in ok if r[\"id\"] == \"$id\"]")" = True
'

test_expect_success 'or the next hook run delivers what the last sender left' '
	git -C repo config sovsync.webhook.lingerMs 0 &&
	receiver_stop rx &&
	git -C repo commit -q --allow-empty -m "left behind" &&
	wait_no_sender repo/.git &&
	test "$(outbox_count repo)" = 1 &&
	receiver_start rx "$(cat port)" &&
	git -C repo config sovsync.webhook.lingerMs 20000 &&
	git -C repo commit -q --allow-empty -m "next one" &&
	wait_outbox repo 0 &&
	receiver_query rx "[r[\"body\"][\"after\"] for r in ok[-2:]]" >got &&
	git -C repo rev-list --reverse -2 HEAD >expect &&
	test_cmp expect got
'

test_expect_success '500, then 429 with Retry-After: waited, same id, delivered' '
	n=$(receiver_query rx "len(recs)") &&
	printf "500\n429 1\n" >rx/script &&
	git -C repo commit -q --allow-empty -m retried &&
	wait_records rx $((n + 3)) &&
	receiver_query rx "[r[\"status\"] for r in recs[$n:]]" >statuses &&
	printf "500\n429\n200\n" >expect &&
	test_cmp expect statuses &&
	test "$(receiver_query rx "len(set(r[\"id\"] for r in recs[$n:]))")" = 1 &&
	test "$(receiver_query rx "all(r[\"signature_ok\"] for r in recs[$n:])")" = True &&
	# Retry-After: 1 is a floor for the wait before the third attempt.
	test "$(receiver_query rx "recs[$n+2][\"received_at\"] - recs[$n+1][\"received_at\"] >= 1.0")" = True &&
	wait_outbox repo 0
'

test_expect_success 'a 404 fails at once and shows in list --failed' '
	n=$(receiver_query rx "len(recs)") &&
	echo 404 >rx/script &&
	git -C repo commit -q --allow-empty -m rejected &&
	wait_outbox repo 0 1 &&
	test "$(outbox_count repo)" = 0 &&
	test "$(receiver_query rx "len(recs)")" = $((n + 1)) &&
	(cd repo && sovsync webhook list --failed) >failed &&
	grep "attempts=1 .*error=HTTP 404" failed &&
	cut -d" " -f2 failed >failed-id &&
	(cd repo && sovsync webhook list) >pending &&
	test_must_fail grep . pending
'

test_expect_success 'retry requeues the failed event and it is delivered' '
	(cd repo && sovsync webhook retry) >out &&
	grep "1 events requeued" out &&
	wait_outbox repo 0 &&
	test "$(outbox_count repo failed)" = 0 &&
	id=$(cat failed-id) &&
	test "$(receiver_query rx "[r[\"status\"] for r in recs if r[\"id\"] == \"$id\"]" | tr "\n" " ")" = "404 200 "
'

test_expect_success 'retry of an unknown id fails' '
	(cd repo && test_must_fail sovsync webhook retry evt_nope) 2>err &&
	grep "no failed webhook event with id" err
'

test_expect_success 'a redirect is not followed: 302 fails at once' '
	echo 302 >rx/script &&
	git -C repo commit -q --allow-empty -m redirected &&
	wait_outbox repo 0 1 &&
	(cd repo && sovsync webhook list --failed) | grep "error=HTTP 302" &&
	(cd repo && sovsync webhook retry) &&
	wait_outbox repo 0 0
'

test_expect_success 'after maxAttempts retryable failures the event fails' '
	git -C repo config sovsync.webhook.maxAttempts 2 &&
	printf "503\n503\n" >rx/script &&
	git -C repo commit -q --allow-empty -m "gives up" &&
	wait_outbox repo 0 1 &&
	(cd repo && sovsync webhook list --failed) | grep "attempts=2 .*error=HTTP 503" &&
	git -C repo config --unset sovsync.webhook.maxAttempts &&
	(cd repo && sovsync webhook retry) &&
	wait_outbox repo 0 0
'

test_expect_success 'flush reports events that must wait for a retry' '
	n=$(receiver_query rx "len(recs)") &&
	git -C repo config sovsync.webhook.lingerMs 0 &&
	printf "500\n500\n500\n500\n500\n500\n" >rx/script &&
	git -C repo commit -q --allow-empty -m "still queued" &&
	wait_records rx $((n + 1)) &&
	wait_no_sender repo/.git &&
	(cd repo && test_expect_code 1 sovsync webhook flush) >out 2>err &&
	grep "0 delivered, 0 failed, 1 still queued" out &&
	grep "1 events still queued" err &&
	: >rx/script &&
	(cd repo && sovsync webhook flush) &&
	test "$(outbox_count repo)" = 0
'

test_done
