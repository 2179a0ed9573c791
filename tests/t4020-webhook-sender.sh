#!/bin/sh
# The webhook sender: one at a time (lock), a sender killed mid-flight loses
# nothing, and the hook returns without waiting for the network.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-webhook.sh"

# Queue events without a sender delivering them: the URL points at a port
# nobody listens on and the sender does not linger; then point it at rx.
queue_offline() {
	git -C repo config sovsync.webhook.url "http://127.0.0.1:$(cat dead-port)/hook" &&
	git -C repo config sovsync.webhook.lingerMs 0 &&
	for m in "$@"; do
		git -C repo commit -q --allow-empty -m "$m" || return 1
	done &&
	wait_no_sender repo/.git &&
	git -C repo config sovsync.webhook.url "$(receiver_url rx)" &&
	git -C repo config sovsync.webhook.lingerMs 20000
}

test_expect_success 'setup' '
	receiver_start rx &&
	receiver_start dead && cat dead/port >dead-port && receiver_stop dead &&
	webhook_repo repo rx
'

test_expect_success 'a second background sender leaves the work to the lock holder' '
	queue_offline one &&
	test "$(outbox_count repo)" = 1 &&
	flock "$(sender_lock repo/.git)" sh -c "
		SOVSYNC_TRACE=\$PWD/trace sovsync webhook sender --git-dir repo/.git" &&
	grep "another sender holds the lock" trace &&
	test "$(outbox_count repo)" = 1 &&
	SOVSYNC_TRACE=$PWD/trace2 sovsync webhook sender --git-dir repo/.git &&
	test "$(outbox_count repo)" = 0 &&
	grep "delivered" trace2 &&
	test "$(receiver_count rx)" = 1
'

test_expect_success 'two senders and a flush at once deliver each event once, in order' '
	queue_offline a b c &&
	(cd repo && sovsync webhook list) | cut -d" " -f2 >want &&
	test $(wc -l <want) = 3 &&
	echo "sleep 1" >rx/script &&
	{ sovsync webhook sender --git-dir repo/.git & } &&
	p1=$! &&
	{ sovsync webhook sender --git-dir repo/.git & } &&
	p2=$! &&
	{ (cd repo && sovsync webhook flush) >/dev/null 2>&1 || true; } &&
	wait $p1 &&
	wait $p2 &&
	wait_outbox repo 0 0 &&
	receiver_query rx "[r[\"id\"] for r in ok[1:]]" >got &&
	test_cmp want got &&
	test "$(receiver_query rx "len(recs) == len(set(r[\"id\"] for r in recs))")" = True
'

test_expect_success 'a sender killed mid-flight loses nothing' '
	queue_offline killed &&
	(cd repo && sovsync webhook list) | cut -d" " -f2 >id &&
	test -s id &&
	touch gate &&
	echo "hold $PWD/gate" >rx/script &&
	{ sovsync webhook sender --git-dir repo/.git & } &&
	pid=$! &&
	wait_for "the request in flight" "grep -q \"\$(cat id)\" rx/log.arrivals" &&
	kill -9 $pid &&
	! wait $pid &&
	rm gate &&
	test "$(outbox_count repo)" = 1 &&
	(cd repo && sovsync webhook list) | grep "$(cat id) commit attempts=" &&
	(cd repo && sovsync webhook flush) &&
	test "$(outbox_count repo)" = 0 &&
	id=$(cat id) &&
	test "$(receiver_query rx "len([r for r in ok if r[\"id\"] == \"$id\"]) >= 1")" = True &&
	test "$(receiver_query rx "len(set(r[\"body\"][\"id\"] for r in recs if r[\"id\"] == \"$id\"))")" = 1
'

test_expect_success 'a commit returns while the receiver sleeps, the event is queued' '
	n=$(receiver_count rx) &&
	touch gate &&
	echo "hold $PWD/gate" >rx/script &&
	git -C repo commit -q --allow-empty -m "slow receiver" &&
	# The sender is still waiting for the answer: the commit did not.
	test "$(outbox_count repo)" = 1 &&
	rm gate &&
	receiver_wait rx $((n + 1)) &&
	wait_outbox repo 0
'

test_expect_success 'the hook output of git is not held open by the sender' '
	touch gate &&
	echo "hold $PWD/gate" >rx/script &&
	out=$(git -C repo commit --allow-empty -m "captured" 2>&1) &&
	test "$(outbox_count repo)" = 1 &&
	rm gate &&
	echo "$out" | grep captured &&
	wait_outbox repo 0
'

test_expect_success 'a damaged event file is set aside, the queue moves on' '
	queue_offline damaged good &&
	first=$(ls repo/.git/sovsync/outbox | grep "^0" | head -n1) &&
	echo "{not json" >"repo/.git/sovsync/outbox/$first" &&
	(cd repo && sovsync webhook list) >list 2>err &&
	grep "$first" err &&
	test $(wc -l <list) = 1 &&
	(cd repo && sovsync webhook flush) >out &&
	grep "1 delivered, 1 failed, 0 still queued" out &&
	test -f "repo/.git/sovsync/outbox/failed/$first"
'

test_expect_success 'a sender whose outbox vanished exits cleanly' '
	webhook_repo gone rx &&
	rm -rf gone/.git/sovsync &&
	sovsync webhook sender --git-dir gone/.git
'

test_done
