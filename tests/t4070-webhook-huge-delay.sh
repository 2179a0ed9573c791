#!/bin/sh
# Webhook retry delays at the edge: sovsync.webhook.retryDelay and
# maxRetryDelay as long as a duration may be (about 11,000 and 30,000
# years; longer ones, such as the older *Ms keys near INT64_MAX, are refused
# naming the key).  The backoff (src/util/timing.c) never overflows, and the
# next attempt stops at the last instant an event file holds, so the event
# stays queued, readable and not due: not set aside as unreadable, not
# retried at once, not failed.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"

test_expect_success 'delays beyond what a duration holds are refused, naming the key' '
	test_repo refused &&
	git -C refused config sovsync.webhook.url http://127.0.0.1:9/ &&
	git -C refused config sovsync.webhook.retryDelayMs 4611686018427387904 &&
	(cd refused && test_must_fail sovsync webhook flush) 2>err &&
	grep "sovsync.webhook.retryDelayMs" err && grep "too long" err
'

test_expect_success 'setup: a receiver that answers 500, the longest delays' '
	receiver_start rx &&
	webhook_repo repo rx &&
	git -C repo config sovsync.webhook.retryDelay 100000000h &&
	git -C repo config sovsync.webhook.maxRetryDelay 270000000h &&
	git -C repo config sovsync.webhook.linger 0 &&
	printf "500\n500\n500\n500\n500\n500\n" >rx/script
'

# next_attempt of every queued event, one per line.
next_attempts() {
	python3 - "$(git -C repo rev-parse --absolute-git-dir)/sovsync/outbox" <<-\EOF
	import json, os, sys
	d = sys.argv[1]
	for f in sorted(os.listdir(d)):
	    if f.endswith(".json"):
	        print(json.load(open(os.path.join(d, f)))["next_attempt"])
	EOF
}

# The queue head'"'"'s next attempt (the one event tried) has a four-digit
# year, later than a year from now.
far_ahead() {
	next_attempts >next &&
	cat next >&2 &&
	python3 -c "
import datetime
limit = datetime.datetime.now(datetime.timezone.utc).year + 1
line = open(\"next\").readline().strip()
assert len(line) >= 20 and line[4] == \"-\", line
assert int(line[:4]) > limit, line
"
}

test_expect_success 'one attempt (500), then the event is queued far ahead' '
	git -C repo commit -q --allow-empty -m first &&
	wait_records rx 1 &&
	wait_no_sender repo/.git &&
	test "$(outbox_count repo)" = 1 &&
	test "$(outbox_count repo failed)" = 0 &&
	far_ahead
'

test_expect_success 'the next event waits behind it, nothing is sent' '
	git -C repo commit -q --allow-empty -m second &&
	wait_no_sender repo/.git &&
	test "$(outbox_count repo)" = 2 &&
	test "$(outbox_count repo failed)" = 0 &&
	test "$(receiver_query rx "len(recs)")" = 1
'

test_expect_success 'webhook list reads both back' '
	(cd repo && sovsync webhook list) >list &&
	test $(wc -l <list) = 2
'

test_expect_success 'a flush tries the head now; 500 again: still queued far ahead' '
	(cd repo && test_must_fail sovsync webhook flush) &&
	test "$(receiver_query rx "len(recs)")" = 2 &&
	test "$(outbox_count repo)" = 2 &&
	test "$(outbox_count repo failed)" = 0 &&
	far_ahead
'

test_done
