#!/bin/sh
# libcurl is loaded when a webhook is first sent (src/os/osdl.h), not at
# every start.  On a machine where it cannot be loaded (without_library in
# tests/lib.sh: as when the package is missing), commits still
# succeed and queue their events; nothing is sent and it is not counted as
# an attempt; the sender, `webhook flush` and `webhook test` name the file;
# once libcurl loads again the same events are delivered.  A URL that could
# not be checked when its event was queued is checked before anything is
# sent: one with user:password@ is never used.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"

test_expect_success 'setup: a receiver' '
	receiver_start rx &&
	webhook_repo repo rx &&
	git -C repo config sovsync.webhook.linger 0
'

nocurl() {
	without_library libcurl "$@"
}

test_expect_success CC 'a commit without libcurl succeeds and queues its event' '
	nocurl git -C repo commit -q --allow-empty -m one 2>err &&
	wait_no_sender repo/.git &&
	test "$(outbox_count repo)" = 1 &&
	test "$(outbox_count repo failed)" = 0 &&
	test "$(receiver_query rx "len(recs)")" = 0
'

test_expect_success CC 'flush and test say which file is missing; the event stays, no attempt counted' '
	(cd repo && nocurl test_must_fail sovsync webhook flush) >out 2>err &&
	cat err &&
	grep "cannot load libcurl.so.4: .*not-installed.so" err &&
	(cd repo && nocurl test_must_fail sovsync webhook test) 2>err &&
	grep "cannot load libcurl.so.4: .*not-installed.so" err &&
	(cd repo && sovsync webhook list) >list &&
	cat list &&
	grep "cannot load libcurl.so.4: .*not-installed.so" list &&
	test "$(outbox_count repo)" = 1 &&
	test "$(outbox_count repo failed)" = 0 &&
	python3 - "$(git -C repo rev-parse --absolute-git-dir)/sovsync/outbox" <<-\EOF
	import json, os, sys
	d = sys.argv[1]
	evs = [json.load(open(os.path.join(d, f))) for f in os.listdir(d) if f.endswith(".json")]
	assert len(evs) == 1 and evs[0]["attempts"] == 0, evs
	EOF
'

test_expect_success CC 'with libcurl back, the queued event is delivered' '
	(cd repo && sovsync webhook flush) &&
	receiver_wait rx 1 &&
	test "$(outbox_count repo)" = 0 &&
	test "$(outbox_count repo failed)" = 0
'

test_expect_success CC 'a URL queued unchecked is checked before sending: user:password@ is never used' '
	git -C repo config sovsync.webhook.url \
		"http://user:pw@127.0.0.1:$(receiver_port rx)/hook" &&
	nocurl git -C repo commit -q --allow-empty -m two &&
	wait_no_sender repo/.git &&
	test "$(outbox_count repo)" = 1 &&
	(cd repo && test_must_fail sovsync webhook flush) 2>err &&
	cat err &&
	grep "must not contain user:password@" err &&
	test "$(outbox_count repo)" = 1 &&
	test "$(receiver_count rx)" = 1 &&
	! grep -q "user:pw" rx/log &&
	git -C repo config sovsync.webhook.url "$(receiver_url rx)" &&
	(cd repo && sovsync webhook flush) &&
	receiver_wait rx 2 &&
	test "$(outbox_count repo)" = 0
'

test_done
